"""Objections (异议): attachment checks, the per-client rate limit and the e-mail notice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse

from .models import Objection, ObjectionDecision, ObjectionStatus, update_exclusion

logger = logging.getLogger(__name__)

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# (signature, label): an attachment must be one of these by content, whatever its name says.
_SIGNATURES = [
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
]


class AttachmentRejected(ValueError):
    """An attachment that is not a PDF or image, or too large (Chinese message)."""


def check_attachment(uploaded) -> str:
    """The detected kind (PDF/PNG/JPEG) of an upload, or AttachmentRejected."""
    max_bytes = getattr(settings, "PUBLICITY_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES)
    if uploaded.size > max_bytes:
        raise AttachmentRejected(f"附件不能超过 {max_bytes // (1024 * 1024)} MB。")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    raise AttachmentRejected("附件只能是 PDF 文件或 JPG、PNG 图片（按文件内容检查）。")


def client_key(request: HttpRequest) -> str:
    """Who is asking: the client address the server saw (a proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "unknown")


def _rate() -> tuple[int, int]:
    return getattr(settings, "PUBLICITY_OBJECTION_RATE", (5, 3600))


def rate_limited(key: str) -> bool:
    """True when this client already submitted the allowed number of objections."""
    limit, _window = _rate()
    return cache.get(f"publicity:objection:{key}", 0) >= limit


def record_submission(key: str) -> None:
    """Count one submission against the client's window (the window starts at the first)."""
    _limit, window = _rate()
    cache_key = f"publicity:objection:{key}"
    if not cache.add(cache_key, 1, timeout=window):
        try:
            cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window)


def authority_emails(objection: Objection) -> list[str]:
    """The e-mail addresses in the authority's contacts."""
    authority = objection.entry.publicity.authority
    emails = []
    for block in authority.contacts:
        email = block.value.get("email")
        if email and email not in emails:
            emails.append(email)
    return emails


def notify_authority(objection: Objection) -> int:
    """Tell the authority's contacts about a new objection; returns how many mails were sent."""
    recipients = authority_emails(objection)
    page = objection.entry.publicity
    if not recipients:
        logger.warning("异议 %s：发文机关未填写联系邮箱，未发送通知", objection.confirmation_number)
        return 0
    admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "publicity_admin:decide_objection", args=[objection.pk]
    )
    body = "\n".join(
        [
            f"公示：{page.title}",
            f"回执编号：{objection.confirmation_number}",
            f"异议对象：{objection.entry.name}（{objection.entry.unit}）",
            f"异议人联系方式：{objection.contact}",
            "异议事实与理由：",
            objection.facts,
            f"证明材料：{'有' if objection.attachment else '无'}",
            "",
            f"请登录管理后台处理：{admin_url}",
        ]
    )
    return send_mail(
        f"【新异议】{page.title}（{objection.confirmation_number}）",
        body,
        None,
        recipients,
        fail_silently=False,
    )


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
