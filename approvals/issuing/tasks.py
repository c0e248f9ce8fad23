"""Background work of the approvals app, on the database-backed "queue" task backend."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task


@task(backend="queue")
def issue_approval_task(document_id: int, user_id: int | None = None) -> str:
    """Issue (or resume) an approval document in the worker; progress is saved per batch."""
    from approvals.issuing.issue import issue_approval
    from approvals.models import ApprovalDocument

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    document = ApprovalDocument.objects.get(pk=document_id)
    return issue_approval(document, user).number or ""
