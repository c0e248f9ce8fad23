"""Admin: the 公示 menu (working-day calendar, entries, objections), roster import, buttons."""

from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from search.kinds import SearchKind
from website.roles import Role, authorities_for, forbid_with_403

from . import admin_views, integrity
from .models import CalendarDay, Objection, PublicityEntry, PublicityPage


class NoDeletePolicy(ModelPermissionPolicy):
    """Objections are records: never deleted in the admin (their outcome changes only by a
    recorded decision)."""

    denied = frozenset({"delete"})

    def user_has_permission(self, user, action):
        if action in self.denied:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class RosterEntryPolicy(NoDeletePolicy):
    """Roster entries come only from a roster import (or a correction and a new import)."""

    denied = frozenset({"add", "delete"})


register_permission_policy(Objection, NoDeletePolicy(Objection))
register_permission_policy(PublicityEntry, RosterEntryPolicy(PublicityEntry))


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = "工作日历"
    list_display = ["date", "region", "is_working", "name", "source"]
    list_filter = ["region", "is_working"]
    search_fields = ["name", "source"]


class AttachmentColumn(Column):
    """A link to the private attachment, through the editors-only download view."""

    def get_value(self, instance):
        if not instance.attachment:
            return "无"
        url = reverse("publicity_admin:objection_attachment", args=[instance.pk])
        return format_html('<a href="{}">下载</a>', url)


class DecideColumn(Column):
    def get_value(self, instance):
        url = reverse("publicity_admin:decide_objection", args=[instance.pk])
        return format_html('<a href="{}">处理</a>', url)


class ObjectionViewSet(SnippetViewSet):
    model = Objection
    icon = "warning"
    menu_label = "异议"
    list_display = [
        "confirmation_number",
        "entry",
        "status",
        "created",
        AttachmentColumn("attachment", label="证明材料"),
        DecideColumn("decide", label="处理"),
    ]
    list_filter = ["status"]
    search_fields = ["confirmation_number", "contact", "facts"]

    def get_queryset(self, request):
        """Objections are personal data: each handler sees only their authorities' ones."""
        queryset = Objection.objects.select_related("entry__publicity")
        if request.user.is_superuser:
            return queryset
        authorities = authorities_for(request.user, Role.OBJECTIONS)
        return queryset.filter(entry__publicity__authority__in=authorities)


class PublicityEntryViewSet(SnippetViewSet):
    model = PublicityEntry
    icon = "group"
    menu_label = "公示名单"
    list_display = ["name", "unit", "specialty", "level", "qualification", "id_masked", "excluded"]
    list_filter = ["excluded", "level", "review_type"]
    search_fields = ["name", "unit"]
    list_per_page = 100


class PublicityGroup(SnippetViewSetGroup):
    menu_label = "公示"
    menu_icon = "list-ul"
    menu_order = 250
    items = (ObjectionViewSet, PublicityEntryViewSet, CalendarDayViewSet)


register_snippet(PublicityGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path(
            "objections/<int:pk>/decide/",
            forbid_with_403(admin_views.decide_objection),
            name="decide_objection",
        ),
        path(
            "correct/<int:page_id>/", forbid_with_403(admin_views.correct_publicity), name="correct"
        ),
        path(
            "roster/<int:page_id>/",
            forbid_with_403(admin_views.import_roster),
            name="import_roster",
        ),
        path(
            "objections/<int:pk>/attachment/",
            forbid_with_403(admin_views.objection_attachment),
            name="objection_attachment",
        ),
    ]
    return [path("publicity/", (urls, "publicity_admin", "publicity_admin"))]


@hooks.register("register_page_header_buttons")
def roster_button(page, user, view_name, next_url=None):
    if page.specific_class is PublicityPage and page.permissions_for_user(user).can_edit():
        if integrity.public_since(page.specific) is None:
            yield Button(
                "导入名单",
                reverse("publicity_admin:import_roster", args=[page.pk]),
                icon_name="upload",
                priority=70,
            )
        elif page.live:
            # Public: dates and roster are locked; a change is a recorded correction.
            yield Button(
                "更正",
                reverse("publicity_admin:correct", args=[page.pk]),
                icon_name="edit",
                priority=70,
            )


@hooks.register("register_log_actions")
def register_publicity_log_actions(actions):
    from wagtail.log_actions import LogFormatter

    @actions.register_action("publicity.roster_import")
    class RosterImportFormatter(LogFormatter):
        label = "导入名单"

        def format_message(self, log_entry):
            data = log_entry.data
            return (
                f"已导入公示名单：新增 {data.get('created', 0)} 人，更新 {data.get('updated', 0)} 人"
                f"（文件 SHA-256 {data.get('sha256', '')[:12]}）"
            )

    @actions.register_action("publicity.objection_decision")
    class DecisionFormatter(LogFormatter):
        label = "异议处理决定"

        def format_message(self, log_entry):
            data = log_entry.data
            return f"异议状态：{data.get('from')} → {data.get('to')}，理由：{data.get('reason')}"

    @actions.register_action("publicity.correct")
    class CorrectionFormatter(LogFormatter):
        label = "更正公示"

        def format_message(self, log_entry):
            data = log_entry.data
            return f"已更正：{data.get('old')} → {data.get('new')}，原因：{data.get('reason')}"


@hooks.register("before_edit_page")
def expire_ended_publicity(request, page):
    """Saving an ended publicity the scheduler has not expired yet: expire it first."""
    if request.method == "POST" and isinstance(page, PublicityPage):
        page.expire_if_ended(user=request.user)


@hooks.register("register_site_search_kind")
def site_search_kind():
    """The 类型 公示 of the site search (/search/)."""
    return SearchKind("publicity", "公示", models=(PublicityPage,), authority_field="authority")
