"""The admin's 从文档导入: upload a notice, review what was read beside the original, confirm.

Step 1 reads the upload and shows every fact with its source words highlighted and what was
not understood; nothing is saved yet (the upload is kept in the session). Step 2 applies the
editor's corrections and creates the draft, or updates the existing draft of the same notice
when asked; a notice already published is never duplicated.
"""

from __future__ import annotations

import base64
import logging
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import NoticeImportConfirmForm, NoticeImportForm
from .importer import NoticeImportError, ParsedNotice, parse_file
from .importer.create import (
    authority_gaps,
    create_notice_page,
    find_duplicate,
    match_authority,
    resolve_authority,
)
from .importer.review import highlight, keep_only, review_facts
from .models import NoticeIndexPage

SESSION_KEY = "notice_import"
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

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(NoticeImportConfirmForm(request.POST))
        return super().post(request, *args, **kwargs)

    # Step 1: read and show for review.
    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parsed = parse_file(data, upload.name)
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
        token = secrets.token_urlsafe(16)
        # One pending import per editor: a new upload replaces the previous one.
        self.request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "data": base64.b64encode(data).decode(),
        }
        authority = form.cleaned_data["authority"] or match_authority(parsed)
        confirm = NoticeImportConfirmForm(
            initial={
                "token": token,
                "title": parsed.title,
                "document_number": parsed.document_number,
                "review_year": parsed.review_year,
                "issue_date": parsed.issue_date,
                "authority": authority,
            }
        )
        return self.review(confirm, parsed, authority)

    def review(self, confirm, parsed: ParsedNotice, authority, status=200):
        facts = review_facts(parsed)
        duplicate = find_duplicate(parsed, authority)
        notes = list(parsed.warnings)
        if authority is None and not parsed.authority_name:
            notes.append("没有识别出发文机关：请选择发文机关。")
        elif authority is None:
            notes.append(
                f"将新建发文机关“{parsed.authority_name}”，地区和文号格式只按文中所写填写。"
            )
        else:
            notes += authority_gaps(authority)
        context = self.get_context_data(
            form=None,
            confirm=confirm,
            parsed=parsed,
            facts=facts,
            marked_text=highlight(parsed.text, facts),
            notes=notes,
            duplicate=duplicate,
            new_authority=parsed.authority_name if authority is None else "",
        )
        return self.render_to_response(context, status=status)

    # Step 2: apply the corrections and create (or update) the draft.
    def confirm(self, confirm: NoticeImportConfirmForm):
        pending = self.request.session.get(SESSION_KEY) or {}
        if not confirm.is_valid() and "token" in confirm.errors:
            messages.error(self.request, "导入已过期，请重新上传文件。")
            return redirect("notices_import")
        if confirm.data.get("token") != pending.get("token"):
            messages.error(self.request, "导入已过期或已完成，请重新上传文件。")
            return redirect("notices_import")
        parsed = parse_file(base64.b64decode(pending["data"]), pending["name"])
        if not confirm.is_valid():
            return self.review(confirm, parsed, match_authority(parsed))
        data = confirm.cleaned_data
        if self.request.POST.get("facts_listed"):
            # Facts unticked in the review are left out of the draft.
            keep_only(parsed, set(self.request.POST.getlist("keep")))
        parsed.title = data["title"].strip()
        parsed.document_number = data["document_number"]
        parsed.review_year = data["review_year"]
        parsed.issue_date = data["issue_date"]
        try:
            authority = data["authority"] or resolve_authority(parsed)
            existing = find_duplicate(parsed, authority) if data["update_existing"] else None
            page = create_notice_page(
                parsed,
                authority=authority,
                index=self.index,
                user=self.request.user,
                update=existing,
            )
        except NoticeImportError as exc:
            confirm.add_error(None, str(exc))
            return self.review(confirm, parsed, data["authority"] or match_authority(parsed))
        self.request.session.pop(SESSION_KEY, None)
        verb = "更新草稿" if existing is not None else "导入草稿"
        messages.success(
            self.request,
            f"已{verb}“{page.title}”：{len(parsed.phases)} 个时间安排、{len(parsed.fees)} 项费用、"
            f"{len(parsed.contacts)} 组联系方式、{len(parsed.attachments)} 个附件。请核对后发布。",
        )
        for note in parsed.warnings + authority_gaps(authority):
            messages.warning(self.request, note)
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
