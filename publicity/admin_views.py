"""Editors' views: roster import for a publicity page, objection attachments (private files)."""

from __future__ import annotations

import hashlib
import mimetypes
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from website.admin_forms import refusal_shown_on

from . import roster
from .forms import CorrectionForm, DecisionForm, RosterUploadForm
from .models import Objection, ObjectionStatus, PublicityPage

SESSION_KEY = "publicity_roster_pending"


def _editable_page(request: HttpRequest, page_id: int) -> PublicityPage:
    page = get_object_or_404(PublicityPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def import_roster(request: HttpRequest, page_id: int):
    """Upload → every invalid row reported → import when clean or when asked for valid rows."""
    page = _editable_page(request, page_id)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    context = {"page": page, "edit_url": edit_url, "result": None, "token": ""}

    if request.method == "POST" and request.POST.get("token"):
        # Second step: the editor chose 只导入有效行 for a file already checked.
        pending = request.session.get(SESSION_KEY, {})
        item = pending.pop(request.POST["token"], None)
        request.session[SESSION_KEY] = pending
        if not item or item["page"] != page.pk:
            messages.error(request, "导入已过期，请重新上传文件。")
            return redirect("publicity_admin:import_roster", page.pk)
        try:
            summary = roster.import_rows(
                page,
                roster.rows_from_session(item["rows"]),
                user=request.user,
                file_sha256=item.get("sha256", ""),
            )
        except roster.RosterLocked as error:
            messages.error(request, str(error))
            return redirect(edit_url)
        _report(request, summary, skipped=item["errors"])
        return redirect(edit_url)

    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = roster.parse_form_upload(form)
        sha256 = hashlib.sha256(form.uploaded_bytes()).hexdigest()
        if result is not None:
            if result.is_clean or form.cleaned_data["only_valid"]:
                if not result.rows:
                    form.add_error("file", "文件中没有“是否通过”为“是”的有效行，未导入任何数据。")
                else:
                    try:
                        summary = roster.import_rows(
                            page, result.rows, user=request.user, file_sha256=sha256
                        )
                    except roster.RosterLocked as error:
                        form.add_error("file", str(error))
                    else:
                        _report(request, summary, skipped=len(result.errors))
                        return redirect(edit_url)
            else:
                token = secrets.token_urlsafe(16)
                pending = request.session.get(SESSION_KEY, {})
                # Only the parsed rows (hash and mask, never the clear ID number) wait here.
                pending = {token: {
                    "page": page.pk,
                    "rows": roster.rows_to_session(result.rows),
                    "errors": len(result.errors),
                    "sha256": sha256,
                }}  # fmt: skip
                request.session[SESSION_KEY] = pending
                context.update({"result": result, "token": token})
    context["form"] = form
    status = 400 if context["result"] or form.errors else 200
    return TemplateResponse(request, "publicity/admin/import_roster.html", context, status=status)


def _report(request: HttpRequest, summary: roster.ImportSummary, skipped: int) -> None:
    text = f"已导入公示名单：新增 {summary.created} 人，更新 {summary.updated} 人"
    if skipped:
        text += f"，跳过有误的 {skipped} 行"
    messages.success(request, text + "。")


def objection_attachment(request: HttpRequest, pk: int):
    """An objection's attachment for editors who may see objections (never a public URL)."""
    if not request.user.has_perm("publicity.view_objection") and not request.user.has_perm(
        "publicity.change_objection"
    ):
        raise PermissionDenied
    objection = get_object_or_404(Objection.objects.select_related("entry__publicity"), pk=pk)
    from .decisions import can_decide

    if not can_decide(request.user, objection):  # only the authority's objection handlers
        raise PermissionDenied
    if not objection.attachment:
        raise Http404("该异议没有附件")
    handle = objection.attachment.open("rb")
    content_type = mimetypes.guess_type(objection.attachment.name)[0] or "application/octet-stream"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=objection.attachment.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )


def decide_objection(request: HttpRequest, pk: int):
    """处理异议: a recorded decision (from → to, reason) by someone allowed for the authority."""
    from .decisions import DecisionError, DecisionNotAllowed, can_decide, decide

    objection = get_object_or_404(Objection.objects.select_related("entry__publicity"), pk=pk)
    if not can_decide(request.user, objection):
        raise PermissionDenied
    choices = [(v, label) for v, label in ObjectionStatus.choices if v != objection.status]
    form = DecisionForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, DecisionError, forbidden=DecisionNotAllowed):
            decide(objection, form.cleaned_data["to_status"], form.cleaned_data["reason"],
                   request.user)  # fmt: skip
            messages.success(request, f"已记录异议 {objection.confirmation_number} 的处理决定。")
            return redirect("publicity_admin:decide_objection", pk)
    context = {
        "objection": objection,
        "form": form,
        "decisions": objection.decisions.select_related("decided_by"),
    }
    status = 400 if form.errors else 200
    return TemplateResponse(
        request, "publicity/admin/decide_objection.html", context, status=status
    )


def correct_publicity(request: HttpRequest, page_id: int):
    """更正 a live publicity: the reason is recorded and the period restarts from today."""
    from .integrity import CorrectionError, correct

    page = _editable_page(request, page_id)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, CorrectionError):
            correction = correct(page, form.cleaned_data["reason"], request.user)
            messages.success(
                request,
                f"已更正，公示期重新计算：{correction.new_start}至{correction.new_end}。",
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    context = {"page": page, "form": form, "corrections": page.corrections.all()}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "publicity/admin/correct.html", context, status=status)
