"""Admin panel showing the computed end date of a publicity, refreshed as the editor types."""

from __future__ import annotations

from django.forms import Media
from django.urls import reverse
from wagtail.admin.panels import Panel

from website.formatting import cn_date

from . import workdays


class PublicityPeriodPanel(Panel):
    """Read-only: the end date and the schedule that saving will set; import link."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "publicity/admin/period_panel.html"

        @property
        def media(self):
            return Media(js=["publicity/js/period.js"])

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            end_label, error, period = "", "", None
            if page.start_date and page.authority_id:
                try:
                    period = page.compute_period()
                    end_label = cn_date(period.end)
                except workdays.CalendarUnavailable as exc:
                    error = str(exc)
            context.update(period_details(period))
            context.update(
                {
                    "end_label": end_label,
                    "error": error,
                    "period_url": reverse("publicity:period"),
                    "import_url": (
                        reverse("publicity_admin:import_roster", args=[page.pk]) if page.pk else ""
                    ),
                    "entry_count": page.entries.count() if page.pk else 0,
                }
            )
            return context


WEEKDAYS = "一二三四五六日"


def skipped_rows(period: workdays.Period) -> list[dict[str, str]]:
    """The days a period skipped, as the admin and the command list them: date and reason."""
    return [
        {
            "date": day.isoformat(),
            "label": f"{cn_date(day)}（星期{WEEKDAYS[day.weekday()]}）",
            "reason": why,
        }
        for day, why in period.skipped
    ]


def period_details(period: workdays.Period | None) -> dict:
    """What the panel shows beside the end date: skipped days, the start note, warnings."""
    if period is None:
        return {"skipped": [], "start_note": "", "warnings": []}
    return {
        "skipped": skipped_rows(period),
        "start_note": period.start_note,
        "warnings": period.warnings,
    }
