"""Editors' views of the working-day calendar: import a notice (preview → confirm), a year's
days with confirm / back-to-draft. Every view needs the 维护工作日历 permission."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from website.admin_forms import refusal_shown_on
from website.formatting import cn_date

from . import calendar_import
from .calendar_forms import CalendarImportForm
from .models import CalendarYear
from .panels import WEEKDAYS
from .permissions import can_maintain_calendar


def _require_calendar_permission(request) -> None:
    if not can_maintain_calendar(request.user):
        raise PermissionDenied


def _day_rows(days) -> list[dict]:
    return [
        {
            "date": day.isoformat(),
            "label": f"{cn_date(day)}（星期{WEEKDAYS[day.weekday()]}）",
            "name": rule.name,
            "kind": "上班" if rule.is_working else "放假",
            "is_working": rule.is_working,
        }
        for day, rule in days
    ]


def import_notice(request):
    """Paste or upload → preview of the year's days → confirm (a complete year with source)."""
    _require_calendar_permission(request)
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "plan": None, "rows": [], "index_url": _index_url()}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            plan = form.cleaned_data["plan"]
            if request.POST.get("action") == "confirm":
                with refusal_shown_on(form, calendar_import.ImportRefused):
                    calendar_year = calendar_import.confirm(
                        plan,
                        source=form.cleaned_data["source"],
                        source_text=form.cleaned_data["text"],
                        user=request.user,
                        replace=form.cleaned_data["replace"],
                    )
                    messages.success(
                        request,
                        f"已确认{calendar_year.year}年（{calendar_year.region or '全国'}）的放假安排："
                        f"放假{plan.days_off}天，调休上班{plan.make_up_days}天。",
                    )
                    return redirect("publicity_admin:calendar_year", calendar_year.pk)
                status = 400  # refused: the preview shows again with the reason
            existing = CalendarYear.objects.filter(year=plan.year, region=plan.region).first()
            context.update(
                {
                    "plan": plan,
                    "rows": _day_rows(plan.days.items()),
                    "existing": existing,
                    "notice": form.cleaned_data["notice"],
                    "source": form.cleaned_data["source"],
                    "text": form.cleaned_data["text"],
                }
            )
        else:
            status = 400
    return TemplateResponse(request, "publicity/admin/calendar_import.html", context, status=status)


def _index_url() -> str:
    return reverse("wagtailsnippets_publicity_calendaryear:list")


def year_detail(request, pk: int):
    """A year's days, its status and source; confirm it or send it back to draft."""
    _require_calendar_permission(request)
    calendar_year = get_object_or_404(CalendarYear, pk=pk)
    days = [(day.date, day) for day in calendar_year.days.order_by("date")]
    context = {
        "calendar_year": calendar_year,
        "rows": _day_rows(days),
        "index_url": _index_url(),
        "edit_url": reverse("wagtailsnippets_publicity_calendaryear:edit", args=[pk]),
    }
    return TemplateResponse(request, "publicity/admin/calendar_year.html", context)


@require_POST
def confirm_year(request, pk: int):
    _require_calendar_permission(request)
    calendar_year = get_object_or_404(CalendarYear, pk=pk)
    try:
        calendar_year.confirm(request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已确认{calendar_year}：该年度从现在起用于计算公示期。")
    return redirect("publicity_admin:calendar_year", pk)


@require_POST
def reopen_year(request, pk: int):
    _require_calendar_permission(request)
    calendar_year = get_object_or_404(CalendarYear, pk=pk)
    calendar_year.reopen()
    messages.warning(
        request,
        f"{calendar_year.year}年（{calendar_year.region or '全国'}）已退回草稿，确认前不生效。",
    )
    return redirect("publicity_admin:calendar_year", pk)
