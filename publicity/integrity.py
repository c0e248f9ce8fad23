"""Publicity integrity: the period counts only while the names were really public.

- The real go-live and take-down moments are recorded from Wagtail's page_published and
  page_unpublished signals (``went_live_at``, ``taken_down_at``).
- A publicity not yet public may not start in the past: its start is never earlier than the
  moment it goes public (scheduling a future start is fine).
- Once public, its dates and roster are locked; the only way to change them is a recorded
  更正 (``correct``), which restarts the full period from the correction date.
- A document may be made from it only when it was public for the whole period with no open
  objection (``document_problems``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from website.formatting import cn_date

from . import workdays
from .models import Objection, PublicityCorrection, PublicityPage, ReadablePublicityPageForm


def go_live_grace() -> datetime.timedelta:
    """How late the scheduler may publish at the start and the period still count (it runs
    every minute; a slow run is late by a few)."""
    return datetime.timedelta(seconds=getattr(settings, "PUBLICITY_GO_LIVE_GRACE_SECONDS", 600))


def _fmt(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, workdays.SHANGHAI).strftime("%Y年%m月%d日 %H:%M")


def public_since(page: PublicityPage) -> datetime.datetime | None:
    return page.public_since()


def check_schedule_change(page: PublicityPage, now: datetime.datetime | None = None) -> None:
    """Raise ValidationError for a backdated start or a change of a public page's dates.

    Called by the editor's page form (publicity.forms.PublicityPageForm); the scheduler's
    publish at the start and a recorded correction do not pass through it.
    """
    now = now or timezone.now()
    stored = None
    if page.pk:
        stored = (
            PublicityPage.objects.filter(pk=page.pk)
            .values("start_date", "working_days", "went_live_at", "live", "expired")
            .first()
        )
    was_public = stored is not None and (
        stored["went_live_at"] or stored["live"] or stored["expired"]
    )
    if was_public:
        changed = (
            stored["start_date"] != page.start_date or stored["working_days"] != page.working_days
        )
        if changed:
            raise ValidationError(
                {
                    "start_date": "公示已发布，开始日期和公示工作日数已锁定，不能直接修改；"
                    "如确需更改，请办理“更正”（记录原因，公示期自更正之日起重新计算）。"
                }
            )
        return
    starts_at = workdays.period_bounds(page.start_date, page.start_date)[0]
    if starts_at < now:
        raise ValidationError(
            {
                "start_date": f"公示开始日期不能早于实际发布时间：名单尚未公开，开始日期"
                f"{cn_date(page.start_date)}已过。请选择今后的日期（可预约发布）。"
            }
        )


def document_problems(page: PublicityPage, now: datetime.datetime | None = None) -> list[str]:
    """Why no approval document may be made from `page` now (empty: it may)."""
    now = now or timezone.now()
    problems = []
    if page.end_date is None or now < page.ends_at:
        end = cn_date(page.end_date) if page.end_date else "未定"
        problems.append(f"公示期尚未结束（至{end}）")
    since = public_since(page)
    if since is None:
        problems.append("公示从未发布，名单没有公开过")
    elif since > page.starts_at + go_live_grace():
        problems.append(
            f"名单实际发布于{_fmt(since)}，晚于公示开始时间{_fmt(page.starts_at)}，公示期不完整"
        )
    if page.taken_down_at and page.end_date and page.taken_down_at < page.ends_at:
        problems.append(
            f"公示于{_fmt(page.taken_down_at)}被撤下，早于公示结束时间{_fmt(page.ends_at)}"
        )
    open_count = Objection.objects.filter(
        entry__publicity=page, status__in=Objection.OPEN_STATUSES
    ).count()
    if open_count:
        problems.append(f"尚有 {open_count} 件异议未处理完毕")
    return problems


def record_published(page: PublicityPage, now: datetime.datetime | None = None) -> None:
    """page_published: the first moment the names became public."""
    if page.went_live_at is None:
        moment = now or timezone.now()
        PublicityPage.objects.filter(pk=page.pk, went_live_at__isnull=True).update(
            went_live_at=moment
        )
        page.went_live_at = moment


def record_unpublished(page: PublicityPage, now: datetime.datetime | None = None) -> None:
    """page_unpublished: the first moment the names stopped being public (gaps are not healed
    by republishing; only a correction restarts the period)."""
    if page.taken_down_at is None and public_since(page) is not None:
        moment = now or timezone.now()
        PublicityPage.objects.filter(pk=page.pk, taken_down_at__isnull=True).update(
            taken_down_at=moment
        )
        page.taken_down_at = moment


class CorrectionError(ValueError):
    """A correction that cannot be made (Chinese message)."""


def correct(page: PublicityPage, reason: str, user, today: datetime.date | None = None):
    """更正: record why, and restart the full period from the correction date (published now).

    Returns the ``PublicityCorrection``. The page says 「本公示已于…更正，公示期重新计算至…」.
    """
    from wagtail.log_actions import log

    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError("请填写更正原因。")
    page = PublicityPage.objects.get(pk=page.pk)
    if public_since(page) is None:
        raise CorrectionError("公示尚未发布，直接修改即可，无需更正。")
    if not page.live:
        raise CorrectionError("公示已撤下或已结束，不能更正；请新建公示。")
    today = today or workdays.today_in_shanghai()
    correction = PublicityCorrection(page=page, reason=reason, corrected_by=user)
    correction.old_start, correction.old_end = page.start_date, page.end_date
    with transaction.atomic():
        latest = page.get_latest_revision_as_object()
        latest.start_date = today
        try:
            latest.apply_schedule()
        except workdays.CalendarUnavailable as error:
            raise CorrectionError(str(error)) from error
        revision = latest.save_revision(user=user, log_action=False)
        revision.publish(user=user, log_action=False)
        page.refresh_from_db()
        # The period restarts: a take-down before the correction no longer breaks it.
        PublicityPage.objects.filter(pk=page.pk).update(taken_down_at=None)
        correction.new_start, correction.new_end = page.start_date, page.end_date
        correction.save()
        log(
            instance=page,
            action="publicity.correct",
            user=user,
            data={
                "reason": reason,
                "old": f"{correction.old_start}~{correction.old_end}",
                "new": f"{correction.new_start}~{correction.new_end}",
            },
        )
    return correction


class PublicityPageForm(ReadablePublicityPageForm):
    """The editor's publicity form: no start before the names go public, no date change once
    they are (a change is a recorded 更正)."""

    def clean(self):
        cleaned = super().clean()
        page = self.instance
        start = cleaned.get("start_date")
        days = cleaned.get("working_days")
        if start and days:
            probe = type(page)(pk=page.pk, start_date=start, working_days=days)
            try:
                check_schedule_change(probe)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        return cleaned
