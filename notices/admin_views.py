"""The admin's 从文档导入: upload a notice, get a draft NoticePage to review."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import NoticeImportForm
from .importer import NoticeImportError, parse_file
from .importer.create import create_notice_page, resolve_authority
from .models import NoticeIndexPage

logger = logging.getLogger(__name__)


class NoticeImportView(WagtailAdminTemplateMixin, FormView):
    form_class = NoticeImportForm
    template_name = "notices/admin/import.html"
    page_title = "从文档导入通知"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        index = NoticeIndexPage.objects.first()
        if index is None or not index.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied
        self.index = index
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            parsed = parse_file(upload.read(), upload.name)
            authority = form.cleaned_data["authority"] or resolve_authority(parsed)
            page = create_notice_page(
                parsed, authority=authority, index=self.index, user=self.request.user
            )
        except NoticeImportError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        except Exception:
            # A hostile or broken file that a parser below chokes on (malformed XML in a DOCX…):
            # the editor gets a message, the log gets the details, nobody gets a 500.
            logger.exception("通知导入失败：%s", upload.name)
            form.add_error(
                "file",
                "文件内容无法解析（可能已损坏），请在 Word 中另存为 .docx 或纯文本后再导入。",
            )
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"已导入草稿“{page.title}”：识别出 {len(parsed.phases)} 个时间安排、"
            f"{len(parsed.attachments)} 个附件。请核对后发布。",
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
