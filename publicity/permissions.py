"""Who may maintain the working-day calendar: one permission, 维护工作日历.

The calendar decides when every publicity ends, so its years and days are changed only by
users given `publicity.maintain_calendar` (superusers have it), whatever add/change/delete
permissions a group holds on the models themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from wagtail.permission_policies.base import ModelPermissionPolicy

MAINTAIN_CALENDAR = "publicity.maintain_calendar"


def can_maintain_calendar(user) -> bool:
    return bool(user and user.is_active and user.has_perm(MAINTAIN_CALENDAR))


class CalendarPermissionPolicy(ModelPermissionPolicy):
    """Every action on calendar years and days needs the one calendar permission."""

    def user_has_permission(self, user, action):
        return can_maintain_calendar(user)

    def user_has_permission_for_instance(self, user, action, instance):
        """A day of a confirmed year is changed only with its year (back to draft first)."""
        if not self.user_has_permission(user, action):
            return False
        year = getattr(instance, "calendar_year", None)
        return not (action in ("change", "delete") and year is not None and year.is_complete)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def users_with_any_permission(self, actions):
        return self._get_users_with_any_permission_codenames(["maintain_calendar"])

    def calendar_permission(self):
        return Permission.objects.filter(
            content_type__app_label="publicity", codename="maintain_calendar"
        )
