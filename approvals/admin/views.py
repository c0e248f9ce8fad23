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

from approvals.admin.forms import FromPublicityForm, FromRosterForm, RevokeForm, RevokeKeyForm
from approvals.issuing import creation
from approvals.issuing import issue as issuing
from approvals.issuing.revocation import RevocationError, revoke_certificate
from approvals.issuing.titles import issued_title
from approvals.models import ApprovalDocument, Certificate, DocumentStatus, SigningKey
from publicity import roster
from website.exports import BeijingExportMixin
from website.models import Authority


class CertificateIndexView(BeijingExportMixin, IndexView):
    """The certificate list; its export is the issuance register (证书签发登记表)."""

    export_headings = {"document.number": "审批文件文号", "document.date": "成文日期"}

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
    """Only drafts are editable; an issued document never changes (a correction supersedes it)."""

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
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
                "签发",
                url=reverse("approval_documents:issue", args=[self.object.pk]),
                icon_name="success",
                priority=5,
            )
        )
        return buttons


class DocumentDeleteView(DeleteView):
    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_editable:
            messages.error(request, "只能删除草稿。")
            return redirect("approval_documents:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class DocumentInspectView(InspectView):
    """Status, number, PDF, progress (refreshing while issuing) and the next action."""

    template_name = "approvals/admin/document_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        doc = self.object
        context.update(
            document=doc,
            persons=doc.persons.select_related("certificate").order_by("sort_order", "pk"),
            issue_url=reverse("approval_documents:issue", args=[doc.pk]),
            refreshing=doc.status == DocumentStatus.ISSUING and not doc.issue_error,
        )
        return context


class IssueView(WagtailAdminTemplateMixin, TemplateView):
    """签发: a confirmation page; POST allocates the numbers and queues the work."""

    template_name = "approvals/admin/issue_confirm.html"
    page_title = "签发审批文件"
    header_icon = "success"

    def dispatch(self, request, pk):
        _require(request, "approvals.change_approvaldocument")
        self.document = get_object_or_404(ApprovalDocument, pk=pk)
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
            inspect_url=reverse("approval_documents:inspect", args=[self.document.pk]),
        )
        return context

    def post(self, request, pk):
        from approvals.issuing.tasks import issue_approval_task

        try:
            issuing.check_issuable(self.document)
            doc = issuing.prepare(self.document, request.user)
        except issuing.IssuingError as error:
            messages.error(request, str(error))
            return redirect("approval_documents:issue", pk)
        # The work runs in the queue worker (immediately in tests); the request returns at once.
        issue_approval_task.enqueue(doc.pk, request.user.pk)
        doc.refresh_from_db()
        if doc.status == DocumentStatus.ISSUED:
            messages.success(request, f"已签发：{doc.number}，共 {doc.progress_total} 份证书。")
        else:
            messages.info(request, f"已分配文号 {doc.number}，证书正在后台生成。")
        return redirect("approval_documents:inspect", pk)


class FromPublicityView(WagtailAdminTemplateMixin, TemplateView):
    """从公示创建: choose an ended publicity; its approved entries become the list."""

    template_name = "approvals/admin/from_publicity.html"
    page_title = "从公示创建审批文件"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "approvals.add_approvaldocument")
        self.pages = creation.ended_publicity_pages()
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
            try:
                document = creation.create_from_publicity(page)
            except creation.CreationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"已从公示起草审批文件，共 {document.persons.count()} 人，请核对后签发。",
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
        context.setdefault("form", FromRosterForm())
        context.setdefault("result", None)
        context.setdefault("token", "")
        return context

    def post(self, request):
        if request.POST.get("token"):
            return self._create_pending(request, request.POST["token"])
        form = FromRosterForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        data = form.uploaded_bytes()
        try:
            result = creation.check_roster(
                data,
                upload.name,
                series=form.cleaned_data["series"],
                specialty=form.cleaned_data["specialty"],
            )
        except roster.RosterFileError as error:
            form.add_error("file", str(error))
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
        return self._create(request, header, rows, item["errors"], FromRosterForm())

    def _create(self, request, header, rows, skipped: int, form):
        try:
            document = creation.create_from_rows(header, rows)
        except creation.CreationError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        text = f"已从名单文件起草审批文件，共 {len(rows)} 人"
        if skipped:
            text += f"，跳过有误的 {skipped} 行"
        messages.success(request, text + "，请核对后签发。")
        return redirect("approval_documents:edit", document.pk)


class RevokeView(WagtailAdminTemplateMixin, TemplateView):
    """撤销证书 with a reason (audit-logged)."""

    template_name = "approvals/admin/revoke.html"
    page_title = "撤销证书"
    header_icon = "warning"

    def dispatch(self, request, pk):
        _require(request, "approvals.change_certificate")
        self.certificate = get_object_or_404(Certificate.objects.public(), pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.certificate)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RevokeForm())
        context["certificate"] = self.certificate
        return context

    def post(self, request, pk):
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                revoke_certificate(self.certificate, form.cleaned_data["reason"], request.user)
            except RevocationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已撤销证书 {self.certificate.number}。")
                return redirect("certificates:inspect", pk)
        return self.render_to_response(self.get_context_data(form=form))


class RevokeKeyView(WagtailAdminTemplateMixin, TemplateView):
    """吊销签章密钥 from a compromise date (audit-logged; needs approvals.revoke_signingkey)."""

    template_name = "approvals/admin/revoke_key.html"
    page_title = "吊销签章密钥"
    header_icon = "warning"

    def dispatch(self, request, pk):
        _require(request, "approvals.revoke_signingkey")
        self.key = get_object_or_404(SigningKey.objects.select_related("authority"), pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.key)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RevokeKeyForm())
        context["key"] = self.key
        context["documents"] = self.key.approval_documents.count()
        context["certificates"] = self.key.certificates.count()
        return context

    def post(self, request, pk):
        from approvals.crypto.keys import SigningKeyError
        from approvals.crypto.lifecycle import revoke_signing_key

        form = RevokeKeyForm(request.POST)
        if form.is_valid():
            try:
                revoke_signing_key(
                    self.key,
                    compromised_from=form.cleaned_data["compromised_from"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except SigningKeyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已吊销签章密钥 {self.key.key_id}。")
                return redirect("signing_keys:inspect", pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


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
