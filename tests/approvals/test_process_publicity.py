"""Documents from a publicity: only after names were public for the whole period, one document
per publicity, and the draft says who was left out and why."""

from __future__ import annotations

import datetime as dt

import pytest
from wagtail.models import ModelLogEntry

from approvals.issuing import creation, process
from approvals.models import ApprovalDocument, DocumentStatus
from publicity.models import Objection, ObjectionStatus
from tests.factories import PublicityEntryFactory, client_for, role_user
from website.roles import Role

from .helpers import id_number

pytestmark = pytest.mark.django_db

AFTER = dt.datetime(2023, 11, 20, 12, tzinfo=dt.UTC)


def ended_publicity(authority, *, went_live_at, slug="gs-2023", names=("王小明", "李华", "张伟")):
    """A publicity of 2023-11-01..07 with `names`, public since `went_live_at`."""
    from publicity.models import PublicityIndexPage, PublicityPage
    from website.models import HomePage

    root = HomePage.objects.get()
    index = PublicityIndexPage.objects.first() or root.add_child(
        instance=PublicityIndexPage(title="公示", slug="publicity")
    )
    page = index.add_child(
        instance=PublicityPage(
            title=f"2023年度工程系列中级职称评审结果公示（{slug}）", slug=slug,
            authority=authority, review_committee="工程系列中级评审委员会",
            start_date=dt.date(2023, 11, 1), working_days=5, objection_contact="0991-3757772",
        )
    )  # fmt: skip
    PublicityPage.objects.filter(pk=page.pk).update(went_live_at=went_live_at)
    for i, name in enumerate(names):
        PublicityEntryFactory(
            publicity=page, sort_order=i, name=name, unit="单位", id_number=id_number(i + 1)
        )
    page.refresh_from_db()
    return page


ON_TIME = dt.datetime(2023, 10, 31, 16, 0, 30, tzinfo=dt.UTC)  # 2023-11-01 00:00:30 Beijing


def test_a_backdated_publicity_yields_no_document(authority, time_machine):
    late = dt.datetime(2023, 11, 28, 2, tzinfo=dt.UTC)
    page = ended_publicity(authority, went_live_at=late)
    time_machine.move_to(dt.datetime(2023, 12, 20, tzinfo=dt.UTC))
    with pytest.raises(creation.CreationError, match="晚于公示开始时间"):
        creation.create_from_publicity(page)
    assert not ApprovalDocument.objects.exists()


def test_one_publicity_yields_one_document(admin_client, authority, time_machine):
    page = ended_publicity(authority, went_live_at=ON_TIME)
    time_machine.move_to(AFTER)
    first = creation.create_from_publicity(page, user=admin_client.user)
    with pytest.raises(creation.CreationError, match="一次公示只能形成一份审批文件"):
        creation.create_from_publicity(page)
    # The admin no longer offers it, and a direct POST is refused.
    listing = admin_client.get("/admin/approvals/documents/from-publicity/").content.decode()
    assert page.title not in listing
    response = admin_client.post(
        "/admin/approvals/documents/from-publicity/", {"publicity": page.pk}
    )
    assert response.status_code == 200 and ApprovalDocument.objects.count() == 1
    # Withdrawn (the draft deleted): a new one may be drafted.
    first.delete()
    assert creation.create_from_publicity(page).source_publicity_id == page.pk
    assert ModelLogEntry.objects.filter(action="approvals.create_from_publicity").exists()


def test_a_clerk_sees_only_their_authoritys_publicity(authority, time_machine):
    from website.models import Authority

    other = Authority.objects.exclude(pk=authority.pk).first()
    page = ended_publicity(authority, went_live_at=ON_TIME)
    time_machine.move_to(AFTER)
    foreign = role_user("foreign", Role.PREPARE, authority=other)  # 经办人员 may add documents
    client = client_for(foreign)
    assert (
        page.title not in client.get("/admin/approvals/documents/from-publicity/").content.decode()
    )
    client.post("/admin/approvals/documents/from-publicity/", {"publicity": page.pk})
    assert not ApprovalDocument.objects.exists()


def test_the_draft_lists_who_was_left_out_and_why(authority, signing_key, time_machine):
    page = ended_publicity(authority, went_live_at=ON_TIME)
    handler = role_user("handler", Role.OBJECTIONS, authority=authority)
    entry = page.entries.get(name="张伟")
    objection = Objection.objects.create(entry=entry, contact="x", facts="论文抄袭")
    from publicity.decisions import decide

    decide(objection, ObjectionStatus.UPHELD, "经核查论文抄袭属实", handler)
    time_machine.move_to(AFTER)
    clerk = role_user("clerk", Role.PREPARE, authority=authority)
    issuer = role_user("issuer", Role.ISSUE, authority=authority)
    document = creation.create_from_publicity(page, user=clerk)
    assert [p.name for p in document.persons.order_by("sort_order")] == ["王小明", "李华"]
    assert creation.left_out(document) == [
        ("张伟", f"异议成立（{objection.confirmation_number}）：经核查论文抄袭属实")
    ]
    inspect = client_for(clerk).get(f"/admin/approvals/documents/inspect/{document.pk}/")
    assert "经核查论文抄袭属实" in inspect.content.decode()
    process.submit(document, clerk)
    confirm = client_for(issuer).get(f"/admin/approvals/documents/issue/{document.pk}/")
    html = confirm.content.decode()
    assert "未列入名单的公示人员（1 人）" in html and "张伟" in html
    # The clerk who drafted it from the publicity is a preparer: no approving it.
    with pytest.raises(process.NotAllowed):
        process.approve(document, clerk)
    assert process.approve(document, issuer).status == DocumentStatus.ISSUING
