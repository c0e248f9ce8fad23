"""The approvals side of the admin dashboard: documents by state with live issuing progress,
revocation requests (when the process app provides them) and this year's certificates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from approvals.models import ApprovalDocument, Certificate, DocumentStatus
from approvals.models.certificates import CertificateStatus
from website.dashboard import dashboard_panel

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")
LISTED = 10


@dataclass
class StatusRow:
    value: str
    label: str
    count: int
    url: str


def document_counts() -> list[StatusRow]:
    """One row per document state, in the order the states are declared (zeros included):
    states added to DocumentStatus later appear without touching this code."""
    counts = dict(ApprovalDocument.objects.order_by().values_list("status").annotate(n=Count("pk")))
    index_url = reverse("approval_documents:index")
    return [
        StatusRow(value, label, counts.get(value, 0), f"{index_url}?status={value}")
        for value, label in DocumentStatus.choices
    ]


def issuing_documents():
    """Documents being issued (or stopped with an error), oldest first."""
    return list(
        ApprovalDocument.objects.filter(status=DocumentStatus.ISSUING)
        .only("title", "number", "status", "progress_done", "progress_total", "issue_error")
        .order_by("updated_at")[:LISTED]
    )


def progress_data(document: ApprovalDocument) -> dict:
    """What the progress endpoint answers (and the panel shows before the first poll)."""
    total = document.progress_total
    return {
        "id": document.pk,
        "status": document.status,
        "status_label": document.get_status_display(),
        "done": document.progress_done,
        "total": total,
        "percent": round(100 * document.progress_done / total) if total else 0,
        "failed": bool(document.issue_error),
        "error": document.issue_error,
    }


def year_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """1 January 00:00 of the current year, Beijing time."""
    local = (now or timezone.now()).astimezone(SHANGHAI)
    return datetime.datetime(local.year, 1, 1, tzinfo=SHANGHAI)


def certificates_this_year(now: datetime.datetime | None = None) -> dict:
    """Certificates issued since 1 January (Beijing time), valid and revoked."""
    start = year_start(now)
    figures = (
        Certificate.objects.public()
        .filter(created_at__gte=start)
        .aggregate(
            total=Count("pk"),
            revoked=Count("pk", filter=Q(status=CertificateStatus.REVOKED)),
        )
    )
    figures["year"] = start.year
    figures["valid"] = figures["total"] - figures["revoked"]
    return figures


def revocation_request_model():
    """The process app's revocation request model, when it exists (it is built elsewhere)."""
    if not apps.is_installed("approvals"):
        return None
    try:
        return apps.get_model("approvals", "RevocationRequest")
    except LookupError:
        return None


def revocation_request_counts() -> list[tuple[str, int]] | None:
    """(status label, count) per state of revocation requests, or None without the model."""
    model = revocation_request_model()
    if model is None:
        return None
    try:
        status_field = model._meta.get_field("status")
    except Exception:  # a model without states: only a total
        return [("全部", model.objects.count())]
    counts = dict(model.objects.order_by().values_list("status").annotate(n=Count("pk")))
    choices = status_field.choices or [(value, value) for value in counts]
    return [(str(label), counts.get(value, 0)) for value, label in choices]


class DocumentsPanel(Component):
    name = "approval_documents_dashboard"
    order = 56
    template_name = "approvals/admin/dashboard/documents_panel.html"

    def __init__(self, can_add: bool = False):
        self.can_add = can_add

    def get_context_data(self, parent_context=None):
        issuing = issuing_documents()
        return {
            "statuses": document_counts(),
            "issuing": [
                {
                    "document": doc,
                    "progress": progress_data(doc),
                    "progress_url": reverse("approval_documents:progress", args=[doc.pk]),
                    "inspect_url": reverse("approval_documents:inspect", args=[doc.pk]),
                }
                for doc in issuing
            ],
            # Only for those who may draft documents (the view refuses the others).
            "add_url": reverse("approval_documents:from_publicity") if self.can_add else "",
        }


class RevocationPanel(Component):
    name = "revocation_dashboard"
    order = 58
    template_name = "approvals/admin/dashboard/revocations_panel.html"

    def __init__(self, counts):
        self.counts = counts

    def get_context_data(self, parent_context=None):
        model = revocation_request_model()
        url = ""
        try:
            url = reverse(f"{model._meta.model_name}s:index")
        except Exception:  # the process app may name its views otherwise
            url = ""
        return {"counts": self.counts, "url": url}


@dashboard_panel("certificates_dashboard", 60, "approvals/admin/dashboard/certificates_panel.html")
def certificates_panel() -> dict:
    return {
        "figures": certificates_this_year(),
        "index_url": reverse("certificates:index"),
        "register_url": reverse("certificates:index") + "?export=xlsx",
    }


def panels_for(user) -> list[Component]:
    panels: list[Component] = []
    if user.has_perm("approvals.view_approvaldocument") or user.has_perm(
        "approvals.change_approvaldocument"
    ):
        panels.append(DocumentsPanel(can_add=user.has_perm("approvals.add_approvaldocument")))
    counts = revocation_request_counts() if user.has_perm("approvals.change_certificate") else None
    if counts is not None:
        panels.append(RevocationPanel(counts))
    if user.has_perm("approvals.view_certificate") or user.has_perm("approvals.change_certificate"):
        panels.append(certificates_panel)
    return panels
