"""Background work of the approvals app, on the database-backed "queue" task backend."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

logger = logging.getLogger(__name__)


@task(backend="queue")
def issue_approval_task(document_id: int, user_id: int | None = None) -> str:
    """Issue (or resume) an approval document in the worker; progress is saved per batch."""
    from approvals.issuing.issue import issue_approval
    from approvals.models import ApprovalDocument

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    document = ApprovalDocument.objects.get(pk=document_id)
    return issue_approval(document, user).number or ""


def resume_stale(now=None) -> list[int]:
    """Claim every stale issuance and enqueue it again; the ids resumed."""
    from approvals.issuing.lease import claim, stale_documents

    resumed = []
    for doc in stale_documents(now).only("pk", "issued_by_id"):
        if not claim(doc.pk, now):
            continue
        logger.warning("审批文件 %s 的签发已中断（心跳超时），自动恢复", doc.pk)
        resumed.append(doc.pk)
        issue_approval_task.enqueue(doc.pk, doc.issued_by_id)
    return resumed
