"""Admin: the 公示 menu (working-day calendar, entries, objections), roster import, buttons."""

from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from notices.rounds import RoundItem
from search.kinds import SearchKind

from . import admin_views
from .models import CalendarDay, Objection, PublicityEntry, PublicityPage
from .outcomes import publicity_outcome


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
    ]
    list_filter = ["status"]
    search_fields = ["confirmation_number", "contact", "facts"]


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
        path("roster/<int:page_id>/", admin_views.import_roster, name="import_roster"),
        path(
            "objections/<int:pk>/attachment/",
            admin_views.objection_attachment,
            name="objection_attachment",
        ),
    ]
    return [path("publicity/", (urls, "publicity_admin", "publicity_admin"))]


@hooks.register("register_page_header_buttons")
def roster_button(page, user, view_name, next_url=None):
    if page.specific_class is PublicityPage and page.permissions_for_user(user).can_edit():
        yield Button(
            "导入名单",
            reverse("publicity_admin:import_roster", args=[page.pk]),
            icon_name="upload",
            priority=70,
        )


@hooks.register("before_edit_page")
def expire_ended_publicity(request, page):
    """Saving an ended publicity the scheduler has not expired yet: expire it first."""
    if request.method == "POST" and isinstance(page, PublicityPage):
        page.expire_if_ended(user=request.user)


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


@hooks.register("register_api_schema")
def api_schema():
    """/api/v1/publicities/ in the OpenAPI schema."""
    from .api import api_schema as schema

    return schema()
