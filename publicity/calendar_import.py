"""Turn a parsed holiday notice into a complete calendar year (the admin's import, confirmed).

Kept apart from the view so that the rules (which days a year keeps, when an existing year may
be replaced) are tested without a request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from website.formatting import cn_date

from .holiday_notice import ParsedNotice
from .workdays import Override


class ImportRefused(ValueError):
    """The year cannot be imported as asked; the message says why in Chinese."""


@dataclass
class ImportPlan:
    """What confirming will store: the year's days and what was left out (and why)."""

    year: int
    region: str
    days: dict[datetime.date, Override]
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def days_off(self) -> int:
        return sum(1 for rule in self.days.values() if not rule.is_working)

    @property
    def make_up_days(self) -> int:
        return sum(1 for rule in self.days.values() if rule.is_working)


def plan(notice: ParsedNotice, region: str = "") -> ImportPlan:
    """The days a year keeps: its own dates; for a region only its own holidays (肉孜节…),
    since the national ones come from the national year."""
    days = notice.days(regional_only=bool(region))
    result = ImportPlan(notice.year, region, {}, warnings=list(notice.warnings))
    if region and not days:
        raise ImportRefused(
            "通知中没有读到地方自己的节假日（如肉孜节、古尔邦节）；全国统一的节假日请在全国年度中导入。"
        )
    for day, rule in days.items():
        if day.year == notice.year:
            result.days[day] = rule
        elif not rule.is_working and day.weekday() >= 5:
            # 元旦 2023 began on Saturday 2022-12-31: a weekend is a rest day anyway.
            result.dropped.append(f"{cn_date(day)}（{rule.name}，周末）属于上一年，无需录入")
        else:
            result.warnings.append(
                f"{cn_date(day)}（{rule.name}）不在{notice.year}年内，未导入；请核对{day.year}年的日历。"
            )
    if region:
        national = [item.label for item in notice.items if item.is_national]
        if national:
            result.dropped.append(
                f"全国统一的节假日（{'、'.join(national)}）按全国年度计算，不重复录入"
            )
    return result


def default_source(notice: ParsedNotice, region: str) -> str:
    """A national notice names itself by its 文号; a regional one cites the national number,
    so the editor must give the region's own source."""
    if not region and notice.document_number:
        return notice.document_number
    return ""


@transaction.atomic
def confirm(import_plan: ImportPlan, *, source: str, source_text: str, user, replace: bool = False):
    """Store the plan as a complete year; an existing draft is replaced, a complete year only
    when `replace` is asked for."""
    from .models import CalendarDay, CalendarYear

    source = source.strip()
    if not source:
        raise ImportRefused("请填写依据（文号或网址），确认后的年度必须注明来源。")
    calendar_year, created = CalendarYear.objects.select_for_update().get_or_create(
        year=import_plan.year, region=import_plan.region
    )
    if not created and calendar_year.is_complete and not replace:
        raise ImportRefused(
            f"{calendar_year.year}年（{calendar_year.region or '全国'}）已确认完整。"
            "如需更正，请勾选“替换已确认的年度”。"
        )
    calendar_year.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(
            calendar_year=calendar_year, date=day, is_working=rule.is_working, name=rule.name
        )
        for day, rule in import_plan.days.items()
    )
    calendar_year.source = source
    calendar_year.source_text = source_text
    calendar_year.status = CalendarYear.Status.COMPLETE
    calendar_year.confirmed_by = user if getattr(user, "pk", None) else None
    calendar_year.confirmed_at = timezone.now()
    calendar_year.save()
    return calendar_year
