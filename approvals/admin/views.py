"""Admin views beyond create/edit: issue (confirmed), progress, create from publicity or from a
roster file, revoke a certificate, revoke a signing key."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.views.generic import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button, HeaderButton

from approvals.admin.forms import (
    FromPublicityForm,
    FromRosterForm,
    RejectForm,
    RevokeForm,
    RevokeKeyForm,
)
from approvals.issuing import creation, duplicates, process, revocation
from approvals.issuing import issue as issuing
from approvals.issuing.titles import issued_title
from approvals.models import (
    ApprovalDocument,
    Certificate,
    DocumentStatus,
    RevocationRequest,
    SigningKey,
)
from publicity import roster
from website.admin_display import BeijingInspectMixin
from website.admin_forms import refusal_as_message, refusal_shown_on
from website.exports import BeijingExportMixin
from website.models import Authority
from website.roles import Role, authorities_for, display_name, has_role


class CertificateIndexView(BeijingExportMixin, IndexView):
    """The certificate list; its export is the issuance register (证书签发登记表)."""

    export_headings = {
        "document.number": "审批文件文号",
        "document.date": "成文日期",
        "created_at": "签发时间（北京时间）",
        "revoked_at": "撤销时间（北京时间）",
        "revoked_by": "撤销人",
    }

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton("年度统计", url=reverse("certificates:statistics"), icon_name="table")
        )
        return buttons


def certificate_pdf(request, pk):
    """The signed PDF of a certificate, from the private storage, for those who may see
    certificates in the admin (the public download needs number, name and ID digits)."""
    from django.http import FileResponse, Http404

    if not (
        request.user.has_perm("approvals.view_certificate")
        or request.user.has_perm("approvals.change_certificate")
    ):
        raise PermissionDenied
    certificate = get_object_or_404(Certificate.objects.public(), pk=pk)
    try:
        handle = certificate.pdf.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("证书 PDF 文件不存在。") from None
    return FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=f"{certificate.number}.pdf",
    )


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


class DocumentIndexView(BeijingExportMixin, IndexView):
    export_headings = {"authority.name": "发文机关"}

    def get_base_queryset(self):
        # A search by a person's name matches the document once, however many rows match.
        return super().get_base_queryset().select_related("authority").distinct()

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("approvals.add_approvaldocument"):
            buttons.append(
                HeaderButton(
                    "从公示创建",
                    url=reverse("approval_documents:from_publicity"),
                    icon_name="list-ul",
                )
            )
            buttons.append(
                HeaderButton(
                    "从名单文件创建",
                    url=reverse("approval_documents:from_roster"),
                    icon_name="upload",
                )
            )
        return buttons


class DocumentEditView(EditView):
    """Only drafts are editable, by a 经办 of the document's authority; an issued document never
    changes (a correction supersedes it)."""

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not process.can_prepare(request.user, self.object):
            raise PermissionDenied
        if not self.object.is_editable:
            messages.warning(
                request, "文件已进入签发流程或已签发，不能再修改；如需更正请新建替代文件。"
            )
            return redirect("approval_documents:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                "提交签发",
                url=reverse("approval_documents:inspect", args=[self.object.pk]),
                icon_name="success",
                priority=5,
            )
        )
        return buttons


class DocumentDeleteView(DeleteView):
    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not process.can_prepare(request.user, self.object):
            raise PermissionDenied
        if not self.object.is_editable:
            messages.error(request, "只能删除草稿。")
            return redirect("approval_documents:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class DocumentInspectView(BeijingInspectMixin, InspectView):
    """Status, number, PDF, progress (refreshing while issuing) and the next action."""

    template_name = "approvals/admin/document_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        doc = self.object
        user = self.request.user
        context.update(
            document=doc,
            persons=doc.persons.select_related("certificate").order_by("sort_order", "pk"),
            left_out=creation.left_out(doc),
            issue_url=reverse("approval_documents:issue", args=[doc.pk]),
            submit_url=reverse("approval_documents:submit", args=[doc.pk]),
            can_submit=process.can_submit(user, doc),
            can_decide=process.can_decide(user, doc),
            can_resume=doc.status == DocumentStatus.ISSUING
            and has_role(user, Role.ISSUE, doc.authority_id),
            refreshing=doc.status == DocumentStatus.ISSUING and not doc.issue_error,
            issued_by_name=display_name(doc.issued_by) if doc.issued_by_id else "",
            conflicts=duplicates.conflicts(doc.persons.all(), exclude_document_id=doc.pk)
            if doc.status in (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED)
            else [],
            can_override=process.can_override(user, doc),
            overrides=doc.persons.exclude(duplicate_override_reason="").select_related(
                "duplicate_override_by"
            ),
            submitted_by_name=display_name(doc.submitted_by) if doc.submitted_by_id else "",
        )
        return context


class SubmitView(WagtailAdminTemplateMixin, TemplateView):
    """提交签发 (POST only): a 经办 of the authority hands the draft to a second person."""

    http_method_names = ["post"]

    def post(self, request, pk):
        document = get_object_or_404(ApprovalDocument, pk=pk)
        with refusal_as_message(
            request,
            (process.ProcessError, issuing.IssuingError),
            forbidden=process.NotAllowed,
            prefix="未能提交：",
        ):
            process.submit(document, request.user)
            messages.success(request, "已提交签发，须由另一位有签发权限的人员审核签发。")
        return redirect("approval_documents:inspect", pk)


class IssueView(WagtailAdminTemplateMixin, TemplateView):
    """签发: the second person's confirmation page (approve or send back); POST allocates the
    numbers and queues the work. Only a 签发 of the authority who did not prepare the document
    sees it; anyone else gets 403, with or without the button."""

    template_name = "approvals/admin/issue_confirm.html"
    page_title = "签发审批文件"
    header_icon = "success"

    def dispatch(self, request, pk):
        self.document = get_object_or_404(ApprovalDocument, pk=pk)
        if self.document.status == DocumentStatus.ISSUING:
            # Resuming an interrupted run: the approval has been given already.
            if not has_role(request.user, Role.ISSUE, self.document.authority_id):
                raise PermissionDenied
        elif self.document.status != DocumentStatus.SUBMITTED:
            if not has_role(request.user, Role.ISSUE, self.document.authority_id):
                raise PermissionDenied
            messages.warning(request, "文件须先由经办人员提交签发。")
            return redirect("approval_documents:inspect", pk)
        elif not process.can_decide(request.user, self.document):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.document.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problem = ""
        try:
            issuing.check_issuable(self.document)
        except issuing.IssuingError as error:
            problem = str(error)
        persons = list(self.document.persons.all())
        context.update(
            document=self.document,
            problem=problem,
            person_count=len(persons),
            printed_title=issued_title(self.document.title, persons),
            left_out=creation.left_out(self.document),
            reject_form=RejectForm(),
            reject_url=reverse("approval_documents:reject", args=[self.document.pk]),
            inspect_url=reverse("approval_documents:inspect", args=[self.document.pk]),
        )
        return context

    def post(self, request, pk):
        from approvals.issuing.tasks import issue_approval_task

        try:
            if self.document.status == DocumentStatus.ISSUING:
                doc = self.document
            else:
                doc = process.approve(self.document, request.user)
        except process.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except (process.ProcessError, issuing.IssuingError) as error:
            messages.error(request, str(error))
            return redirect("approval_documents:inspect", pk)
        # The work runs in the queue worker (immediately in tests); the request returns at once.
        issue_approval_task.enqueue(doc.pk, request.user.pk)
        doc.refresh_from_db()
        if doc.status == DocumentStatus.ISSUED:
            messages.success(request, f"已签发：{doc.number}，共 {doc.progress_total} 份证书。")
        else:
            messages.info(request, f"已分配文号 {doc.number}，证书正在后台生成。")
        return redirect("approval_documents:inspect", pk)


class OverrideDuplicateView(WagtailAdminTemplateMixin, TemplateView):
    """确认重复发证 (POST only): a 签发 who did not prepare the document records why."""

    http_method_names = ["post"]

    def post(self, request, pk, person_pk):
        document = get_object_or_404(ApprovalDocument, pk=pk)
        with refusal_as_message(request, process.ProcessError, forbidden=process.NotAllowed):
            person = process.override_duplicate(
                document, person_pk, request.user, request.POST.get("reason", "")
            )
            messages.success(request, f"已记录{person.name}重复发证的理由。")
        return redirect("approval_documents:inspect", pk)


class RejectView(WagtailAdminTemplateMixin, TemplateView):
    """退回 (POST only): the second person sends the document back to draft, with a reason."""

    http_method_names = ["post"]

    def post(self, request, pk):
        document = get_object_or_404(ApprovalDocument, pk=pk)
        form = RejectForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        with refusal_as_message(request, process.ProcessError, forbidden=process.NotAllowed):
            process.reject(document, request.user, reason)
            messages.success(request, "已退回经办人员修改。")
            return redirect("approval_documents:inspect", pk)
        return redirect("approval_documents:issue", pk)


class FromPublicityView(WagtailAdminTemplateMixin, TemplateView):
    """从公示创建: choose an ended publicity; its approved entries become the list."""

    template_name = "approvals/admin/from_publicity.html"
    page_title = "从公示创建审批文件"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "approvals.add_approvaldocument")
        allowed = set(authorities_for(request.user, Role.PREPARE).values_list("pk", flat=True))
        self.pages = [p for p in creation.ended_publicity_pages() if p.authority_id in allowed]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", FromPublicityForm(pages=self.pages))
        context["has_pages"] = bool(self.pages)
        return context

    def post(self, request):
        form = FromPublicityForm(request.POST, pages=self.pages)
        if form.is_valid():
            page = next(p for p in self.pages if p.pk == form.cleaned_data["publicity"])
            with refusal_shown_on(form, creation.CreationError):
                document = creation.create_from_publicity(page, user=request.user)
                messages.success(
                    request,
                    f"已从公示起草审批文件，共 {document.persons.count()} 人，请核对后提交签发。",
                )
                return redirect("approval_documents:edit", document.pk)
        return self.render_to_response(self.get_context_data(form=form))


ROSTER_SESSION_KEY = "approvals_roster_pending"


class FromRosterView(WagtailAdminTemplateMixin, TemplateView):
    """从名单文件创建: upload → every invalid row reported → create when clean or when asked.

    When rows are invalid nothing is created; the checked valid rows (hash, mask and birth month,
    never a clear ID number) wait in the session under a token, so that "只用有效行创建" does not
    need the file again.
    """

    template_name = "approvals/admin/from_roster.html"
    page_title = "从名单文件创建审批文件"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "approvals.add_approvaldocument")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self._form())
        context.setdefault("result", None)
        context.setdefault("token", "")
        return context

    def post(self, request):
        if request.POST.get("token"):
            return self._create_pending(request, request.POST["token"])
        form = self._form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        result = roster.parse_form_upload(form, creation.check_roster)
        if result is None:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if result.is_clean or form.cleaned_data["only_valid"]:
            return self._create(request, form.header(), result.rows, len(result.errors), form)
        token = secrets.token_urlsafe(16)
        header = form.cleaned_data
        # One pending upload per session: a newer check replaces an older one.
        request.session[ROSTER_SESSION_KEY] = {
            token: {
                "authority": header["authority"].pk,
                "date": header["date"].isoformat(),
                "title": header["title"],
                "addressees": header["addressees"],
                "review_committee": header["review_committee"],
                "rows": roster.rows_to_session(result.rows),
                "errors": len(result.errors),
            }
        }
        context = self.get_context_data(form=form, result=result, token=token)
        return self.render_to_response(context, status=400)

    def _form(self, *args):
        return FromRosterForm(*args, authorities=authorities_for(self.request.user, Role.PREPARE))

    def _create_pending(self, request, token: str):
        pending = request.session.get(ROSTER_SESSION_KEY, {})
        item = pending.pop(token, None)
        request.session[ROSTER_SESSION_KEY] = pending
        authority = item and Authority.objects.filter(pk=item["authority"]).first()
        if not authority:
            messages.error(request, "检查结果已过期，请重新上传名单文件。")
            return redirect("approval_documents:from_roster")
        header = creation.DocumentHeader(
            authority=authority,
            date=dt.date.fromisoformat(item["date"]),
            title=item["title"],
            addressees=item["addressees"],
            review_committee=item["review_committee"],
        )
        rows = roster.rows_from_session(item["rows"])
        return self._create(request, header, rows, item["errors"], self._form())

    def _create(self, request, header, rows, skipped: int, form):
        if not has_role(request.user, Role.PREPARE, header.authority):
            raise PermissionDenied
        with refusal_shown_on(form, creation.CreationError):
            document = creation.create_from_rows(header, rows, user=request.user)
            text = f"已从名单文件起草审批文件，共 {len(rows)} 人"
            if skipped:
                text += f"，跳过有误的 {skipped} 行"
            messages.success(request, text + "，请核对后提交签发。")
            return redirect("approval_documents:edit", document.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ObjectFormView(WagtailAdminTemplateMixin, TemplateView):
    """A page acting on one object through a form: ``get_object`` loads it (checking that the
    user may act on it), the page's subtitle names it, the form starts empty."""

    header_icon = "warning"
    form_class: type

    def get_object(self, request, pk):
        raise NotImplementedError

    def dispatch(self, request, pk):
        self.object = self.get_object(request, pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form_class())
        return context


class RevokeView(ObjectFormView):
    """申请撤销 (or 申请恢复 a revoked certificate) with a reason; a second person decides."""

    template_name = "approvals/admin/revoke.html"
    page_title = "撤销证书"
    form_class = RevokeForm

    def get_object(self, request, pk):
        certificate = get_object_or_404(
            Certificate.objects.public().select_related("document"), pk=pk
        )
        if not revocation.can_request(request.user, certificate):
            raise PermissionDenied
        return certificate

    def get_page_title(self):
        return "申请恢复证书" if self.object.is_revoked else "申请撤销证书"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificate"] = self.object
        context["pending"] = self.object.revocation_requests.filter(status="pending").first()
        return context

    def post(self, request, pk):
        certificate = self.object
        form = RevokeForm(request.POST)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            with refusal_shown_on(
                form, revocation.RevocationError, forbidden=revocation.NotAllowed
            ):
                if certificate.is_revoked:
                    revocation.request_reinstatement(certificate, reason, request.user)
                else:
                    revocation.request_revocation(certificate, reason, request.user)
                messages.success(
                    request,
                    f"已提交证书 {certificate.number} 的申请，须由另一位撤销审核人员批准。",
                )
                return redirect("certificates:inspect", pk)
        return self.render_to_response(self.get_context_data(form=form))


class RevokeKeyView(ObjectFormView):
    """吊销签章密钥 from a compromise date (audit-logged; needs approvals.revoke_signingkey)."""

    template_name = "approvals/admin/revoke_key.html"
    page_title = "吊销签章密钥"
    form_class = RevokeKeyForm

    def get_object(self, request, pk):
        _require(request, "approvals.revoke_signingkey")
        return get_object_or_404(SigningKey.objects.select_related("authority"), pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = self.object
        context.update(
            key=key,
            documents=key.approval_documents.count(),
            certificates=key.certificates.count(),
        )
        return context

    def post(self, request, pk):
        from approvals.crypto.keys import SigningKeyError
        from approvals.crypto.lifecycle import revoke_signing_key

        form = RevokeKeyForm(request.POST)
        if form.is_valid():
            with refusal_shown_on(form, SigningKeyError):
                revoke_signing_key(
                    self.object,
                    compromised_from=form.cleaned_data["compromised_from"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
                messages.success(request, f"已吊销签章密钥 {self.object.key_id}。")
                return redirect("signing_keys:inspect", pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DecideRequestView(WagtailAdminTemplateMixin, TemplateView):
    """批准或驳回 a revocation/reinstatement request (POST only; 撤销 role, not the requester)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        item = get_object_or_404(RevocationRequest.objects.select_related("certificate"), pk=pk)
        approve = request.POST.get("decision") == "approve"
        note = request.POST.get("note", "")
        with refusal_as_message(
            request, revocation.RevocationError, forbidden=revocation.NotAllowed
        ):
            if approve:
                revocation.approve_request(item, request.user, note)
            else:
                revocation.reject_request(item, request.user, note)
            messages.success(request, "已批准。" if approve else "已驳回。")
        return redirect("certificates:inspect", item.certificate_id)


class CertificateInspectView(BeijingInspectMixin, InspectView):
    """The certificate's fields, then its revocation/reinstatement requests with the buttons
    the user may use (a second person's 批准/驳回; 申请撤销 or 申请恢复)."""

    template_name = "approvals/admin/certificate_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.object
        user = self.request.user
        requests = list(
            certificate.revocation_requests.select_related("requested_by", "decided_by")
        )
        context.update(
            certificate=certificate,
            requests=[
                {
                    "item": item,
                    "requested_by": display_name(item.requested_by),
                    "decided_by": display_name(item.decided_by) if item.decided_by else "",
                    "can_decide": revocation.can_decide(user, item),
                    "decide_url": reverse("certificates:decide", args=[item.pk]),
                }
                for item in requests
            ],
            can_request=revocation.can_request(user, certificate)
            and not any(r.status == "pending" for r in requests),
            request_url=reverse("certificates:revoke", args=[certificate.pk]),
            history_url=reverse("certificates:history", args=[certificate.pk]),
        )
        return context


def progress(request, pk):
    """签发进度 as JSON, polled by the dashboard while a document is being issued (the
    worker saves progress after every batch of certificates)."""
    from django.http import JsonResponse

    from approvals.dashboard import progress_data

    if not (
        request.user.has_perm("approvals.view_approvaldocument")
        or request.user.has_perm("approvals.change_approvaldocument")
    ):
        raise PermissionDenied
    document = get_object_or_404(ApprovalDocument, pk=pk)
    return JsonResponse(progress_data(document))


class StatisticsView(WagtailAdminTemplateMixin, TemplateView):
    """年度统计: certificates per authority, series and level of a year; XLSX/CSV export."""

    template_name = "approvals/admin/statistics.html"
    page_title = "年度统计"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not (
            request.user.has_perm("approvals.view_certificate")
            or request.user.has_perm("approvals.change_certificate")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        from approvals import statistics
        from website.exports import table_response

        self.years = statistics.available_years()
        try:
            self.year = int(request.GET.get("year", ""))
        except ValueError:
            self.year = self.years[0] if self.years else dt.date.today().year
        self.rows = statistics.annual_statistics(self.year)
        export = request.GET.get("export")
        if export in ("xlsx", "csv"):
            return table_response(
                statistics.HEADINGS,
                [row.as_row() for row in self.rows],
                export,
                f"年度统计-{self.year}",
                sheet_title=f"{self.year}年度统计",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from approvals import statistics

        context = super().get_context_data(**kwargs)
        context.update(
            years=self.years, year=self.year, rows=self.rows, headings=statistics.HEADINGS
        )
        return context
