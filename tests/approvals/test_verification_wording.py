"""Verification says what happened, about what was checked: a file changed after signing, a
QR token (not a file) forged or unreadable, a whole QR address pasted, form errors in Chinese."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import verification
from approvals.issuing.issue import issue_approval

from .helpers import make_document
from .test_verify_views import certificate_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(authority, signing_key):
    return issue_approval(make_document(authority, 1))


def test_text_appended_after_the_signature_is_tampering(client, issued):
    data = certificate_pdf(issued.certificates.get()) + b"\n% appended text\n"
    result = verification.verify_upload(data)
    assert result.verdict == verification.Verdict.TAMPERED
    assert "签名后文件内容被改动" in result.message
    assert result.certificate is None  # a changed file is not shown beside the record
    html = client.post(
        "/verify/", {"file": SimpleUploadedFile("证书.pdf", data, "application/pdf")}
    ).content.decode()
    assert "签名后文件内容被改动" in html and "未找到" not in html
    api = client.post("/api/v1/verify/pdf", {"file": SimpleUploadedFile("a.pdf", data)}).json()
    assert api["verdict"] == "tampered"


def test_token_verdicts_speak_of_a_token(client, issued):
    token = issued.certificates.get().token
    payload, signature = token.split(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    result = verification.verify_token(forged)
    assert result.verdict == "tampered" and "二维码令牌" in result.label
    assert "文件" not in result.label
    garbage = verification.verify_token("not-a-token")
    assert garbage.label == "不是有效的二维码令牌" and "文件" not in garbage.label
    html = client.get(f"/verify/t/{forged}").content.decode()
    assert "二维码令牌被篡改" in html and "签名后文件内容被改动" not in html
    assert "不是有效的二维码令牌" in client.get("/verify/", {"token": "xyz"}).content.decode()


def test_the_api_accepts_the_whole_qr_address(client, issued):
    certificate = issued.certificates.get()
    token = certificate.token
    for pasted in (
        f"https://zhicheng.example.cn/verify/t/{token}",
        f"  http://127.0.0.1:8000/verify/t/{token}  ",
        f"https://zhicheng.example.cn/verify/?token={token}",
        f"https://zhicheng.example.cn/verify/?t={token}",
    ):
        answer = client.get("/api/v1/verify/token", {"token": pasted}).json()
        assert answer["verdict"] == "valid", pasted
        assert answer["certificate"]["number"] == certificate.number
    answer = client.post(
        "/api/v1/verify/token",
        {"token": f"https://zhicheng.example.cn/verify/t/{token}"},
        content_type="application/json",
    ).json()
    assert answer["verdict"] == "valid"


def test_form_errors_are_chinese_sentences(client, db):
    html = client.get("/verify/", {"number": ""}).content.decode()
    assert "请输入证书编号" in html and "必需" not in html
    html = client.get("/verify/", {"number": "X" * 41}).content.decode()
    assert "最多 40 个字符" in html and "确保" not in html
    html = client.post("/verify/", {}).content.decode()
    assert "请选择要查验的 PDF 文件" in html and "必需" not in html


def test_help_text_matches_the_certificate(client, db):
    """The QR code is drawn at the lower left of the certificate; the example number is the one
    the demo issues."""
    import inspect

    from approvals.pdf import certificate
    from approvals.views.public import EXAMPLE_NUMBER

    source = inspect.getsource(certificate)
    assert "qr_x, qr_y = 28 * mm" in source  # 28 mm from the left edge
    html = client.get("/verify/").content.decode()
    assert "左下角的二维码" in html and "右下角" not in html
    assert f'placeholder="如 {EXAMPLE_NUMBER}"' in html


def test_example_number_is_a_demo_certificate(db):
    from django.core.management import call_command

    from approvals.models import Certificate
    from approvals.views.public import EXAMPLE_NUMBER

    call_command("load_demo")
    assert Certificate.objects.public().filter(number=EXAMPLE_NUMBER).exists()
