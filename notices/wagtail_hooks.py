"""Admin: the 从文档导入 menu item and view; publishing a notice publishes its templates."""

from django.contrib import messages
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search.kinds import SearchKind

from . import api
from .admin_views import NoticeImportView
from .models import NoticePage, TemplatePage


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("notices/import/", NoticeImportView.as_view(), name="notices_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin") and (
            request.user.is_superuser or request.user.has_perm("notices.add_noticepage")
        )


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem("从文档导入", reverse("notices_import"), icon_name="upload", order=250)


@hooks.register("register_site_search_kind")
def site_search_kinds():
    """The 类型 通知 and 模板 of the site search (/search/)."""
    return [
        SearchKind(
            "notice",
            "通知",
            models=(NoticePage,),
            year_field="review_year",
            authority_field="authority",
            date=NoticePage.date_label,
            text=NoticePage.plain_text,
        ),
        SearchKind(
            "template",
            "模板",
            models=(TemplatePage,),
            date=TemplatePage.date_label,
            text=TemplatePage.plain_text,
            prepare=TemplatePage.load_source_notices,
        ),
    ]


@hooks.register("after_publish_page")
def publish_notice_templates(request, page):
    """A notice goes online with its attachment templates, or the editor is told which not."""
    from .publishing import publish_draft_templates

    notice = page.specific
    if not isinstance(notice, NoticePage):
        return
    result = publish_draft_templates(notice, request.user)
    if result.published:
        messages.success(request, f"已同时发布附件模板：{'、'.join(result.published)}。")
    if result.not_allowed:
        messages.warning(
            request,
            f"以下附件模板仍是草稿，您没有发布权限，公开页面上将显示“文件待补充”："
            f"{'、'.join(result.not_allowed)}。请联系有权限的编辑发布。",
        )


# /api/v1/notices/ in the OpenAPI schema.
hooks.register("register_api_schema", api.api_schema)
