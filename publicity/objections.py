"""Objections (异议): attachment checks, the per-client rate limit and the e-mail notice.

The client is who ``website.ratelimit.client_ip`` says (trusted proxies only).

The notice is mailed by the task worker ("queue" backend, django-tasks-db), after the objection
is stored and the receipt shown: an SMTP outage delays the mail, it never fails the submission.
A failed send is retried later (growing delays) and stays visible as a failed task result."""

from __future__ import annotations

import datetime
import datetime as dt
import logging
import smtplib
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_tasks import task, task_backends

from website import ratelimit

if TYPE_CHECKING:  # the models use this module when an objection is filed
    from .models import Objection

#: The same objection (entry, contact, text) sent again within this window is the same
#: objection: one receipt, one notice to the authority (a double tap, a reload, a retry).
DUPLICATE_WINDOW = datetime.timedelta(hours=24)

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


def _rate() -> tuple[int, int]:
    """(submissions, seconds) per client: ``PUBLICITY_OBJECTION_RATE``."""
    return getattr(settings, "PUBLICITY_OBJECTION_RATE", (5, 3600))


def rate_limited(request: HttpRequest) -> bool:
    """True when this client already submitted the allowed number of objections."""
    return ratelimit.limit_reached(request, "publicity:objection", _rate())


def record_submission(request: HttpRequest) -> None:
    """Count one filed objection against the client (only filed ones count)."""
    ratelimit.record(request, "publicity:objection", _rate())


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
            f"异议人姓名：{objection.real_name or '（未填写）'}",
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


def _objection_model() -> type[Objection]:
    """The Objection model, looked up when called: the models module imports this one."""

    return apps.get_model("publicity", "Objection")


def _objections():
    return _objection_model().objects


def _normalised(text: str) -> str:
    return " ".join((text or "").split())


def find_duplicate(entry, contact: str, facts: str, now=None) -> Objection | None:
    """An objection already filed about ``entry`` with this contact and this text (spacing
    aside) within DUPLICATE_WINDOW, or None."""
    from django.utils import timezone

    now = now or timezone.now()
    recent = (
        _objections()
        .filter(entry=entry, contact=contact.strip(), created__gte=now - DUPLICATE_WINDOW)
        .order_by("created")
    )
    wanted = _normalised(facts)
    return next((o for o in recent if _normalised(o.facts) == wanted), None)


def _lookup_rate() -> tuple[int, int]:
    return getattr(settings, "PUBLICITY_STATUS_LOOKUP_RATE", (10, 3600))


def lookup_limited(request: HttpRequest) -> bool:
    """True once this client has made the allowed number of status look-ups; counts this one."""
    return ratelimit.over_limit(request, "publicity:objection-status", _lookup_rate())


def find_by_receipt(receipt: str, contact: str) -> Objection | None:
    """The objection with this receipt number whose contact matches (spacing and case aside);
    None for a wrong number or a wrong contact alike, so neither can be probed alone."""
    receipt = (receipt or "").strip().upper()
    if not receipt:
        return None
    objection = (
        _objections().filter(confirmation_number=receipt).select_related("entry__publicity").first()
    )
    if objection is None:
        return None
    given = "".join((contact or "").split()).lower()
    stored = "".join(objection.contact.split()).lower()
    return objection if given and given == stored else None


# Seconds before attempt 2, 3, …: about a day of retries in all.
MAIL_RETRY_DELAYS = [60, 300, 1800, 7200, 21600, 57600]


@task(backend="queue")
def notify_objection_task(objection_id: int, attempt: int = 1) -> int:
    """Mail the authority about one objection; on an SMTP failure, enqueue the next attempt."""
    objection = _objections().select_related("entry__publicity").filter(pk=objection_id).first()
    if objection is None:  # deleted meanwhile: nothing to tell
        return 0
    try:
        return notify_authority(objection)
    except (smtplib.SMTPException, OSError) as error:
        schedule_retry(objection_id, attempt, error)
        raise


def schedule_retry(objection_id: int, attempt: int, error: Exception) -> bool:
    """Enqueue attempt + 1 after its delay; False when attempts are exhausted or the backend
    cannot defer (then the failure is only logged)."""
    number = objection_id
    if attempt > len(MAIL_RETRY_DELAYS):
        logger.error("异议 %s 的通知邮件在 %s 次尝试后仍未发出，已放弃：%s", number, attempt, error)
        return False
    if not task_backends[notify_objection_task.backend].supports_defer:
        logger.error("异议 %s 的通知邮件发送失败（队列不支持延后重试）：%s", number, error)
        return False
    run_after = timezone.now() + dt.timedelta(seconds=MAIL_RETRY_DELAYS[attempt - 1])
    notify_objection_task.using(run_after=run_after).enqueue(objection_id, attempt + 1)
    logger.warning("异议 %s 的通知邮件发送失败，将于 %s 重试：%s", number, run_after, error)
    return True


def enqueue_objection_notice(objection_id: int) -> None:
    """Called after the commit that stored the objection; a queue failure is logged, never
    raised into the visitor's request."""
    try:
        notify_objection_task.enqueue(objection_id)
    except Exception:
        logger.exception("异议 %s 的通知邮件未能加入队列", objection_id)
