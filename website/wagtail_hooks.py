from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Authority, Series


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


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = "基础数据"
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (AuthorityViewSet, SeriesViewSet)


register_snippet(ReferenceDataGroup)
