"""Publicity integrity and objections that stick: each control with a test that tries to bend it.

Backdating a start before go-live, editing a live publicity's dates, re-including an upheld
entry without a decision, deciding without the right; the real go-live / take-down times, the
recorded correction, and what a document may be made from.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from publicity import integrity
from publicity.models import Objection, ObjectionDecision, ObjectionStatus, PublicityPage
from tests.factories import client_for, role_user
from website.roles import Role

from .conftest import at, run_scheduled_publishing
from .test_pages import _edit_and_publish, _form_data

D = datetime.date
pytestmark = pytest.mark.django_db


# --- go-live and take-down ------------------------------------------------------------------


def test_real_go_live_and_take_down_times_are_recorded(make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    assert page.went_live_at is None and not page.live  # scheduled, not public yet
    run_scheduled_publishing(at(2023, 11, 1, 0, 1))
    page.refresh_from_db()
    assert page.went_live_at == at(2023, 11, 1, 0, 1)
    run_scheduled_publishing(at(2023, 11, 8, 0, 1))
    page.refresh_from_db()
    assert page.taken_down_at == at(2023, 11, 8, 0, 1)
    with time_machine.travel(at(2023, 11, 9), tick=False):
        assert integrity.document_problems(page) == []


def test_a_start_before_go_live_is_refused_in_the_admin(admin_client, publicity_index, authority):
    url = reverse("wagtailadmin_pages:add", args=["publicity", "publicitypage", publicity_index.pk])
    with time_machine.travel(at(2023, 11, 28, 10), tick=False):
        response = admin_client.post(
            url, _form_data(authority, "2023-11-09", **{"action-publish": "1"})
        )
        assert response.status_code == 200
        assert "公示开始日期不能早于实际发布时间" in response.content.decode()
        assert not PublicityPage.objects.filter(slug="admin-publicity").exists()
        # Today counts as backdated too: the names would not be public from 00:00.
        response = admin_client.post(url, _form_data(authority, "2023-11-28"))
        assert "公示开始日期不能早于实际发布时间" in response.content.decode()
        # Tomorrow is fine (scheduled).
        response = admin_client.post(
            url, _form_data(authority, "2023-11-29", **{"action-publish": "1"})
        )
        assert response.status_code == 302


def test_a_live_publicitys_dates_are_locked(admin_client, make_publicity):
    page = make_publicity(start=D(2023, 11, 24), now=at(2023, 11, 20))
    run_scheduled_publishing(at(2023, 11, 24, 0, 1))
    with time_machine.travel(at(2023, 11, 27), tick=False):
        response = _edit_and_publish(admin_client, page, start_date="2023-11-16")
        assert response.status_code == 200
        assert "开始日期和公示工作日数已锁定" in response.content.decode()
        response = _edit_and_publish(admin_client, page, working_days="6")
        assert "已锁定" in response.content.decode()
        # Other fields can still be edited.
        assert _edit_and_publish(admin_client, page, title="新标题").status_code == 302
    page.refresh_from_db()
    assert page.start_date == D(2023, 11, 24) and page.working_days == 5
    # Publishing the edit kept the recorded go-live (revisions do not carry it).
    assert page.went_live_at == at(2023, 11, 24, 0, 1)


def test_republishing_does_not_heal_a_take_down(make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    run_scheduled_publishing(at(2023, 11, 1, 0, 1))
    with time_machine.travel(at(2023, 11, 3), tick=False):
        PublicityPage.objects.get(pk=page.pk).unpublish()
    with time_machine.travel(at(2023, 11, 3, 1), tick=False):
        page = PublicityPage.objects.get(pk=page.pk)
        page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.live and page.taken_down_at == at(2023, 11, 3)
    assert page.went_live_at == at(2023, 11, 1, 0, 1)


def problems_on(page, moment) -> list[str]:
    """Why ``page`` could not become an approval document at ``moment``."""
    with time_machine.travel(moment, tick=False):
        return integrity.document_problems(page)


def test_names_published_after_the_start_cannot_become_a_document(make_publicity):
    # Published by hand on 11-28 with a start of 11-09 (as the bug report did).
    page = make_publicity(start=D(2023, 11, 9), now=at(2023, 11, 28, 10))
    problems = problems_on(page, at(2023, 12, 20))
    assert any("晚于公示开始时间" in problem for problem in problems)


def test_taken_down_early_breaks_the_period(make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    run_scheduled_publishing(at(2023, 11, 1, 0, 1))
    with time_machine.travel(at(2023, 11, 3), tick=False):
        PublicityPage.objects.get(pk=page.pk).unpublish()
    page.refresh_from_db()
    problems = problems_on(page, at(2023, 11, 20))
    assert any("被撤下" in problem for problem in problems)


def test_an_open_objection_blocks_a_document(make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    run_scheduled_publishing(at(2023, 11, 1, 0, 1))
    Objection.objects.create(entry=page.entries.first(), contact="x", facts="y")
    page.refresh_from_db()
    with time_machine.travel(at(2023, 11, 20), tick=False):
        assert integrity.document_problems(page) == ["尚有 1 件异议未处理完毕"]


# --- correction -----------------------------------------------------------------------------


def test_a_correction_is_recorded_and_restarts_the_full_period(
    admin_client, client, make_publicity
):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 10, 25))
    run_scheduled_publishing(at(2023, 11, 1, 0, 1))
    url = reverse("publicity_admin:correct", args=[page.pk])
    with time_machine.travel(at(2023, 11, 3, 10), tick=False):
        assert admin_client.post(url, {"reason": ""}).status_code == 400
        response = admin_client.post(url, {"reason": "第2名人员工作单位有误"})
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.live and page.start_date == D(2023, 11, 3)
        assert page.end_date == D(2023, 11, 9)  # five working days from the correction
        correction = page.corrections.get()
        assert (correction.old_start, correction.old_end) == (D(2023, 11, 1), D(2023, 11, 7))
        assert correction.corrected_by == admin_client.user
        html = client.get(page.url).content.decode()
        assert "本公示已于2023年11月3日更正，公示期重新计算至2023年11月9日" in html
    assert PageLogEntry.objects.filter(page=page, action="publicity.correct").exists()
    # The period counts from the correction: not over on the old end date.
    with time_machine.travel(at(2023, 11, 8, 12), tick=False):
        assert any("尚未结束" in problem for problem in integrity.document_problems(page))
    with time_machine.travel(at(2023, 11, 10, 1), tick=False):
        assert integrity.document_problems(page) == []


# --- objections stick -----------------------------------------------------------------------


@pytest.fixture
def upheld(make_publicity, authority):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    entry = page.entries.first()
    objection = Objection.objects.create(entry=entry, contact="x", facts="业绩造假")
    handler = role_user("handler", Role.OBJECTIONS, authority=authority, full_name="孙处理")
    from publicity.decisions import decide

    decide(objection, ObjectionStatus.UPHELD, "经核查属实", handler)
    entry.refresh_from_db()
    assert entry.excluded
    return objection


def test_unticking_excluded_on_the_roster_row_changes_nothing(admin_client, upheld):
    entry = upheld.entry
    url = reverse("wagtailsnippets_publicity_publicityentry:edit", args=[entry.pk])
    data = {
        "name": entry.name,
        "gender": entry.gender,
        "unit": entry.unit,
        "series": entry.series,
        "specialty": entry.specialty,
        "level": entry.level,
        "qualification": entry.qualification,
        "review_type": entry.review_type,
    }  # fmt: skip  (no "excluded": the checkbox unticked)
    admin_client.post(url, data)
    entry.refresh_from_db()
    assert entry.excluded
    assert entry not in entry.publicity.approved_entries()


def test_the_objection_edit_form_cannot_change_its_status(admin_client, upheld):
    url = reverse("wagtailsnippets_publicity_objection:edit", args=[upheld.pk])
    admin_client.post(url, {"status": "不成立", "notes": "悄悄撤回"})
    upheld.refresh_from_db()
    upheld.entry.refresh_from_db()
    assert upheld.status == ObjectionStatus.UPHELD and upheld.entry.excluded


def test_reversing_needs_a_recorded_decision_by_someone_allowed(upheld, authority):
    url = reverse("publicity_admin:decide_objection", args=[upheld.pk])
    clerk = role_user("clerk", Role.PREPARE, authority=authority)
    assert client_for(clerk).post(url, {"to_status": "不成立", "reason": "x"}).status_code == 403
    from website.models import Authority

    other = Authority.objects.exclude(pk=authority.pk).first()
    foreign = role_user("foreign", Role.OBJECTIONS, authority=other)
    assert client_for(foreign).post(url, {"to_status": "不成立", "reason": "x"}).status_code == 403
    handler = role_user("handler2", Role.OBJECTIONS, authority=authority, full_name="周复核")
    response = client_for(handler).post(url, {"to_status": "不成立", "reason": ""})
    assert response.status_code == 400  # no reason, no reversal
    upheld.refresh_from_db()
    assert upheld.status == ObjectionStatus.UPHELD

    response = client_for(handler).post(url, {"to_status": "不成立", "reason": "复核：材料属实"})
    assert response.status_code == 302
    upheld.refresh_from_db()
    upheld.entry.refresh_from_db()
    assert upheld.status == ObjectionStatus.REJECTED and not upheld.entry.excluded
    decision = upheld.decisions.first()
    assert (decision.from_status, decision.to_status) == ("成立", "不成立")
    assert decision.decided_by == handler and decision.reason == "复核：材料属实"
    assert ObjectionDecision.objects.filter(objection=upheld).count() == 2
    entry = ModelLogEntry.objects.filter(action="publicity.objection_decision").first()
    assert entry.data == {"from": "成立", "to": "不成立", "reason": "复核：材料属实"}
    assert entry.user_display_name == "周复核"
    page = client_for(handler).get(url).content.decode()
    assert "复核：材料属实" in page and "孙处理" in page


def test_a_live_roster_row_cannot_be_edited_or_deleted(admin_client, make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    entry = page.entries.first()
    url = reverse("wagtailsnippets_publicity_publicityentry:edit", args=[entry.pk])
    data = {
        "name": "换了名字", "gender": entry.gender, "unit": entry.unit, "series": entry.series,
        "specialty": entry.specialty, "level": entry.level,
        "qualification": entry.qualification, "review_type": entry.review_type,
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "名单已锁定" in response.content.decode()
    entry.refresh_from_db()
    assert entry.name != "换了名字"
    delete = reverse("wagtailsnippets_publicity_publicityentry:delete", args=[entry.pk])
    admin_client.post(delete)
    assert page.entries.filter(pk=entry.pk).exists()


def test_an_objection_cannot_be_deleted(admin_client, upheld):
    url = reverse("wagtailsnippets_publicity_objection:delete", args=[upheld.pk])
    admin_client.post(url)
    assert Objection.objects.filter(pk=upheld.pk).exists()
    upheld.entry.refresh_from_db()
    assert upheld.entry.excluded


def test_after_a_correction_one_corrected_roster_may_be_imported(make_publicity, admin_client):
    from publicity import roster
    from publicity.roster import RosterRow

    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    entry = page.entries.first()
    row = RosterRow(
        row_number=2, sort_order=0, name=entry.name, gender=entry.gender, ethnicity="",
        unit="更正后的单位", series=entry.series, specialty=entry.specialty, level=entry.level,
        qualification=entry.qualification, review_type=entry.review_type,
        id_hash=entry.id_hash, id_masked=entry.id_masked,
    )  # fmt: skip
    with pytest.raises(roster.RosterLocked):
        roster.import_rows(page, [row])
    with time_machine.travel(at(2023, 11, 3, 10), tick=False):
        integrity.correct(page, "工作单位有误", admin_client.user)
        page.refresh_from_db()
        roster.import_rows(page, [row], user=admin_client.user)
        entry.refresh_from_db()
        assert entry.unit == "更正后的单位"
    with time_machine.travel(at(2023, 11, 3, 11), tick=False), pytest.raises(roster.RosterLocked):
        roster.import_rows(page, [row])  # one import per correction


def test_a_copy_was_never_public(make_publicity):
    page = make_publicity(start=D(2023, 11, 1), now=at(2023, 11, 1, 8))
    assert page.went_live_at is not None
    copy = page.copy(
        update_attrs={"slug": "copy-of-publicity", "title": "复制的公示"}, keep_live=False
    )
    copy = PublicityPage.objects.get(pk=copy.pk)
    assert copy.went_live_at is None and copy.public_since() is None


def test_objections_are_seen_only_by_their_authoritys_handlers(upheld, authority):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from website.models import Authority

    upheld.attachment = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    upheld.save()
    other = Authority.objects.exclude(pk=authority.pk).first()
    foreign = client_for(role_user("foreign-h", Role.OBJECTIONS, authority=other))
    own = client_for(role_user("own-h", Role.OBJECTIONS, authority=authority))
    listing = reverse("wagtailsnippets_publicity_objection:list")
    assert upheld.confirmation_number not in foreign.get(listing).content.decode()
    assert upheld.confirmation_number in own.get(listing).content.decode()
    attachment = reverse("publicity_admin:objection_attachment", args=[upheld.pk])
    assert foreign.get(attachment).status_code == 403
    assert own.get(attachment).status_code == 200
