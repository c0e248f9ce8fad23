from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Authority, Series
from .roles import AuthorityRole


class AuthorityViewSet(SnippetViewSet):
    model = Authority
    icon = "home"
    menu_label = "发文机关"
    list_display = ["name", "short_name", "region", "document_number_format"]
    list_filter = ["region"]
    search_fields = ["name", "short_name"]


class SeriesViewSet(SnippetViewSet):
    model = Series
    icon = "list-ul"
    menu_label = "系列与专业"
    list_display = ["name", "sort_order"]


class AuthorityRoleViewSet(SnippetViewSet):
    """Which group (or user) acts in which role for which authority."""

    model = AuthorityRole
    icon = "group"
    menu_label = "机关职责授权"
    list_display = ["group", "user", "authority", "role"]
    list_filter = ["role", "authority"]
    panels = [
        FieldPanel("group"),
        FieldPanel("user"),
        FieldPanel("authority"),
        FieldPanel("role"),
    ]


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = "基础数据"
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (AuthorityViewSet, SeriesViewSet, AuthorityRoleViewSet)


register_snippet(ReferenceDataGroup)
