"""Models, validation and the page created from an imported notice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from notices.models import (
    NoticeFee,
    NoticePage,
    NoticePhase,
    TemplatePage,
    validate_document_number,
)
from notices.timeline import CURRENT, PAST, TBA, UNDATED, UPCOMING, phase_state

D = dt.date


def test_phase_ending_before_it_starts_is_an_error():
    phase = NoticePhase(kind="申报", start_date=D(2023, 9, 30), end_date=D(2023, 9, 1))
    with pytest.raises(ValidationError) as error:
        phase.clean()
    assert error.value.message_dict["end_date"] == ["截止日期早于开始日期，请检查。"]


def test_phase_to_be_announced_cannot_have_dates():
    phase = NoticePhase(kind="缴费", start_date=D(2023, 9, 1), to_be_announced=True)
    with pytest.raises(ValidationError, match="另行通知"):
        phase.clean()


@pytest.mark.parametrize("amount", [Decimal(0), Decimal(-10)])
def test_fee_must_be_positive(amount):
    fee = NoticeFee(level="中级", amount=amount)
    with pytest.raises(ValidationError) as error:
        fee.clean_fields(exclude=["page"])
    assert error.value.message_dict["amount"] == ["评审费须为大于 0 的金额。"]


def test_fee_display_drops_trailing_zeros():
    assert NoticeFee(level="中级", amount=Decimal("380.00")).amount_display == "380"


@pytest.mark.parametrize("number", ["新经开人社〔2024〕12号", "和地职称办〔2023〕1号", ""])
def test_document_number_accepted(number):
    validate_document_number(number)


@pytest.mark.parametrize(
    "number", ["新经开人社[2024]12号", "新经开人社（2024）12号", "新经开人社12号"]
)
def test_document_number_without_hexagonal_brackets_is_an_error(number):
    with pytest.raises(ValidationError, match="六角括号"):
        validate_document_number(number)


@pytest.mark.parametrize(
    ("start", "end", "tba", "today", "status", "days_left"),
    [
        (D(2023, 9, 1), D(2023, 9, 30), False, D(2023, 8, 31), UPCOMING, None),
        (D(2023, 9, 1), D(2023, 9, 30), False, D(2023, 9, 1), CURRENT, 29),
        (D(2023, 9, 1), D(2023, 9, 30), False, D(2023, 9, 30), CURRENT, 0),
        (D(2023, 9, 1), D(2023, 9, 30), False, D(2023, 10, 1), PAST, None),
        (None, D(2023, 9, 30), False, D(2023, 9, 20), CURRENT, 10),
        (D(2023, 9, 5), None, False, D(2023, 9, 5), CURRENT, 0),
        (None, None, True, D(2023, 9, 5), TBA, None),
        (None, None, False, D(2023, 9, 5), UNDATED, None),
    ],
)
def test_phase_state(start, end, tba, today, status, days_left):
    state = phase_state(start, end, tba, today)
    assert (state.status, state.days_left) == (status, days_left)


def test_deadline_text():
    assert (
        phase_state(D(2023, 9, 1), D(2023, 9, 30), False, D(2023, 9, 30)).deadline_text
        == "今天截止"
    )
    assert phase_state(D(2023, 9, 1), D(2023, 9, 30), False, D(2023, 9, 25)).deadline_text == (
        "距截止还剩 5 天"
    )


@pytest.mark.django_db
def test_imported_notice_page(bayingol_notice):
    page = NoticePage.objects.get(pk=bayingol_notice.pk)
    assert page.live
    assert page.url == "/notices/2023-bayingol/"
    assert page.authority.slug == "bayingol"
    assert page.review_year == 2023
    assert page.issue_date == D(2023, 8, 14)
    assert page.level_list == ["初级", "中级"]
    assert [s.name for s in page.series.all()] == ["工程系列"]
    assert [p.kind for p in page.phases.all()] == ["申报", "纸质材料报送", "缴费", "答辩"]
    assert [(f.level, f.amount) for f in page.fees.all()] == [
        ("中级", Decimal(380)), ("初级", Decimal(220)), ("初级", Decimal(100)), ("中级", Decimal(380)),
    ]  # fmt: skip
    assert page.contacts[0].value["people"] == "薛晓龙、王荣珍"
    attachments = list(page.attachments.all())
    assert [a.title for a in attachments] == [
        "推荐单位公示（模板）", "推荐单位公示结果（模板）", "个人承诺书（模板）",
        "继续教育免试表（模板）", "申报人员花名册（模板）",
    ]  # fmt: skip
    assert all(a.template_page and a.template_page.live for a in attachments)
    roster = attachments[4].template_page
    assert roster.url == "/downloads/2023-bayingol-attachment-5/"
    assert roster.offer_xlsx and roster.formats() == ["pdf", "docx", "xlsx"]


@pytest.mark.django_db
def test_draft_import_creates_unpublished_pages(columns):
    from .conftest import import_seed

    page = import_seed("2023-bayingol-engineering-notice.txt", "bayingol", publish=False)
    assert not page.live and page.has_unpublished_changes
    assert TemplatePage.objects.filter(live=False).count() == 5
    assert NoticePage.objects.live().count() == 0


@pytest.mark.django_db
def test_search_fields_declared():
    names = {getattr(f, "field_name", None) for f in NoticePage.search_fields}
    assert {"title", "summary", "body", "document_number", "review_year", "authority_id"} <= names
    assert "body" in {getattr(f, "field_name", None) for f in TemplatePage.search_fields}
