"""Background work of the publicity app, on the "queue" task backend (django-tasks-db).

The objection notice is mailed by the worker, after the objection is stored and the receipt
shown: an SMTP outage delays the mail, it never fails the submission. A failed send is retried
later (growing delays) and the failed attempt stays visible as a failed task result.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.utils import timezone
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

# Seconds before attempt 2, 3, …: about a day of retries in all.
MAIL_RETRY_DELAYS = [60, 300, 1800, 7200, 21600, 57600]


@task(backend="queue")
def notify_objection_task(objection_id: int, attempt: int = 1) -> int:
    """Mail the authority about one objection; on an SMTP failure, enqueue the next attempt."""
    from .models import Objection
    from .objections import notify_authority

    objection = Objection.objects.select_related("entry__publicity").filter(pk=objection_id).first()
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
