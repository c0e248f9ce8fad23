"""The issuer's own seal (configured per authority, previewed in the admin) and finding a
certificate by its number on the approvals page and in the index."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from approvals.issuing.issue import issue_approval
from approvals.models import Certificate

from .helpers import make_document

pytestmark = pytest.mark.django_db


def test_seal_must_be_the_signers_own(authority):
    authority.name = "巴音郭楞蒙古自治州工程系列中级职称评审委员会"
    authority.short_name = "巴州工程系列评委会"
    authority.seal_text = "巴音郭楞蒙古自治州人力资源和社会保障局"  # the parent bureau
    with pytest.raises(ValidationError) as error:
        authority.full_clean()
    assert "印章文字应为本机关的名称" in str(error.value)
    for own in ("", "巴音郭楞蒙古自治州工程系列中级职称评审委员会", "巴州工程系列评委会",
                "新疆巴音郭楞蒙古自治州工程系列中级职称评审委员会"):  # fmt: skip
        authority.seal_text = own
        authority.full_clean()
    authority.seal_text = ""
    assert authority.seal_name == authority.name


def test_seal_text_no_font_has_is_refused(authority):
    authority.seal_purpose = "职称\ue000专用章"
    with pytest.raises(ValidationError, match="U\\+E000"):
        authority.full_clean()


def test_admin_seal_preview_page_and_image(admin_client, authority):
    listing = admin_client.get("/admin/snippets/website/authority/").content.decode()
    preview_url = f"/admin/seal/{authority.pk}/"
    assert preview_url in listing and "印章预览" in listing

    html = admin_client.get(preview_url).content.decode()
    assert authority.seal_name in html and "/admin/seal/image.png?" in html

    response = admin_client.get(
        "/admin/seal/image.png",
        {"text": authority.seal_name, "purpose": "职称评审专用章", "shape": "oval"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    width, height = image.size
    assert abs(width / height - 1.5) < 0.05  # 45 × 30 mm
    pixels = image.convert("RGB").tobytes()
    red = sum(
        1
        for i in range(0, len(pixels), 3)
        if pixels[i] > 180 and pixels[i + 1] < 90 and pixels[i + 2] < 90
    )
    assert red > 1000  # the ring and the lettering are drawn

    bad = admin_client.get("/admin/seal/image.png", {"text": "测试\ue000"})
    assert bad.status_code == 400 and "U+E000" in bad.content.decode()
    assert (
        admin_client.get("/admin/seal/image.png", {"text": "测试", "shape": "star"}).status_code
        == 400
    )


def test_seal_preview_needs_the_admin(client, authority):
    response = client.get(f"/admin/seal/{authority.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/admin/seal/image.png", {"text": "测试"}).status_code == 302


@pytest.fixture
def approvals_page(home_page):
    from approvals.models import ApprovalIndexPage

    page = home_page.add_child(
        instance=ApprovalIndexPage(title="任职资格审批文件", slug="approvals")
    )
    page.save_revision().publish()
    return page


def test_approvals_page_finds_a_certificate_by_number(
    client, authority, signing_key, approvals_page
):
    issued = issue_approval(make_document(authority, 2))
    certificate = Certificate.objects.get(name="李华")

    html = client.get(
        approvals_page.url, {"certificate": certificate.number.lower()}
    ).content.decode()
    assert f"证书编号 <strong>{certificate.number}</strong>：李华" in html
    assert issued.number in html and "查验证书" in html

    html = client.get(approvals_page.url, {"certificate": "TOUTUNHE-2024-999999"}).content.decode()
    assert "没有找到编号为“TOUTUNHE-2024-999999”的已签发证书" in html


def test_draft_certificates_are_not_found(client, authority, signing_key, approvals_page):
    from approvals.issuing import issue as issuing

    document = make_document(authority, 1)
    issuing.prepare(document)  # numbers allocated, not yet issued
    number = document.persons.get().certificate_number
    html = client.get(approvals_page.url, {"certificate": number}).content.decode()
    assert "没有找到" in html


def test_certificate_numbers_are_in_the_documents_index_text(authority, signing_key):
    issued = issue_approval(make_document(authority, 2))
    text = issued.search_persons()
    for certificate in issued.certificates.all():
        assert certificate.number in text
