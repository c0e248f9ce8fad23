"""Panels of the admin dashboard (the Wagtail home page) that only fill a template.

The apps compute their dashboard figures in plain functions. A panel that needs nothing more
than those (no state of its own, such as the user's permissions) is a :class:`DashboardPanel`:
declared with :func:`dashboard_panel` on the function that gives its template the context::

    @dashboard_panel("calendar_dashboard", 54, "publicity/admin/dashboard/calendar_panel.html")
    def calendar_panel() -> dict:
        return {"missing": missing_calendar_years()}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wagtail.admin.ui.components import Component


@dataclass(frozen=True)
class DashboardPanel(Component):
    """A home-page panel (Wagtail sorts them by ``order``) whose template ``context()`` fills,
    when the page is shown."""

    name: str
    order: int
    template_name: str
    context: Callable[[], dict]

    def get_context_data(self, parent_context=None):
        return self.context()


def dashboard_panel(name: str, order: int, template_name: str):
    """Decorator: the function (no arguments, returning the template's context) as a panel."""
    return lambda context: DashboardPanel(name, order, template_name, context)
