"""Admin display in Beijing time and with people's full names.

Wagtail's generic InspectView prints an aware datetime as stored (UTC) and a user as their login
name; the bureau reads Beijing time and names. ``BeijingInspectMixin`` fixes both for every
field of an inspect view.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from website.roles import display_name

BEIJING = "Asia/Shanghai"


def beijing(moment: datetime.datetime | None) -> str:
    """2024-09-02 01:30（北京时间）; empty for no time."""
    if moment is None:
        return ""
    from zoneinfo import ZoneInfo

    local = timezone.localtime(moment, ZoneInfo(BEIJING))
    return f"{local:%Y-%m-%d %H:%M}（北京时间）"


class BeijingInspectMixin:
    """For Wagtail InspectViews: times in Beijing time, users by full name, empty as 「—」."""

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name, None)
        if isinstance(value, datetime.datetime):
            return beijing(value)
        if value is None:
            return "—"
        if hasattr(value, "get_full_name") and hasattr(value, "get_username"):
            return display_name(value)
        return super().get_field_display_value(field_name, field)
