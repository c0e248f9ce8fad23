"""Two people for a seal: the approval document's state machine.

    draft ──submit (经办 of the authority)──▶ submitted ──approve (签发 of the authority, not a
      ▲                                          │        preparer)──▶ issuing ──▶ issued
      └──────────reject with a reason (签发)──────┘

Whoever created, edited or submitted the document is one of its *preparers* (from the document's
own audit log and ``submitted_by``); none of them may approve or reject it, whatever their
other roles. Approving locks the document row, so of two approvals at once exactly one moves it
on and the other is told it is no longer waiting. Every step is logged with the actor.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from approvals.issuing import duplicates
from approvals.issuing import issue as issuing
from approvals.models import ApprovalDocument, DocumentStatus
from website.roles import Role, has_role

#: Log actions that make their user a preparer of the document.
PREPARING_ACTIONS = (
    "wagtail.create",
    "wagtail.edit",
    "approvals.create_from_publicity",
    "approvals.create_from_roster",
    "approvals.submit",
)


class ProcessError(Exception):
    """A step that cannot be taken now (Chinese message)."""


class NotAllowed(ProcessError):
    """The user lacks the role for this authority, or is a preparer (the view answers 403)."""


def preparer_ids(document: ApprovalDocument) -> set[int]:
    from wagtail.models import ModelLogEntry

    ids = set(
        ModelLogEntry.objects.for_instance(document)
        .filter(action__in=PREPARING_ACTIONS, user_id__isnull=False)
        .values_list("user_id", flat=True)
    )
    if document.submitted_by_id:
        ids.add(document.submitted_by_id)
    return ids


def can_prepare(user, document: ApprovalDocument) -> bool:
    return has_role(user, Role.PREPARE, document.authority_id)


def can_submit(user, document: ApprovalDocument) -> bool:
    return document.status == DocumentStatus.DRAFT and can_prepare(user, document)


def can_decide(user, document: ApprovalDocument) -> bool:
    """May `user` approve or reject `document` now? (签发 role, and not one of its preparers.)"""
    return (
        document.status == DocumentStatus.SUBMITTED
        and has_role(user, Role.ISSUE, document.authority_id)
        and user.pk not in preparer_ids(document)
    )


def _check_decider(user, document: ApprovalDocument) -> None:
    if not has_role(user, Role.ISSUE, document.authority_id):
        raise NotAllowed(f"您没有{document.authority}的签发权限。")
    if user.pk in preparer_ids(document):
        raise NotAllowed("经办、修改或提交本文件的人不能签发或退回本文件，须由另一位签发人员审核。")


def _log(document, action: str, user, **data) -> None:
    from wagtail.log_actions import log

    log(instance=document, action=action, user=user, data=data or None)


def submit(document: ApprovalDocument, user) -> ApprovalDocument:
    """经办 submits a checked draft for approval by a second person."""
    if not can_prepare(user, document):
        raise NotAllowed(f"您没有{document.authority}的经办权限。")
    try:  # the clearest refusal first: someone already holds this title
        duplicates.check(document.persons.all(), exclude_document_id=document.pk)
    except duplicates.DuplicateError as error:
        raise ProcessError(str(error)) from error
    issuing.check_issuable(document)
    with transaction.atomic():
        doc = ApprovalDocument.objects.select_for_update().get(pk=document.pk)
        if doc.status != DocumentStatus.DRAFT:
            raise ProcessError(f"文件状态为“{doc.get_status_display()}”，不能提交。")
        try:
            duplicates.check(doc.persons.all(), exclude_document_id=doc.pk)
        except duplicates.DuplicateError as error:
            raise ProcessError(str(error)) from error
        doc.status = DocumentStatus.SUBMITTED
        doc.submitted_by = user
        doc.submitted_at = timezone.now()
        doc.rejection_reason = ""
        doc.save(update_fields=["status", "submitted_by", "submitted_at", "rejection_reason"])
        _log(doc, "approvals.submit", user)
    return doc


def reject(document: ApprovalDocument, user, reason: str) -> ApprovalDocument:
    """签发 sends a submitted document back to its preparer, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ProcessError("请填写退回原因。")
    with transaction.atomic():
        doc = ApprovalDocument.objects.select_for_update().get(pk=document.pk)
        _check_decider(user, doc)
        if doc.status != DocumentStatus.SUBMITTED:
            raise ProcessError(f"文件状态为“{doc.get_status_display()}”，不在待签发状态。")
        doc.status = DocumentStatus.DRAFT
        doc.rejection_reason = reason
        doc.save(update_fields=["status", "rejection_reason"])
        _log(doc, "approvals.reject", user, reason=reason)
    return doc


def approve(document: ApprovalDocument, user) -> ApprovalDocument:
    """签发 by a second person: numbers are allocated and the document becomes *issuing*.

    The certificates are then produced by ``approvals.issuing.issue.issue_approval`` (the
    queue's task). Raises NotAllowed or ProcessError; nothing changes then.
    """
    _check_decider(user, document)
    issuing.check_issuable(document)
    with transaction.atomic():
        # The row lock serialises concurrent approvals: the second waits, then sees *issuing*.
        doc = ApprovalDocument.objects.select_for_update().get(pk=document.pk)
        if doc.status != DocumentStatus.SUBMITTED:
            raise ProcessError(f"文件状态为“{doc.get_status_display()}”，不在待签发状态。")
        _check_decider(user, doc)
        try:
            duplicates.check(doc.persons.all(), exclude_document_id=doc.pk)
        except duplicates.DuplicateError as error:
            raise ProcessError(str(error)) from error
        doc = issuing.prepare(doc, user)
        _log(doc, "approvals.approve", user, number=doc.number)
    return doc


def can_override(user, document: ApprovalDocument) -> bool:
    """May `user` record that a person's second certificate is right? (签发, not a preparer,
    before issuing.)"""
    return (
        document.status in (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED)
        and has_role(user, Role.ISSUE, document.authority_id)
        and user.pk not in preparer_ids(document)
    )


def override_duplicate(document: ApprovalDocument, person_id: int, user, reason: str):
    """Record, with a reason, that this person may get a second valid certificate for the same
    qualification and level (e.g. a re-issue the bureau decided on). Logged on the document."""
    from approvals.models import ApprovedPerson

    reason = (reason or "").strip()
    if not reason:
        raise ProcessError("请填写允许重复发证的理由。")
    if not has_role(user, Role.ISSUE, document.authority_id) or user.pk in preparer_ids(document):
        raise NotAllowed("只有未经办本文件的签发人员可以确认重复发证。")
    with transaction.atomic():
        doc = ApprovalDocument.objects.select_for_update().get(pk=document.pk)
        if doc.status not in (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED):
            raise ProcessError(f"文件状态为“{doc.get_status_display()}”，不能再确认。")
        person = ApprovedPerson.objects.get(pk=person_id, document=doc)
        conflict = next(
            (c for c in duplicates.conflicts([person], exclude_document_id=doc.pk)), None
        )
        if conflict is None or not conflict.overridable:
            raise ProcessError(f"{person.name}没有可确认的重复证书。")
        person.duplicate_override_reason = reason
        person.duplicate_override_by = user
        person.duplicate_override_at = timezone.now()
        person.save(
            update_fields=[
                "duplicate_override_reason", "duplicate_override_by", "duplicate_override_at",
            ]
        )  # fmt: skip
        _log(doc, "approvals.duplicate_override", user, person=person.name,
             existing=conflict.detail, reason=reason)  # fmt: skip
    return person
