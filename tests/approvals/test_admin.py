"""Admin: document viewset with persons inline, confirmed issuing, progress, read-only once
issued, creation from an ended publicity, certificate list, search and revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from wagtail.models import ModelLogEntry

from approvals.issuing.issue import issue_approval
from approvals.models import ApprovalDocument, Certificate, DocumentStatus
from tests.factories import (
    PublicityEntryFactory,
    PublicityIndexPageFactory,
    PublicityPageFactory,
)
from website import identity

from .helpers import id_number, make_document

pytestmark = pytest.mark.django_db


def test_index_and_create_with_person_inline(admin_client, authority):
    response = admin_client.get("/admin/approvals/documents/")
    assert response.status_code == 200
    assert "从公示创建" in response.content.decode()

    data = {
        "authority": authority.pk,
        "title": "关于李华同志取得工程师资格的通知",
        "addressees": "区属各企业",
        "review_committee": "",
        "date": "2024-09-01",
        "supersedes": "",
        "body": "经评审，下列同志取得任职资格。",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "1000",
        "persons-0-name": "李华",
        "persons-0-gender": "",
        "persons-0-id_number": id_number(7),
        "persons-0-unit": "新疆某某公司",
        "persons-0-series": "工程系列",
        "persons-0-specialty": "建筑工程",
        "persons-0-qualification": "工程师",
        "persons-0-level": "中级",
        "persons-0-review_type": "评审",
        "persons-0-ORDER": "1",
    }
    response = admin_client.post("/admin/approvals/documents/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = ApprovalDocument.objects.get()
    person = document.persons.get()
    assert person.id_masked.startswith("650102********") and len(person.id_hash) == 64
    assert person.gender in {"男", "女"} and not hasattr(person, "birth_month")
    assert id_number(7) not in str(person.__dict__)


def test_bad_id_number_is_a_clear_error_and_nothing_saved(admin_client, authority):
    data = {
        "authority": authority.pk,
        "title": "标题",
        "addressees": "",
        "review_committee": "",
        "date": "2024-09-01",
        "supersedes": "",
        "body": "正文",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "1000",
        "persons-0-name": "李华",
        "persons-0-id_number": "650102198506120011",
        "persons-0-unit": "单位",
        "persons-0-series": "工程系列",
        "persons-0-specialty": "建筑工程",
        "persons-0-qualification": "工程师",
        "persons-0-level": "中级",
        "persons-0-review_type": "评审",
    }
    response = admin_client.post("/admin/approvals/documents/new/", data)
    assert response.status_code == 200
    assert "校验码错误" in response.content.decode()
    assert not ApprovalDocument.objects.exists()


@pytest.fixture
def issuer_client(django_user_model):
    """A second superuser: the one who approves what the first submitted."""
    from django.test import Client

    user = django_user_model.objects.create_superuser(
        "issuer", "issuer@example.cn", "pw-issuer-123", first_name="签发", last_name="张"
    )
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_issue_confirmation_then_issue(admin_client, issuer_client, authority, signing_key):
    document = make_document(authority, 2)
    url = f"/admin/approvals/documents/issue/{document.pk}/"
    # Not submitted yet: the issuer is sent back to the document.
    assert issuer_client.get(url).status_code == 302
    response = admin_client.post(f"/admin/approvals/documents/submit/{document.pk}/")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED
    # The one who submitted may not approve, even as a superuser.
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url).status_code == 403
    response = issuer_client.get(url)
    assert "确认签发" in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED  # GET changes nothing

    response = issuer_client.post(url)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED
    assert document.issued_by == issuer_client.user
    assert ModelLogEntry.objects.filter(action="approvals.issue").exists()
    assert ModelLogEntry.objects.get(action="approvals.submit").user == admin_client.user
    assert ModelLogEntry.objects.get(action="approvals.approve").user == issuer_client.user

    inspect = admin_client.get(f"/admin/approvals/documents/inspect/{document.pk}/")
    html = inspect.content.decode()
    assert "2 / 2" in html and document.number in html
    assert "签发人：张签发" in html or "签发人：签发 张" in html  # the full name, not the login

    # Read-only once issued: the edit view sends the editor back to the inspect view.
    edit = admin_client.get(f"/admin/approvals/documents/edit/{document.pk}/")
    assert edit.status_code == 302 and "/inspect/" in edit["Location"]
    delete = admin_client.post(f"/admin/approvals/documents/delete/{document.pk}/")
    assert ApprovalDocument.objects.filter(pk=document.pk).exists()
    assert delete.status_code == 302


def test_issue_refused_with_message_for_missing_glyph(admin_client, authority, signing_key):
    document = make_document(authority, 1)
    document.persons.update(name="王\ue000")  # private use: no font has it
    # Submitting checks the glyphs already: refused with the character named.
    response = admin_client.post(f"/admin/approvals/documents/submit/{document.pk}/", follow=True)
    assert "未能提交" in response.content.decode() and "U+E000" in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    # A document submitted before the name changed: the approver sees why it cannot be issued.
    ApprovalDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.SUBMITTED)
    html = admin_client.get(f"/admin/approvals/documents/issue/{document.pk}/").content.decode()
    assert "不能签发" in html and "U+E000" in html
    admin_client.post(f"/admin/approvals/documents/issue/{document.pk}/")
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED and document.number is None


def test_progress_shown_while_issuing(admin_client, authority, signing_key):
    from approvals.issuing import issue as issuing

    document = make_document(authority, 3)
    issuing.prepare(document)
    html = admin_client.get(f"/admin/approvals/documents/inspect/{document.pk}/").content.decode()
    assert "0 / 3" in html and "继续签发" in html and 'http-equiv="refresh"' in html


def test_certificate_list_search_and_revoke(admin_client, issuer_client, authority, signing_key):
    issue_approval(make_document(authority, 3))
    listing = admin_client.get("/admin/approvals/certificates/", {"q": "李华"})
    html = listing.content.decode()
    assert "TOUTUNHE-2024-000002" in html and "TOUTUNHE-2024-000001" not in html

    certificate = Certificate.objects.get(number="TOUTUNHE-2024-000002")
    url = f"/admin/approvals/certificates/revoke/{certificate.pk}/"
    response = admin_client.post(url, {"reason": ""})
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert not certificate.is_revoked

    response = admin_client.post(url, {"reason": "材料造假"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert not certificate.is_revoked  # a request only: a second person decides
    item = certificate.revocation_requests.get()
    decide = f"/admin/approvals/certificates/requests/{item.pk}/"
    assert admin_client.post(decide, {"decision": "approve"}).status_code == 403
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    inspect = issuer_client.get(f"/admin/approvals/certificates/inspect/{certificate.pk}/")
    assert "批准" in inspect.content.decode()
    assert issuer_client.post(decide, {"decision": "approve"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_reason == "材料造假"
    assert certificate.revoked_by == issuer_client.user
    entry = ModelLogEntry.objects.get(action="approvals.revoke")
    assert entry.data["reason"] == "材料造假"
    # The certificate's own history page answers the superuser.
    history = admin_client.get(f"/admin/approvals/certificates/history/{certificate.pk}/")
    assert history.status_code == 200 and "撤销证书" in history.content.decode()
    # No edit form for certificates.
    assert admin_client.get(
        f"/admin/approvals/certificates/edit/{certificate.pk}/"
    ).status_code in (302, 403)


def test_from_publicity_requires_ended_period(admin_client, authority, time_machine):
    from approvals.issuing.creation import CreationError, create_from_publicity

    publicity = _publicity(authority)
    for i, name in enumerate(["王小明", "李华"]):
        PublicityEntryFactory(
            publicity=publicity, sort_order=i, name=name, unit="单位", id_number=id_number(i + 1)
        )
    PublicityEntryFactory(
        publicity=publicity, sort_order=9, name="排除者", unit="单位", id_number=id_number(9),
        excluded=True,
    )  # fmt: skip
    # Public since the day before the start (the real go-live time recorded on publishing).
    type(publicity).objects.filter(pk=publicity.pk).update(
        went_live_at=dt.datetime(2023, 10, 31, 16, tzinfo=dt.UTC)
    )
    publicity.refresh_from_db()
    time_machine.move_to(dt.datetime(2023, 11, 3, 12, tzinfo=dt.UTC))
    with pytest.raises(CreationError, match="尚未结束"):
        create_from_publicity(publicity)

    time_machine.move_to(dt.datetime(2023, 11, 20, 12, tzinfo=dt.UTC))
    page = admin_client.get("/admin/approvals/documents/from-publicity/")
    assert publicity.title in page.content.decode()
    response = admin_client.post(
        "/admin/approvals/documents/from-publicity/", {"publicity": publicity.pk}
    )
    assert response.status_code == 302
    document = ApprovalDocument.objects.get()
    assert [p.name for p in document.persons.order_by("sort_order")] == ["王小明", "李华"]
    first = document.persons.first()
    # No birth data stored; issuing works it back from hash + mask.
    assert identity.recover_birth_date(first.id_hash, first.id_masked).month == 6
    assert document.source_publicity_id == publicity.pk


def _publicity(authority):
    from website.models import HomePage

    return PublicityPageFactory(
        parent=PublicityIndexPageFactory(parent=HomePage.objects.get()),
        title="2023年度工程系列中级职称评审结果公示",
        slug="gs-2023",
        authority=authority,
        start_date=dt.date(2023, 11, 1),
    )


def test_issue_confirmation_shows_the_title_and_count_that_will_be_printed(
    admin_client, authority, signing_key
):
    document = make_document(authority, 3, title="关于王小明等49名同志取得工程师资格的通知")
    document.persons.filter(sort_order=0).delete()  # 王小明 removed from the draft
    # Submitted by its 经办 (another user): the superuser is the second person who confirms.
    ApprovalDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.SUBMITTED)
    html = admin_client.get(f"/admin/approvals/documents/issue/{document.pk}/").content.decode()
    assert "关于李华等2名同志取得工程师资格的通知" in html
    assert "名单人数：2 人" in html
    assert "已按名单更新" in html
