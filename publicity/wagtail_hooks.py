"""Admin: the 公示 menu (working-day calendar, entries, objections), roster import, buttons."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from notices.rounds import RoundItem
from search.kinds import SearchKind
from website.admin_columns import ActionLinkColumn
from website.exports import BeijingExportMixin
from website.log_actions import register_log_actions
from website.roles import Role, authorities_for, guarded_path

from . import admin_views, api, calendar_admin, integrity, workdays
from .dashboard import panels_for
from .models import CalendarDay, CalendarYear, Objection, PublicityEntry, PublicityPage
from .outcomes import publicity_outcome
from .permissions import CalendarPermissionPolicy

# The calendar: years are the unit (only a complete, confirmed year answers); days belong to a
# year. Both need the 维护工作日历 permission, whatever the model permissions of a group.
register_permission_policy(CalendarYear, CalendarPermissionPolicy(CalendarYear))
register_permission_policy(CalendarDay, CalendarPermissionPolicy(CalendarDay))


class YearDaysColumn(Column):
    """The year's days and its confirm / back-to-draft actions, on their own page."""

    def get_value(self, instance):
        url = reverse("publicity_admin:calendar_year", args=[instance.pk])
        return format_html('<a href="{}">查看 {} 天</a>', url, instance.days.count())


class CalendarYearIndexView(SnippetIndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        buttons.append(
            HeaderButton(
                "导入放假通知", url=reverse("publicity_admin:calendar_import"), icon_name="upload"
            )
        )
        return buttons


class CalendarYearViewSet(SnippetViewSet):
    model = CalendarYear
    icon = "date"
    menu_label = "工作日历年度"
    index_view_class = CalendarYearIndexView
    list_display = [
        "year",
        "region",
        "status",
        "source",
        "confirmed_by",
        "confirmed_at",
        YearDaysColumn("days", label="日期"),
    ]
    list_filter = ["region", "status"]
    search_fields = ["source"]


class ConfirmedYearGuard:
    """Refuse to open a day of a confirmed year for editing or deletion (Wagtail checks only
    model-level permissions there): such a year changes as a whole, after going back to draft."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        policy = self.permission_policy
        if not policy.user_has_permission_for_instance(
            self.request.user, self.permission_required, instance
        ):
            raise PermissionDenied
        return instance


class CalendarDayEditView(ConfirmedYearGuard, SnippetEditView):
    pass


class CalendarDayDeleteView(ConfirmedYearGuard, SnippetDeleteView):
    pass


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
    """Roster entries come only from a roster import (or a correction and a new import): it
    checks and hashes the ID number, which the entry form cannot ask for. No 添加 here."""

    denied = frozenset({"add", "delete"})


register_permission_policy(Objection, NoDeletePolicy(Objection))
register_permission_policy(PublicityEntry, RosterEntryPolicy(PublicityEntry))


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    edit_view_class = CalendarDayEditView
    delete_view_class = CalendarDayDeleteView
    icon = "date"
    menu_label = "工作日历日期"
    list_display = ["date", "calendar_year", BooleanColumn("is_working", label="上班"), "name"]
    list_filter = ["is_working", "calendar_year__region"]
    search_fields = ["name"]


class ObjectionIndexView(BeijingExportMixin, SnippetIndexView):
    export_headings = {
        "entry.publicity.title": "公示",
        "entry.name": "异议对象",
        "entry.unit": "工作单位",
        "get_status_display": "处理结果",
    }


class ObjectionFilterSet(WagtailFilterSet):
    entry__publicity = django_filters.ModelChoiceFilter(
        label="公示", queryset=PublicityPage.objects.order_by("-start_date", "title")
    )

    class Meta:
        model = Objection
        fields = ["status", "entry__publicity"]


class ObjectionViewSet(SnippetViewSet):
    """异议 and the objection register (异议登记表: its XLSX/CSV export with the outcomes).
    The objector's contact stays out of the register: it is needed only to answer them."""

    model = Objection
    icon = "warning"
    menu_label = "异议"
    index_view_class = ObjectionIndexView
    list_display = [
        "confirmation_number",
        "entry",
        "status",
        "created",
        # The private attachment, through the editors-only download view.
        ActionLinkColumn(
            "attachment",
            "publicity_admin:objection_attachment",
            "下载",
            label="证明材料",
            available=lambda objection: objection.attachment,
            unavailable="无",
        ),
        ActionLinkColumn("decide", "publicity_admin:decide_objection", "处理", label="处理"),
    ]
    filterset_class = ObjectionFilterSet
    search_fields = ["confirmation_number", "contact", "facts"]
    list_export = [
        "confirmation_number",
        "created",
        "entry.publicity.title",
        "entry.name",
        "entry.unit",
        "facts",
        "get_status_display",
        "notes",
    ]
    export_filename = "objection-register"

    def get_queryset(self, request):
        """Objections are personal data: each handler sees only their authorities' ones."""
        queryset = Objection.objects.select_related("entry__publicity")
        if request.user.is_superuser:
            return queryset
        authorities = authorities_for(request.user, Role.OBJECTIONS)
        return queryset.filter(entry__publicity__authority__in=authorities)


class RosterFilterSet(WagtailFilterSet):
    publicity = django_filters.ModelChoiceFilter(
        label="公示",
        queryset=PublicityPage.objects.order_by("-start_date", "title"),
    )

    class Meta:
        model = PublicityEntry
        fields = ["publicity", "excluded", "level", "review_type"]


class RosterIndexView(BeijingExportMixin, SnippetIndexView):
    pass


class PublicityEntryViewSet(SnippetViewSet):
    model = PublicityEntry
    icon = "group"
    menu_label = "公示名单"
    index_view_class = RosterIndexView
    list_display = [
        "name",
        "publicity",
        "unit",
        "specialty",
        "level",
        "qualification",
        "id_masked",
        BooleanColumn("excluded", label="已排除"),
    ]
    filterset_class = RosterFilterSet
    search_fields = ["name", "unit"]
    list_per_page = 100
    list_export = [
        "publicity",
        "sort_order",
        "name",
        "get_gender_display",
        "ethnicity",
        "unit",
        "series",
        "specialty",
        "get_level_display",
        "qualification",
        "get_review_type_display",
        "id_masked",
        "excluded",
    ]
    export_filename = "publicity-roster"

    def get_queryset(self, request):
        return PublicityEntry.objects.select_related("publicity")


class PublicityGroup(SnippetViewSetGroup):
    menu_label = "公示"
    menu_icon = "list-ul"
    menu_order = 250
    items = (ObjectionViewSet, PublicityEntryViewSet, CalendarYearViewSet, CalendarDayViewSet)


register_snippet(PublicityGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    objection_urls = [
        guarded_path("decide/", admin_views.decide_objection, "decide_objection"),
        guarded_path("attachment/", admin_views.objection_attachment, "objection_attachment"),
    ]
    calendar_urls = [
        path("import/", calendar_admin.import_notice, name="calendar_import"),
        path("<int:pk>/", calendar_admin.year_detail, name="calendar_year"),
        path("<int:pk>/confirm/", calendar_admin.confirm_year, name="calendar_confirm"),
        path("<int:pk>/reopen/", calendar_admin.reopen_year, name="calendar_reopen"),
    ]
    urls = [
        path("objections/<int:pk>/", include(objection_urls)),
        guarded_path("correct/<int:page_id>/", admin_views.correct_publicity, "correct"),
        guarded_path("roster/<int:page_id>/", admin_views.import_roster, "import_roster"),
        path("calendar/", include(calendar_urls)),
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


LOG_ACTIONS = (
    (
        "publicity.roster_import",
        "导入名单",
        lambda d: (
            f"已导入公示名单：新增 {d.get('created', 0)} 人，更新 {d.get('updated', 0)} 人"
            f"（文件 SHA-256 {d.get('sha256', '')[:12]}）"
        ),
    ),
    (
        "publicity.objection_decision",
        "异议处理决定",
        lambda d: f"异议状态：{d.get('from')} → {d.get('to')}，理由：{d.get('reason')}",
    ),
    (
        "publicity.correct",
        "更正公示",
        lambda d: f"已更正：{d.get('old')} → {d.get('new')}，原因：{d.get('reason')}",
    ),
)


@hooks.register("register_log_actions")
def register_publicity_log_actions(actions):
    register_log_actions(actions, LOG_ACTIONS)


def unprintable_entries(page) -> list[str]:
    """“第3行（王…）：姓名中的…”, one line per entry of ``page`` that cannot be printed."""
    lines = []
    for index, entry in enumerate(page.entries.order_by("sort_order", "pk"), 1):
        problems = entry.printing_problems()
        if problems:
            lines.append(f"名单第{index}行（{entry.name}）：{'；'.join(problems)}")
    return lines


@hooks.register("before_publish_page")
def refuse_unprintable_names(request, page):
    """A publicity whose list holds a character no font can print is not published: the
    editor learns it now, not when the approval document is issued."""
    page = page.specific
    if not isinstance(page, PublicityPage) or not page.pk:
        return None
    lines = unprintable_entries(page)
    if not lines:
        return None
    from django.contrib import messages
    from django.shortcuts import redirect

    messages.error(request, "公示名单中有无法印出的字符，未发布：" + " ".join(lines[:5]))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_edit_page")
def expire_ended_publicity(request, page):
    """Saving an ended publicity the scheduler has not expired yet: expire it first."""
    if request.method == "POST" and isinstance(page, PublicityPage):
        page.expire_if_ended(user=request.user)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_the_calendar(request, page):
    """Scheduling a publicity for an authority whose region has no calendar for the year
    (e.g. 新疆 without that year's 肉孜节 and 古尔邦节): say so when the page is saved."""
    page = page.specific
    if not isinstance(page, PublicityPage) or not page.start_date or not page.end_date:
        return
    calendar = workdays.WorkingCalendar(region=page.region)
    try:
        warnings = calendar.warnings_for(page.start_date, page.end_date)
    except workdays.CalendarUnavailable:
        return
    for warning in warnings:
        messages.warning(request, warning)


@hooks.register("register_site_search_kind")
def site_search_kind():
    """The 类型 公示 of the site search (/search/)."""
    return SearchKind(
        "publicity",
        "公示",
        models=(PublicityPage,),
        authority_field="authority",
        # Its period is its date; the names are left out of the snippet's text.
        date=lambda page: page.period_label,
        text=lambda page: f"{page.review_committee} {page.intro}",
    )


@hooks.register("register_notice_round_items")
def notice_round_items(notice) -> list[RoundItem]:
    """A notice lists the publicities that followed it (ended ones keep their record page),
    each followed by what it led to (approvals' documents, through ``publicity_outcome``)."""
    items: list[RoundItem] = []
    publicities = PublicityPage.objects.filter(notice=notice).order_by("start_date", "pk")
    for page in publicities:
        if not (page.live or page.expired):
            continue  # a draft, scheduled, or withdrawn by an editor: nothing public to link to
        items.append(
            RoundItem(
                kind="公示",
                title=page.title,
                url=page.url,
                # No 进行中/已结束 here: the notice page is cached, the period says it all.
                date_text=page.period_label,
            )
        )
        items.extend(publicity_outcome(page))
    return items


# /api/v1/publicities/ in the OpenAPI schema.
hooks.register("register_api_schema", api.api_schema)


@hooks.register("construct_homepage_panels")
def dashboard_panels(request, panels):
    """The bureau's desk: running publicities, open objections, missing calendar years."""
    panels.extend(panels_for(request.user))
