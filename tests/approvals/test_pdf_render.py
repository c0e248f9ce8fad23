"""Rendering: the approval document and the certificate carry their text, glyph checks stop
bad names before anything is issued, the seal multiplies, the QR code scans at 30 mm / 150 dpi."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from approvals.pdf.approval_document import render_approval_document
from approvals.pdf.certificate import CertificateRenderError, render_certificate
from approvals.pdf.qr import qr_matrix
from approvals.pdf.seal import seal_pdf
from website.pdf.fonts import MissingGlyphError

from . import pdf_samples
from .helpers import require_tools as _require


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def long_document():
    doc = pdf_samples.approval_document(90)
    return doc, render_approval_document(doc)


def test_approval_document_contains_number_title_and_every_name(long_document):
    doc, rendered = long_document
    pages = pdf_text(rendered.data)
    everything = squeeze("".join(pages))
    assert doc.document_number in everything
    assert squeeze(doc.title) in everything
    assert "区属各企业：" in everything
    for person in doc.persons:
        assert person["name"] in everything, person["name"]
    assert rendered.data.startswith(b"%PDF-")


def test_persons_table_spans_pages_with_repeated_header(long_document):
    doc, rendered = long_document
    pages = pdf_text(rendered.data)
    assert len(pages) >= 3
    table_pages = [p for p in pages if doc.persons[-1]["name"] in p or "工作单位" in p]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert "工作单位" in page and "资格名称" in page  # header row on every page
    # Page numbers in GB/T 9704 style, and the 版记 on the last page only.
    for number, page in enumerate(pages, 1):
        assert f"— {number} —" in page
    assert "印发" in pages[-1] and all("印发" not in p for p in pages[:-1])


def test_seal_box_sits_over_issuer_and_date(long_document):
    doc, rendered = long_document
    x1, y1, x2, y2 = rendered.seal_box
    assert 115 <= x2 - x1 <= 125 and 115 <= y2 - y1 <= 125  # 42 mm
    assert 0 < x1 and x2 <= 595 and 0 < y1 and y2 <= 842
    # The seal is on the page with the signature (the date), before the list's pages.
    pages = pdf_text(rendered.data)
    page_text = squeeze(pages[rendered.seal_page])
    assert "2024年9月10日" in page_text and "证书编号" not in page_text


def test_date_in_arabic_numerals():
    """成文日期 in Arabic numerals, year, month and day in full (GB/T 9704-2012 §7.3.5.4)."""
    rendered = render_approval_document(pdf_samples.approval_document(1))
    text = squeeze("".join(pdf_text(rendered.data)))
    assert "2024年9月10日" in text and "〇" not in text and "○" not in text


def test_character_no_font_has_is_a_clear_error():
    people = pdf_samples.persons(3)
    people[2]["name"] = "李\ue000"  # private use: no font has it
    doc = pdf_samples.approval_document(3, persons=people)
    with pytest.raises(MissingGlyphError) as error:
        render_approval_document(doc)
    message = str(error.value)
    assert "U+E000" in message and "名单第3行姓名" in message


def test_certificate_character_no_font_has_is_a_clear_error():
    with pytest.raises(MissingGlyphError, match="姓名中含有任何字体都无法显示的字符：“\ue001”"):
        render_certificate(pdf_samples.certificate(name="王\ue001"))


def test_seal_is_vector_red_and_multiplies():
    data = seal_pdf("测试单位人力资源和社会保障局", "职称评审专用章")
    assert b"/BM /Multiply" in data
    assert not PdfReader(io.BytesIO(data)).pages[0].images  # vectors, not a picture


def test_certificate_contains_every_field():
    data = pdf_samples.certificate()
    text = squeeze(pdf_text(render_certificate(data).data)[0])
    for expected in (
        "专业技术职务任职资格证书",
        "王小明",
        "650102********1234",
        "新疆某某建设工程有限公司",
        "工程系列/建筑工程",
        "工程师",
        "中级",
        "工程系列中级专业技术职务任职资格评审委员会",
        "新经开人社〔2024〕12号",
        "2024年9月1日",
        "XJTT-2024-000001",
        "发证日期：2024年9月10日",
        "1990年5月",
        "zc.example.cn/verify/",
    ):
        assert squeeze(expected) in text, expected


def test_certificate_photo_is_embedded_and_bad_photo_is_refused():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (200, 220, 240)).save(buffer, "JPEG")
    rendered = render_certificate(pdf_samples.certificate(photo=buffer.getvalue()))
    assert len(PdfReader(io.BytesIO(rendered.data)).pages[0].images) == 1
    with pytest.raises(CertificateRenderError, match="照片无法读取"):
        render_certificate(pdf_samples.certificate(photo=b"not an image"))


@pytest.mark.parametrize(
    "name, qualification",
    [("欧阳明轩", "高级工程师"), ("王伟", "助理工程师"), ("司马相如", "正高级经济师")],
)
def test_qr_decodes_from_a_150_dpi_render(tmp_path, signing_key, name, qualification):
    """A realistic QR payload (verification URL + signed token) printed at 30 mm."""
    from approvals.crypto.tokens import sign_token

    _require("pdftoppm", "zbarimg")
    token = sign_token(
        {"n": "XJTT-2024-000123", "nm": name, "q": qualification, "l": "副高级", "d": "20240901"},
        signing_key,
    )
    url = f"https://zc.example.gov.cn/verify/t/{token}"
    assert len(qr_matrix(url)) <= 61  # version ≤ 11: modules ≥ 0.49 mm (2.9 px at 150 dpi)
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(render_certificate(pdf_samples.certificate(verify_url=url)).data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.png")
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sbinary", str(image)], capture_output=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").strip() == url


def test_qr_mask_is_the_one_qrcode_chooses():
    """The fast mask choice picks exactly qrcode's mask (its lowest penalty) on payloads of
    every size a certificate uses, so the printed symbol is the same module for module."""
    import random
    import string

    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    chooser = random.Random(18)
    alphabet = string.ascii_letters + string.digits + "-_."
    for length in [1, 8, 40, 90, 150, 200, 230, 260, 300] * 6:
        url = "https://zc.example.gov.cn/verify/t/" + "".join(
            chooser.choice(alphabet) for _ in range(length)
        )
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        code.add_data(url, optimize=20)
        code.make(fit=True)
        assert qr_matrix(url) == code.get_matrix(), url


def test_qr_penalty_is_qrcodes_lost_point():
    """The penalty on packed rows and columns scores any matrix as qrcode.util.lost_point."""
    import random

    from qrcode import util

    from approvals.pdf.qr import _bits, _pack, _penalty

    chooser = random.Random(18)
    for n in (21, 25, 41, 57, 61, 101):
        for density in (0.1, 0.5, 0.9):
            matrix = [[chooser.random() < density for _ in range(n)] for _ in range(n)]
            lines = [_bits(row) for row in matrix] + [
                _bits(col) for col in zip(*matrix, strict=True)
            ]
            assert _penalty(_pack(lines, n), n) == util.lost_point(matrix), (n, density)


def test_qr_codewords_are_the_ones_qrcode_computes():
    """The packed bit buffer and shift-register Reed–Solomon coding give qrcode's own codewords
    (data, padding, error correction, interleaving) for every error-correction level, for
    numeric, alphanumeric and byte segments, small symbols to large ones."""
    import random
    import string

    import qrcode
    from qrcode import util

    from approvals.pdf.qr import _create_data, _FastMaskQRCode

    chooser = random.Random(18)
    alphabet = string.ascii_letters + string.digits + "-_./:证书"
    for level in range(4):
        for length in (1, 5, 20, 60, 120, 200, 260, 400, 700, 1200):
            data = "".join(chooser.choice(alphabet) for _ in range(length))
            data += "".join(chooser.choice(string.digits) for _ in range(chooser.randint(0, 40)))
            code = qrcode.QRCode(error_correction=level, border=0)
            code.add_data(data, optimize=20)
            try:
                code.best_fit()
            except qrcode.exceptions.DataOverflowError:
                continue
            ours = _FastMaskQRCode(error_correction=level, border=0)
            ours.add_data(data, optimize=20)
            assert ours.best_fit() == code.version
            assert _create_data(code.version, level, code.data_list) == util.create_data(
                code.version, level, code.data_list
            ), (level, length)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: b"GIF89a" + b"\0" * 100, "照片无法读取"),
        (lambda: _image("GIF", (300, 400)), "格式为 GIF"),
        (lambda: _image("JPEG", (100, 120)), "至少需要 150 × 200 像素"),
        (lambda: _image("PNG", (300, 400))[:200], "照片无法读取"),  # truncated
    ],
)
def test_photo_is_checked_by_content(make, message):
    from approvals.pdf.certificate import check_photo

    with pytest.raises(CertificateRenderError, match=message):
        check_photo(make())
    with pytest.raises(CertificateRenderError, match=message):
        render_certificate(pdf_samples.certificate(photo=make()))
    check_photo(_image("JPEG", (295, 413)))  # a one-inch photo passes


def _image(kind: str, size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(buffer, kind)
    return buffer.getvalue()
