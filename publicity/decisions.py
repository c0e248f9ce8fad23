"""Objection decisions (异议处理决定): an objection's status changes only by a recorded decision
with a reason, by someone who handles objections for the publicity's authority."""

from __future__ import annotations

from .models import Objection, ObjectionDecision, ObjectionStatus, update_exclusion


class DecisionError(ValueError):
    """A decision that cannot be recorded (Chinese message)."""


class DecisionNotAllowed(DecisionError):
    """The user may not handle objections for this publicity's authority (403)."""


def can_decide(user, objection: Objection) -> bool:
    from website.roles import Role, has_role

    return has_role(user, Role.OBJECTIONS, objection.entry.publicity.authority_id)


def decide(objection: Objection, to_status: str, reason: str, user) -> ObjectionDecision:
    """Move an objection to `to_status` with a reason, recorded and logged (from → to, who).

    An upheld (成立) objection excludes its entry; only such a recorded decision by someone
    allowed to handle objections for the authority can reverse it.
    """
    from django.db import transaction
    from wagtail.log_actions import log

    reason = (reason or "").strip()
    if to_status not in ObjectionStatus.values:
        raise DecisionError("请选择处理结果。")
    if not reason:
        raise DecisionError("请填写处理理由（将记入处理记录）。")
    if not can_decide(user, objection):
        raise DecisionNotAllowed("您没有该发文机关的异议处理权限。")
    with transaction.atomic():
        locked = Objection.objects.select_for_update().select_related("entry").get(pk=objection.pk)
        if locked.status == to_status:
            raise DecisionError(f"异议已是“{to_status}”状态。")
        decision = ObjectionDecision.objects.create(
            objection=locked,
            from_status=locked.status,
            to_status=to_status,
            reason=reason,
            decided_by=user,
        )
        locked.status = to_status
        locked.notes = reason
        locked.save(update_fields=["status", "notes"])
        update_exclusion(locked.entry)
        log(
            instance=locked,
            action="publicity.objection_decision",
            user=user,
            data={"from": decision.from_status, "to": to_status, "reason": reason},
        )
    return decision
