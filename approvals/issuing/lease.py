"""The issuing lease: who is issuing a document, and recovery when that worker died.

`prepare` takes the lease (owner = host:pid:random, heartbeat = now) and every stored batch of
certificates renews the heartbeat. A document still *issuing* whose heartbeat is older than
``APPROVALS_ISSUING_STALE_MINUTES`` (default 10; a batch takes seconds) lost its worker:
`approvals.issuing.tasks.resume_stale` claims it in a row-locked transaction — so two schedulers never both resume it —
marks it resumed (the admin shows 「中断，已自动恢复」) and enqueues the issuance again. Issuing
is resumable by design (numbers allocated once, certificates created only for persons without
one), so the resumed run finishes with nothing duplicated.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvals.models import ApprovalDocument, DocumentStatus

logger = logging.getLogger(__name__)

DEFAULT_STALE_MINUTES = 10


def lease_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"[:120]


def stale_after() -> timedelta:
    return timedelta(
        minutes=getattr(settings, "APPROVALS_ISSUING_STALE_MINUTES", DEFAULT_STALE_MINUTES)
    )


def stale_documents(now=None):
    """Documents still issuing whose lease holder stopped beating (or never beat: legacy)."""
    limit = (now or timezone.now()) - stale_after()
    return ApprovalDocument.objects.filter(status=DocumentStatus.ISSUING).filter(
        Q(issuing_heartbeat_at__lt=limit)
        | Q(issuing_heartbeat_at__isnull=True, updated_at__lt=limit)
    )


def claim(document_id: int, now=None) -> bool:
    """Take over a stale lease; False when someone beat or claimed it meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        doc = stale_documents(now).select_for_update().filter(pk=document_id).first()
        if doc is None:
            return False
        # A fresh heartbeat: the lease is ours until the resumed run beats on its own.
        ApprovalDocument.objects.filter(pk=doc.pk).update(
            issuing_lease_owner=f"resume:{lease_owner()}",
            issuing_heartbeat_at=now,
            issuing_resumed_at=now,
            issuing_resume_count=doc.issuing_resume_count + 1,
            issue_error="",
        )
    return True
