"""Two people for a seal: roles scoped per authority and the document's state machine.

Each control has a test that tries to bend it: the clerk's POST to issue (403), issuing another
authority's document, self-approval, a second valid certificate for the same person and
qualification, a second document from one publicity, concurrent approvals on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from wagtail.models import ModelLogEntry

from approvals.issuing import creation, process
from approvals.issuing.issue import issue_approval
from approvals.models import ApprovalDocument, DocumentStatus
from tests.factories import client_for, role_user
from website.roles import AuthorityRole, Role, ensure_role_groups, has_role

from .helpers import concurrent_on_postgresql, make_document, signing_authority

pytestmark = pytest.mark.django_db


# --- builders (small on purpose; the coordinator may move them to tests/factories.py) ---------


@pytest.fixture
def other_authority(authority):
    from website.models import Authority

    return Authority.objects.exclude(pk=authority.pk).first()


@pytest.fixture
def clerk(authority):
    return role_user("clerk", Role.PREPARE, authority=authority, full_name="李经办", bind="group")


@pytest.fixture
def issuer(authority):
    return role_user("issuer", Role.ISSUE, authority=authority, full_name="王签发")


# --- roles ----------------------------------------------------------------------------------


def test_groups_exist_with_chinese_names_and_permissions():
    groups = ensure_role_groups()
    names = {group.name for group in groups.values()}
    assert names == {"经办人员", "签发人员", "撤销审核人员", "异议处理人员", "日历维护人员"}
    prepare = groups[Role.PREPARE]
    assert prepare.permissions.filter(codename="add_approvaldocument").exists()
    assert prepare.permissions.filter(codename="access_admin").exists()
    # Issuing is not a model permission a clerk could be handed by accident.
    assert not groups[Role.ISSUE].permissions.filter(codename="add_approvaldocument").exists()
    assert groups[Role.CALENDAR].permissions.filter(codename="change_calendarday").exists()


def test_a_role_counts_only_for_the_authorities_its_group_is_bound_to(
    clerk, authority, other_authority
):
    assert has_role(clerk, Role.PREPARE, authority)
    assert not has_role(clerk, Role.PREPARE, other_authority)
    assert not has_role(clerk, Role.ISSUE, authority)
    # A binding to the user alone works as well.
    AuthorityRole.objects.create(user=clerk, authority=other_authority, role=Role.PREPARE)
    assert has_role(clerk, Role.PREPARE, other_authority)


def test_a_binding_names_a_group_or_a_user_not_both(authority):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        AuthorityRole.objects.create(authority=authority, role=Role.ISSUE)


# --- the state machine ----------------------------------------------------------------------


def test_clerk_submits_and_cannot_approve_issuer_approves(clerk, issuer, authority, signing_key):
    document = make_document(authority, 2)
    clerk_client, issuer_client = client_for(clerk), client_for(issuer)
    inspect = f"/admin/approvals/documents/inspect/{document.pk}/"
    issue = f"/admin/approvals/documents/issue/{document.pk}/"

    html = clerk_client.get(inspect).content.decode()
    assert 'data-action="submit"' in html and 'data-action="issue"' not in html
    # The clerk's direct POST to issue a draft: 403, nothing changes.
    assert clerk_client.post(issue).status_code == 403
    assert clerk_client.post(f"/admin/approvals/documents/submit/{document.pk}/").status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED and document.submitted_by == clerk

    html = clerk_client.get(inspect).content.decode()
    assert 'data-action="issue"' not in html and "须由另一位" in html
    response = clerk_client.post(issue)
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED and document.number is None

    # The issuer cannot submit or edit: that is the clerk's job.
    assert 'data-action="issue"' in issuer_client.get(inspect).content.decode()
    assert issuer_client.post(issue).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED and document.issued_by == issuer
    actions = dict(
        ModelLogEntry.objects.for_instance(document).values_list("action", "user__username")
    )
    assert actions["approvals.submit"] == "clerk" and actions["approvals.approve"] == "issuer"


def test_an_issuer_of_another_authority_gets_403(clerk, authority, other_authority, signing_key):
    document = make_document(authority, 1)
    process.submit(document, clerk)
    foreign = role_user("foreign", Role.ISSUE, authority=other_authority)
    assert (
        client_for(foreign).post(f"/admin/approvals/documents/issue/{document.pk}/").status_code
        == 403
    )
    with pytest.raises(process.NotAllowed):
        process.approve(document, foreign)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED


def test_a_clerk_cannot_submit_for_another_authority(clerk, other_authority, signing_key):
    document = make_document(other_authority, 1)
    response = client_for(clerk).post(f"/admin/approvals/documents/submit/{document.pk}/")
    assert response.status_code == 403
    assert (
        client_for(clerk).get(f"/admin/approvals/documents/edit/{document.pk}/").status_code != 200
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT


def test_who_prepared_cannot_approve_even_with_both_roles(authority, signing_key):
    both = role_user("both", Role.PREPARE, Role.ISSUE, authority=authority)
    document = make_document(authority, 1)
    process.submit(document, both)
    with pytest.raises(process.NotAllowed, match="不能签发"):
        process.approve(document, both)
    assert (
        client_for(both).post(f"/admin/approvals/documents/issue/{document.pk}/").status_code == 403
    )
    # Editing counts as preparing, too: whoever edited a draft cannot approve it.
    editor = role_user("editor2", Role.PREPARE, Role.ISSUE, authority=authority)
    from wagtail.log_actions import log

    log(instance=document, action="wagtail.edit", user=editor)
    with pytest.raises(process.NotAllowed):
        process.approve(document, editor)


def test_reject_sends_back_with_a_reason_by_the_second_person(
    clerk, issuer, authority, signing_key
):
    document = make_document(authority, 1)
    process.submit(document, clerk)
    url = f"/admin/approvals/documents/reject/{document.pk}/"
    assert client_for(clerk).post(url, {"reason": "自己退回"}).status_code == 403
    with pytest.raises(process.ProcessError, match="退回原因"):
        process.reject(document, issuer, "  ")
    assert client_for(issuer).post(url, {"reason": "第2人单位名称有误"}).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert document.rejection_reason == "第2人单位名称有误"
    html = (
        client_for(clerk).get(f"/admin/approvals/documents/inspect/{document.pk}/").content.decode()
    )
    assert "已被退回，原因：第2人单位名称有误" in html
    entry = ModelLogEntry.objects.get(action="approvals.reject")
    assert entry.user == issuer and entry.data["reason"] == "第2人单位名称有误"


def test_a_submitted_document_is_no_longer_editable(clerk, authority, signing_key):
    document = make_document(authority, 1)
    process.submit(document, clerk)
    response = client_for(clerk).get(f"/admin/approvals/documents/edit/{document.pk}/")
    assert response.status_code == 302 and "/inspect/" in response["Location"]


# --- no duplicates --------------------------------------------------------------------------


def test_no_second_valid_certificate_for_the_same_person_and_qualification(
    clerk, issuer, authority, other_authority, signing_key
):
    first = issue_approval(make_document(authority, 1))
    number = first.certificates.get().number
    # The same person (same ID hash), same qualification and level, even from another authority.
    second = make_document(other_authority, 1, title="另一机关的文件")
    with pytest.raises(process.ProcessError, match=number):
        process.submit(second, role_user("clerk2", Role.PREPARE, authority=other_authority))
    second.refresh_from_db()
    assert second.status == DocumentStatus.DRAFT
    # Caught again at approval, should a duplicate slip into a submitted document.
    third = make_document(authority, 1, title="第三份")
    ApprovalDocument.objects.filter(pk=third.pk).update(status=DocumentStatus.SUBMITTED)
    third.refresh_from_db()
    with pytest.raises(process.ProcessError, match=f"已持有有效证书 {number}"):
        process.approve(third, issuer)
    third.refresh_from_db()
    assert third.status == DocumentStatus.SUBMITTED and third.number is None


def test_a_revoked_certificate_does_not_block_a_new_one(authority, signing_key, clerk):
    from approvals.issuing.revocation import revoke_certificate

    first = issue_approval(make_document(authority, 1))
    revoke_certificate(first.certificates.get(), "证书信息有误，重新发证")
    second = make_document(authority, 1, title="重新发证")
    assert process.submit(second, clerk).status == DocumentStatus.SUBMITTED


def test_the_same_person_twice_in_one_list_is_refused(clerk, authority, signing_key):
    document = make_document(authority, 2)
    persons = list(document.persons.all())
    persons[1].id_hash = persons[0].id_hash
    persons[1].save()
    with pytest.raises(process.ProcessError, match="在本名单中重复出现"):
        process.submit(document, clerk)


# --- the roster-file path -------------------------------------------------------------------


def test_a_roster_file_document_says_reviewed_not_publicised(authority):
    import datetime as dt

    from publicity.roster import RosterRow
    from website.identity import from_id_number

    from .helpers import id_number

    stored = from_id_number(id_number(5))
    row = RosterRow(
        row_number=2, sort_order=0, name="王建国", gender=stored["gender"], ethnicity="汉族",
        unit="新疆某公司", series="工程系列",
        specialty="建筑工程", level="中级", qualification="工程师", review_type="评审",
        id_hash=stored["id_hash"], id_masked=stored["id_masked"],
    )  # fmt: skip
    header = creation.DocumentHeader(authority=authority, date=dt.date(2024, 9, 1))
    document = creation.create_from_rows(header, [row])
    assert "公示" not in document.body
    assert "评审通过" in document.body
    assert document.status == DocumentStatus.DRAFT  # and the same two-person path follows
    assert ModelLogEntry.objects.filter(action="approvals.create_from_roster").exists()


# --- concurrency ------------------------------------------------------------------------------


@concurrent_on_postgresql("并发审核需要 PostgreSQL 的行锁（SQLite 整库串行写入，无从并发）。")
def test_concurrent_approvals_of_one_document_one_wins():
    authority = signing_authority()
    clerk = role_user("clerk", Role.PREPARE, authority=authority)
    issuers = [role_user(f"issuer{i}", Role.ISSUE, authority=authority) for i in range(4)]
    document = make_document(authority, 2)
    process.submit(document, clerk)
    barrier = threading.Barrier(len(issuers))
    won, lost, errors = [], [], []

    def run(user):
        try:
            barrier.wait()
            process.approve(ApprovalDocument.objects.get(pk=document.pk), user)
            won.append(user.pk)
        except process.ProcessError:
            lost.append(user.pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in issuers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 1 and len(lost) == len(issuers) - 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUING and document.sequence == 1
    assert ModelLogEntry.objects.filter(action="approvals.approve").count() == 1


def test_the_document_form_accepts_only_the_clerks_authorities(clerk, authority, other_authority):
    from .helpers import id_number

    def data(authority_pk):
        return {
            "authority": authority_pk, "title": "关于李华同志取得工程师资格的通知",
            "addressees": "区属各企业", "review_committee": "", "date": "2024-09-01",
            "supersedes": "", "body": "经评审，下列同志取得任职资格。",
            "persons-TOTAL_FORMS": "1", "persons-INITIAL_FORMS": "0",
            "persons-MIN_NUM_FORMS": "0", "persons-MAX_NUM_FORMS": "1000",
            "persons-0-name": "李华", "persons-0-id_number": id_number(7),
            "persons-0-unit": "新疆某某公司", "persons-0-series": "工程系列",
            "persons-0-specialty": "建筑工程", "persons-0-qualification": "工程师",
            "persons-0-level": "中级", "persons-0-review_type": "评审", "persons-0-ORDER": "1",
        }  # fmt: skip

    client = client_for(clerk)
    response = client.post("/admin/approvals/documents/new/", data(other_authority.pk))
    assert response.status_code == 200 and not ApprovalDocument.objects.exists()
    response = client.post("/admin/approvals/documents/new/", data(authority.pk))
    assert response.status_code == 302
    document = ApprovalDocument.objects.get()
    assert document.authority == authority
    # Creating made the clerk a preparer (from the log).
    assert clerk.pk in process.preparer_ids(document)
    roster_form = client.get("/admin/approvals/documents/from-roster/").content.decode()
    assert f'<option value="{other_authority.pk}"' not in roster_form
    assert f'<option value="{authority.pk}"' in roster_form


def test_a_recorded_override_by_an_issuer_allows_a_second_certificate(
    clerk, issuer, authority, signing_key
):
    first = issue_approval(make_document(authority, 1))
    number = first.certificates.get().number
    second = make_document(authority, 1, title="重新发证")
    person = second.persons.get()
    url = f"/admin/approvals/documents/override/{second.pk}/{person.pk}/"
    # The clerk cannot override (403); the issuer must give a reason.
    assert client_for(clerk).post(url, {"reason": "我说可以"}).status_code == 403
    with pytest.raises(process.ProcessError, match="理由"):
        process.override_duplicate(second, person.pk, issuer, " ")
    html = client_for(issuer).get(f"/admin/approvals/documents/inspect/{second.pk}/")
    assert number in html.content.decode() and 'data-action="override"' in html.content.decode()
    assert (
        client_for(issuer).post(url, {"reason": "原证书遗失，经局务会研究补发"}).status_code == 302
    )
    person.refresh_from_db()
    assert person.duplicate_override_by == issuer
    entry = ModelLogEntry.objects.get(action="approvals.duplicate_override")
    assert entry.data["existing"] == f"已持有有效证书 {number}" and entry.user == issuer
    # Now the clerk may submit, and the issuer (who only confirmed, never prepared) approves.
    process.submit(second, clerk)
    assert process.approve(second, issuer).status == DocumentStatus.ISSUING
