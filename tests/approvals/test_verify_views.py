"""证书查验 page: by number, by QR token, by uploaded PDF; every verdict, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.issuing.issue import issue_approval
from approvals.issuing.revocation import revoke_certificate
from approvals.models import private_storage

from .helpers import make_document

pytestmark = pytest.mark.django_db
URL = "/verify/"


@pytest.fixture
def issued(authority, signing_key):
    return issue_approval(make_document(authority, 1))


def certificate_pdf(certificate) -> bytes:
    with private_storage().open(certificate.pdf.name, "rb") as handle:
        return handle.read()


def upload(client, data: bytes, name: str = "证书.pdf"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_by_number_valid(client, issued):
    response = client.get(URL, {"number": "TOUTUNHE-2024-000001"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '查验结果：<span class="verdict__label">有效</span>' in html
    assert issued.number in html and issued.authority.name in html
    # Never any ID character, not even the mask; no gender or birth data.
    assert "650102" not in html and "身份证" not in html and "性别" not in html


def test_by_number_unknown(client, issued):
    html = client.get(URL, {"number": "TOUTUNHE-2024-424242"}).content.decode()
    assert "未找到" in html


def test_by_token_url(client, issued):
    token = issued.certificates.get().token
    html = client.get(f"/verify/t/{token}").content.decode()
    assert "有效" in html and "王小明" in html
    html = client.get(URL, {"token": token}).content.decode()
    assert "有效" in html


def test_forged_token(client, issued):
    token = issued.certificates.get().token
    payload, signature = token.split(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    response = client.get(f"/verify/t/{forged}")
    assert response.status_code == 200
    assert "有效</span>" not in response.content.decode()


def test_upload_valid_then_revoked(client, issued, admin_user):
    certificate = issued.certificates.get()
    data = certificate_pdf(certificate)
    assert "有效</span>" in upload(client, data).content.decode()

    revoke_certificate(certificate, "以不正当手段取得", admin_user)
    html = upload(client, data).content.decode()
    assert "已撤销</span>" in html and "以不正当手段取得" in html


def test_upload_document_pdf(client, issued):
    html = upload(client, issued.pdf.read()).content.decode()
    assert "有效</span>" in html and "审批文件有效" in html


@pytest.mark.parametrize(
    ("make", "label"),
    [
        (lambda pdf: b"GIF89a not a pdf at all", "不是 PDF 文件"),
        (lambda pdf: pdf[: len(pdf) // 2], "已被篡改"),
        (lambda pdf: pdf.replace(b"/Producer", b"/Producex", 1), "已被篡改"),
        (lambda pdf: pdf, "有效"),
    ],
)
def test_upload_verdicts_never_500(client, issued, make, label):
    data = make(certificate_pdf(issued.certificates.get()))
    response = upload(client, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "查验结果" in html
    assert label in html


def test_upload_unsigned_pdf(client, issued):
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 100, "hello")
    canvas.save()
    assert "未签名" in upload(client, buffer.getvalue()).content.decode()


def test_upload_size_cap(client, issued, settings):
    settings.APPROVALS_MAX_UPLOAD_BYTES = 1024
    response = upload(client, b"%PDF-1.7\n" + b"0" * 4096)
    assert response.status_code == 413
    assert "文件过大" in response.content.decode()


def test_page_renders_without_a_csrf_token_so_it_may_be_cached(client, db):
    """Public verdicts may be cached (purged when a certificate changes: tests/website/
    test_cache.py); the upload check needs no token and its answer is never cached."""
    response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies
