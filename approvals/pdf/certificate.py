"""职称电子证书: one person's A4 certificate with the fields, photo, seal and QR code."""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from approvals.pdf.common import INK, RED, RenderedPdf, checked, fit_lines
from approvals.pdf.qr import draw_qr
from approvals.pdf.seal import draw_seal as paint_seal
from approvals.pdf.seal import seal_size
from website.formatting import cn_date
from website.pdf.fonts import (
    FANGSONG,
    HEITI,
    XIAOBIAOSONG,
    draw_text,
    register_font,
    string_width,
)

ASCENT = 0.88

PAGE_WIDTH, PAGE_HEIGHT = A4
QR_SIZE = 30 * mm
BORDER = Color(0.62, 0.12, 0.12)
LABEL = Color(0.35, 0.35, 0.35)


class CertificateRenderError(ValueError):
    """Bad certificate input (message in Chinese)."""


@dataclass
class CertificateData:
    """Everything printed on an e-certificate (plain values, no models).

    ``id_number`` is printed as given: pass the full number for the holder's own PDF, or a
    masked form. ``verify_url`` is what the QR code carries (URL with the signed token).
    """

    certificate_number: str
    name: str
    gender: str
    id_number: str
    unit: str
    series: str
    specialty: str
    qualification: str
    level: str
    committee: str  # 评审组织
    approval_number: str  # 批准文号
    obtained_date: dt.date  # 取得资格时间
    issuer_name: str  # 发证机关
    seal_text: str
    issue_date: dt.date  # 发证日期
    verify_url: str
    verify_address: str = ""  # printed in small type; defaults to verify_url without the token
    seal_purpose: str = ""
    seal_shape: str = "round"
    birth: str = ""  # 出生年月, e.g. 1990年5月
    photo: bytes | None = None


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MIN_SIZE = (150, 200)  # pixels: a one-inch photo (25 × 35 mm) at about 150 dpi


def check_photo(data: bytes) -> None:
    """Raise CertificateRenderError unless ``data`` is a JPEG or PNG photo, judged by its
    content (Pillow decodes it), not by its name: at most 5 MB, at least 150 × 200 pixels."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > PHOTO_MAX_BYTES:
        raise CertificateRenderError("照片不能超过 5 MB。")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            image.load()  # decodes the pixels: a truncated or forged file fails here
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise CertificateRenderError("照片无法读取，请上传 JPEG 或 PNG 图片。") from exc
    if image_format not in ("JPEG", "PNG"):
        raise CertificateRenderError(f"照片格式为 {image_format}，请上传 JPEG 或 PNG 图片。")
    if width < PHOTO_MIN_SIZE[0] or height < PHOTO_MIN_SIZE[1]:
        raise CertificateRenderError(
            f"照片只有 {width} × {height} 像素，至少需要 {PHOTO_MIN_SIZE[0]} × {PHOTO_MIN_SIZE[1]} 像素。"
        )


def certificate_fields(data: CertificateData) -> list[tuple[str, str]]:
    """The labelled lines in print order."""
    rows = [
        ("姓名", data.name),
        ("性别", data.gender),
    ]
    if data.birth:
        rows.append(("出生年月", data.birth))
    rows += [
        ("身份证号", data.id_number),
        ("工作单位", data.unit),
        ("系列/专业", f"{data.series}/{data.specialty}" if data.specialty else data.series),
        ("资格名称", data.qualification),
        ("级别", data.level),
        ("评审组织", data.committee),
        ("批准文号", data.approval_number),
        ("取得资格时间", cn_date(data.obtained_date)),
        ("证书编号", data.certificate_number),
    ]
    return rows


def check_certificate(data: CertificateData) -> None:
    """Raise MissingGlyphError naming the first field the font cannot draw."""
    for label, value in certificate_fields(data):
        checked(value, label)
    checked(data.issuer_name, "发证机关")
    checked(data.seal_text, "印章文字")
    checked(data.seal_purpose, "印章用途")
    checked(data.verify_address or data.verify_url, "查验地址")
    if not data.name.strip():
        raise CertificateRenderError("证书缺少姓名。")


def render_certificate(data: CertificateData, *, draw_seal: bool = True) -> RenderedPdf:
    """Render the certificate; with ``draw_seal=False`` leave the seal to the signature."""
    check_certificate(data)
    register_font()
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=A4, pageCompression=1)
    canv.setTitle(f"专业技术职务任职资格证书 {data.certificate_number}")
    canv.setAuthor(data.issuer_name)
    canv.setSubject(data.certificate_number)
    canv.setCreator("职称公示与证书平台")

    # Border: a heavy outer frame and a thin inner one.
    canv.setStrokeColor(BORDER)
    canv.setLineWidth(3)
    canv.rect(12 * mm, 12 * mm, PAGE_WIDTH - 24 * mm, PAGE_HEIGHT - 24 * mm)
    canv.setLineWidth(0.8)
    canv.rect(15 * mm, 15 * mm, PAGE_WIDTH - 30 * mm, PAGE_HEIGHT - 30 * mm)

    draw_text(canv, PAGE_WIDTH / 2, PAGE_HEIGHT - 45 * mm, "专业技术职务任职资格证书", 28,
              XIAOBIAOSONG, anchor="centre", color=RED)  # fmt: skip

    # Fields: label (黑体, grey) and value (仿宋 face, one face for all values keeps the file
    # small); a long value (a 40-character unit, a
    # 47-character committee) wraps at word boundaries onto a second or third line rather
    # than shrinking into illegibility. The photo (1 inch, 25 × 35 mm) sits at the upper right,
    # values beside it stop short of it.
    left = 30 * mm
    value_x = left + 30 * mm
    right = PAGE_WIDTH - 25 * mm
    photo_w, photo_h = 25 * mm, 35 * mm
    photo_x = right - photo_w
    top = PAGE_HEIGHT - 68 * mm
    if data.photo:
        check_photo(data.photo)
        try:
            image = ImageReader(io.BytesIO(data.photo))
        except Exception as exc:  # reportlab raises plain exceptions for unreadable images
            raise CertificateRenderError("照片无法读取，请上传 JPEG 或 PNG 图片。") from exc
        canv.drawImage(
            image, photo_x, top - photo_h + 6 * mm, photo_w, photo_h,
            preserveAspectRatio=True, anchor="c",
        )  # fmt: skip
    photo_bottom = top - photo_h + 6 * mm
    issuer_lines, issuer_size = fit_lines(
        f"发证机关：{data.issuer_name}", 100 * mm, 14, FANGSONG, max_lines=3, min_size=11
    )
    date_line = f"发证日期：{cn_date(data.issue_date)}"
    date_y = 60 * mm
    issuer_pitch = issuer_size * 1.45
    issuer_top = date_y + 8 * mm + (len(issuer_lines) - 1) * issuer_pitch + issuer_size
    rows = certificate_fields(data)
    value_size, label_size, sub_pitch = 15.0, 12.5, 15 * 1.3
    layout = []
    for label, value in rows:
        y_probe = top - sum(h for *_r, h in layout)
        limit = (photo_x - 4 * mm if y_probe > photo_bottom else right) - value_x
        lines, size = fit_lines(value, limit, value_size, FANGSONG, max_lines=2, min_size=11)
        layout.append((label, lines, size, 10 * mm + (len(lines) - 1) * sub_pitch))
    # Squeeze the row pitch if the fields would reach the issuer block.
    total = sum(h for *_r, h in layout)
    room = top - (issuer_top + 6 * mm)
    squeeze = min(1.0, room / total) if total else 1.0
    y = top
    for label, lines, size, height in layout:
        canv.setFillColor(LABEL)
        draw_text(canv, left, y, label, label_size, HEITI, color=LABEL)
        for i, line in enumerate(lines):
            draw_text(canv, value_x, y - i * sub_pitch * squeeze, line, size, FANGSONG, color=INK)
        y -= height * squeeze

    # Issuer (wrapped, right-aligned) over the date; the seal centred on the date with its
    # star above the date's digits, its ring over the issuer's name and the date.
    # The block ends 30 mm from the edge so the seal's ring stays well inside the border.
    block_right = PAGE_WIDTH - 30 * mm
    for i, line in enumerate(issuer_lines):
        baseline = date_y + 8 * mm + (len(issuer_lines) - 1 - i) * issuer_pitch
        draw_text(canv, block_right, baseline, line, issuer_size, anchor="right", color=INK)
    draw_text(canv, block_right, date_y, date_line, 14, anchor="right", color=INK)
    # Centred on the date itself (not its label), so the ring covers all its digits.
    date_width = string_width(cn_date(data.issue_date), 14)
    seal_w, seal_h = seal_size(data.seal_shape)
    star_clearance = (
        0.30 * seal_h / 2 * math.cos(math.radians(36)) if data.seal_shape == "round" else 0
    )
    seal_centre = (block_right - date_width / 2, date_y + 14 * ASCENT + star_clearance + 1.5 * mm)
    if draw_seal:
        paint_seal(canv, *seal_centre, data.seal_text, data.seal_purpose, shape=data.seal_shape)

    # QR code at the lower left with the verification address under it.
    qr_x, qr_y = 28 * mm, 32 * mm
    draw_qr(canv, qr_x, qr_y, QR_SIZE, data.verify_url)
    address = data.verify_address or data.verify_url.split("?", 1)[0]
    draw_text(canv, qr_x, qr_y - 6 * mm, f"扫码或访问 {address} 查验本证书", 8, color=LABEL)
    draw_text(canv, qr_x, qr_y - 10 * mm, "本证书经电子签名，可在查验页面上传 PDF 核验真伪。", 8,
              color=LABEL)  # fmt: skip

    canv.showPage()
    canv.save()
    half_w, half_h = seal_w / 2, seal_h / 2
    return RenderedPdf(
        data=buffer.getvalue(),
        seal_page=0,
        seal_box=(
            round(seal_centre[0] - half_w),
            round(seal_centre[1] - half_h),
            round(seal_centre[0] + half_w),
            round(seal_centre[1] + half_h),
        ),
        seal_text=data.seal_text,
        seal_purpose=data.seal_purpose,
        seal_shape=data.seal_shape,
    )
