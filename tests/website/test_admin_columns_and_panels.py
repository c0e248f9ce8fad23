"""The shared admin listing column (website.admin_columns) and dashboard panel (website.dashboard)."""

from types import SimpleNamespace

from django.urls import reverse

from website.admin_columns import ActionLinkColumn
from website.dashboard import DashboardPanel, dashboard_panel


def test_action_link_column_links_to_the_rows_admin_view():
    column = ActionLinkColumn("edit", "wagtailadmin_pages:edit", "编辑 <页>", label="操作")
    url = reverse("wagtailadmin_pages:edit", args=[7])
    assert column.label == "操作"
    assert column.get_value(SimpleNamespace(pk=7)) == f'<a href="{url}">编辑 &lt;页&gt;</a>'


def test_action_link_column_says_unavailable_where_the_action_does_not_apply():
    column = ActionLinkColumn(
        "edit", "wagtailadmin_pages:edit", "编辑", available=lambda row: row.live, unavailable="无"
    )
    assert column.get_value(SimpleNamespace(pk=7, live=False)) == "无"
    assert column.get_value(SimpleNamespace(pk=7, live=True)).startswith("<a href=")
    plain = ActionLinkColumn("edit", "wagtailadmin_pages:edit", "编辑", available=lambda row: False)
    assert plain.get_value(SimpleNamespace(pk=7)) == "—"


def test_dashboard_panel_fills_its_template_when_shown():
    calls = []

    @dashboard_panel("test_dashboard", 99, "wagtailadmin/shared/dummy.html")
    def panel() -> dict:
        calls.append(1)
        return {"figure": 3}

    assert isinstance(panel, DashboardPanel)
    assert (panel.name, panel.order, panel.template_name) == (
        "test_dashboard",
        99,
        "wagtailadmin/shared/dummy.html",
    )
    assert calls == []
    assert panel.get_context_data() == {"figure": 3}
    assert calls == [1]
