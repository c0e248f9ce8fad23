"""Admin: the 从文档导入 menu item and view."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import NoticeImportView


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
