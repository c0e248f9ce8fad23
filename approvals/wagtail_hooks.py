"""Admin of approval documents and certificates (Wagtail ModelViewSets), and audit actions."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from approvals.admin import views as admin_views
from approvals.admin.forms import DocumentForm
from approvals.admin.panels import DOCUMENT_PANELS
from approvals.dashboard import panels_for
from approvals.issuing import revocation
from approvals.models import (
    PUBLIC_DOCUMENT_STATUSES,
    ApprovalDocument,
    ApprovalIndexPage,
    Certificate,
    DocumentStatus,
)
from approvals.views import documents_api as api
from search.kinds import DocumentSource, SearchKind
from website.log_actions import register_log_actions
from website.roles import guarded_path

LOG_ACTIONS = (
    ("approvals.issue", "签发完成", "已签发审批文件，证书全部生成"),
    ("approvals.create_from_publicity", "从公示起草", "已从公示起草审批文件"),
    ("approvals.create_from_roster", "从名单文件起草", "已从名单文件起草审批文件"),
    ("approvals.submit", "提交签发", "经办人员已提交签发"),
    ("approvals.approve", "审核签发", lambda d: f"已审核签发，文号 {d.get('number', '')}"),
    ("approvals.reject", "退回", lambda d: f"已退回经办人员，原因：{d.get('reason', '')}"),
    ("approvals.rotate_key", "轮换签章密钥", "已生成新签章密钥，旧密钥停用"),
    ("approvals.refresh_crl", "更新吊销列表", "已重新签发证书吊销列表"),
    ("approvals.revoke", "撤销证书", lambda d: f"已撤销证书，原因：{d.get('reason', '')}"),
    (
        "approvals.revoke_key",
        "吊销签章密钥",
        lambda d: (
            f"已吊销签章密钥（泄露起始时间 {d.get('compromised_from', '')}），"
            f"原因：{d.get('reason', '')}"
        ),
    ),
    (
        "approvals.revoke_request",
        "申请撤销",
        lambda d: f"已申请撤销证书，理由：{d.get('reason', '')}",
    ),
    (
        "approvals.reinstate_request",
        "申请恢复",
        lambda d: f"已申请恢复证书，理由：{d.get('reason', '')}",
    ),
    (
        "approvals.reinstate",
        "恢复证书",
        lambda d: (
            f"已恢复证书（原撤销原因：{d.get('revoked_reason', '')}），理由：{d.get('reason', '')}"
        ),
    ),
    (
        "approvals.duplicate_override",
        "确认重复发证",
        lambda d: (
            f"确认{d.get('person')}可重复发证（{d.get('existing')}），理由：{d.get('reason')}"
        ),
    ),
    (
        "approvals.key_create",
        "启用签章密钥",
        lambda d: (
            f"为{d.get('authority')}启用新签章密钥 {d.get('key_id')}（此前的密钥已停用）；"
            f"服务器账户：{d.get('operator') or '未知'}"
        ),
    ),
    (
        "approvals.key_change",
        "签章密钥变更",
        lambda d: (
            f"签章密钥 {d.get('key_id')}（{d.get('authority')}）："
            f"{'启用' if d.get('is_active') else '停用'}"
        ),
    ),
    (
        "approvals.request_reject",
        "驳回申请",
        lambda d: f"已驳回撤销/恢复申请：{d.get('note', '')}",
    ),
)


@hooks.register("register_log_actions")
def register_approval_log_actions(actions):
    register_log_actions(actions, LOG_ACTIONS)


class ProgressColumn(Column):
    def get_value(self, instance):
        if not instance.progress_total:
            return "—"
        return f"{instance.progress_done}/{instance.progress_total}"


class ApprovalDocumentViewSet(ModelViewSet):
    model = ApprovalDocument
    icon = "doc-full"
    menu_label = "审批文件"
    name = "approval_documents"
    url_prefix = "approvals/documents"
    list_display = [
        "title",
        "number",
        "authority",
        "date",
        "status",
        ProgressColumn("progress", label="证书进度"),
    ]
    list_filter = ["status", "authority", "year"]
    search_fields = ["title", "number", "persons__name"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(DOCUMENT_PANELS, base_form_class=DocumentForm)
    list_export = [
        "number", "title", "authority", "date", "status", "submitted_by", "submitted_at",
        "issued_by", "issued_at", "progress_total",
    ]  # fmt: skip
    export_headings = {
        "number": "文号", "title": "标题", "authority": "发文机关", "date": "成文日期",
        "status": "状态", "submitted_by": "提交人", "submitted_at": "提交时间（北京时间）",
        "issued_by": "签发人", "issued_at": "签发时间（北京时间）", "progress_total": "证书数",
    }  # fmt: skip
    export_filename = "审批文件"
    edit_view_class = admin_views.DocumentEditView
    delete_view_class = admin_views.DocumentDeleteView
    index_view_class = admin_views.DocumentIndexView
    inspect_view_class = admin_views.DocumentInspectView

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            guarded_path("issue/<int:pk>/", admin_views.IssueView, "issue"),
            guarded_path("submit/<int:pk>/", admin_views.SubmitView, "submit"),
            guarded_path("reject/<int:pk>/", admin_views.RejectView, "reject"),
            guarded_path(
                "override/<int:pk>/<int:person_pk>/",
                admin_views.OverrideDuplicateView,
                "override_duplicate",
            ),
            guarded_path("from-publicity/", admin_views.FromPublicityView, "from_publicity"),
            guarded_path("from-roster/", admin_views.FromRosterView, "from_roster"),
            path("progress/<int:pk>/", admin_views.progress, name="progress"),
        ]


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are made only by issuing: no add or edit form, no deletion."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        if action == "view":
            return super().user_has_permission(user, "view") or super().user_has_permission(
                user, "change"
            )
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class CertificateHistoryView(HistoryView):
    """A certificate's history (issue, revocation requests, revocation, reinstatement) for whoever
    may see the certificate: there is no add/change/delete to ask for."""

    any_permission_required = ["view"]


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate), exact_class=True)


class RevokeColumn(Column):
    def get_value(self, instance):
        if instance.is_revoked:
            return format_html("已撤销（{}）", instance.revoked_reason)
        return "有效"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        if request is not None and revocation.can_request(request.user, instance):
            label = "申请恢复" if instance.is_revoked else "申请撤销"
            url = reverse("certificates:revoke", args=[instance.pk])
            context["value"] = format_html('{} <a href="{}">{}</a>', context["value"], url, label)
        return context


class PdfColumn(Column):
    """查看 / 下载 the signed PDF (permission-checked view streaming the private file)."""

    def get_value(self, instance):
        url = reverse("certificates:pdf", args=[instance.pk])
        return format_html(
            '<a href="{}" target="_blank">查看</a> · <a href="{}?download=1">下载</a>', url, url
        )


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "tick-inverse"
    menu_label = "电子证书"
    name = "certificates"
    url_prefix = "approvals/certificates"
    list_display = [
        "number",
        "name",
        "qualification",
        "document",
        "status",
        PdfColumn("pdf", label="证书 PDF"),
        RevokeColumn("revoke", label="操作"),
    ]
    list_filter = ["status", "level", "document__authority"]
    search_fields = ["number", "name"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    history_view_class = CertificateHistoryView
    inspect_view_class = admin_views.CertificateInspectView
    form_fields = ["revoked_reason"]
    inspect_view_fields = [
        "number", "name", "gender", "id_masked", "unit", "series", "specialty",
        "qualification", "level", "date", "document", "pdf_sha256", "status",
        "revoked_at", "revoked_reason", "revoked_by", "created_at",
    ]  # fmt: skip

    # The issuance register (证书签发登记表): the XLSX/CSV export of this list, filtered as shown.
    index_view_class = admin_views.CertificateIndexView
    list_export = [
        "document.number",
        "document.date",
        "number",
        "name",
        "get_gender_display",
        "unit",
        "series",
        "specialty",
        "get_level_display",
        "qualification",
        "date",
        "get_status_display",
        "created_at",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
    ]
    export_filename = "certificate-register"

    def get_queryset(self, request):
        return Certificate.objects.public().select_related("document")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            guarded_path("revoke/<int:pk>/", admin_views.RevokeView, "revoke"),
            guarded_path("requests/<int:pk>/", admin_views.DecideRequestView, "decide"),
            path("statistics/", admin_views.StatisticsView.as_view(), name="statistics"),
            path("pdf/<int:pk>/", admin_views.certificate_pdf, name="pdf"),
        ]


class ApprovalsGroup(ModelViewSetGroup):
    menu_label = "审批与证书"
    menu_icon = "doc-full-inverse"
    menu_order = 260
    items = (ApprovalDocumentViewSet, CertificateViewSet)


@hooks.register("register_admin_viewset")
def register_approvals_viewsets():
    return ApprovalsGroup()


@hooks.register("register_admin_viewset")
def register_signing_key_viewset():
    from approvals.admin.keys import signing_key_viewset

    return signing_key_viewset


def _search_snippet_text(document: ApprovalDocument) -> str:
    """The text of a document's search result snippet: body, then who was approved."""
    persons = document.search_persons()
    return " ".join(
        part
        for part in (
            document.summary,
            f"主送：{document.addressees}" if document.addressees else "",
            document.body,
            "人员：" + "；".join(persons.splitlines()) if persons else "",
        )
        if part
    )


@hooks.register("register_site_search_kind")
def site_search_kind():
    """The 类型 审批文件 of the site search: the listing page, and the public documents
    themselves (issued and, marked as such, superseded ones: they stay listed on /approvals/,
    and whoever holds the old number must learn it was replaced). The year is the number's."""
    return SearchKind(
        "approval",
        "审批文件",
        models=(ApprovalIndexPage,),
        documents=DocumentSource(
            queryset=lambda: ApprovalDocument.objects.filter(
                status__in=PUBLIC_DOCUMENT_STATUSES
            ).select_related("authority"),
            text=_search_snippet_text,
            year_field="year",
            authority_field="authority",
            superseded=lambda document: document.status == DocumentStatus.SUPERSEDED,
        ),
    )


@hooks.register("register_admin_urls")
def register_seal_preview_urls():
    from approvals.admin import seal_preview

    return [
        path(
            "seal/<int:pk>/", seal_preview.SealPreviewView.as_view(), name="approvals_seal_preview"
        ),
        path("seal/image.png", seal_preview.seal_image, name="approvals_seal_image"),
    ]


@hooks.register("register_snippet_listing_buttons")
def seal_preview_button(snippet, user, next_url=None):
    """印章预览 beside each authority in the snippet listing."""
    from wagtail.admin.widgets import ListingButton

    from website.models import Authority

    if isinstance(snippet, Authority):
        yield ListingButton(
            "印章预览", reverse("approvals_seal_preview", args=[snippet.pk]), priority=30
        )


def _document_items(documents) -> list:
    from notices.rounds import RoundItem
    from website.formatting import cn_date

    items = []
    for document in documents:
        url = document.get_absolute_url()
        if url is None:
            continue
        items.append(
            RoundItem(
                kind="审批文件",
                title=f"{document.number} {document.title}",
                url=url,
                date_text=f"成文日期 {cn_date(document.date)}",
                status="已被替代" if document.status == DocumentStatus.SUPERSEDED else "",
                final=True,
            )
        )
    return items


@hooks.register("register_publicity_outcome")
def publicity_outcome(publicity):
    """A publicity shows the approval documents issued from it."""
    documents = (
        ApprovalDocument.objects.filter(
            source_publicity=publicity, status__in=PUBLIC_DOCUMENT_STATUSES
        )
        .select_related("authority")
        .order_by("date", "pk")
    )
    return _document_items(documents)


# /api/v1/documents/ in the OpenAPI schema.
hooks.register("register_api_schema", api.api_schema)


@hooks.register("construct_homepage_panels")
def dashboard_panels(request, panels):
    """Documents by state with live issuing progress, revocation requests, certificates."""
    panels.extend(panels_for(request.user))
