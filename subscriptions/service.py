"""Subscribing, confirming, unsubscribing and announcing, as plain functions.

Apps announce what they publish with ``announce(Announcement(...))`` (from their own signal
handlers); the mails go out from the "queue" task backend, never inside the request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Delivery, Subscription


@dataclass(frozen=True)
class Announcement:
    """Something new on the site, as subscribers filter it."""

    kind: str  # notice, publicity, document
    key: str  # notice:12 — mailed once per subscription
    title: str
    url: str  # absolute
    authority_id: int | None = None
    series_ids: list[int] = field(default_factory=list)
    #: Covers every series (a 各系列 notice): matches every series filter.
    all_series: bool = False
    summary: str = ""

    @classmethod
    def of(cls, kind: str, item, **fields) -> Announcement:
        """The announcement of ``item`` (anything with an authority): keyed ``<kind>:<pk>``, so
        each item is mailed at most once per subscription."""
        return cls(kind=kind, key=f"{kind}:{item.pk}", authority_id=item.authority_id, **fields)


def series_ids_named(names) -> list[int]:
    """The ids of the series called ``names`` (people carry their series by name)."""
    from website.models import Series

    return list(Series.objects.filter(name__in=set(names)).values_list("pk", flat=True))


def base_url() -> str:
    from website.meta import site_base_url

    return site_base_url(None)


def subscribe(email: str, kinds: list[str], authority=None, series=None) -> Subscription:
    """A pending subscription and its confirmation mail (queued)."""
    subscription = Subscription.objects.create(
        email=email.strip().lower(), kinds=",".join(kinds), authority=authority, series=series
    )
    from .tasks import send_confirmation

    transaction.on_commit(lambda: send_confirmation.enqueue(subscription.pk))
    return subscription


def confirm(token: str) -> Subscription | None:
    subscription = Subscription.objects.filter(token=token, unsubscribed_at=None).first()
    if subscription is not None and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def unsubscribe(token: str) -> Subscription | None:
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is not None and subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


def recipients(announcement: Announcement):
    """Confirmed, not unsubscribed subscriptions whose filters the announcement matches."""
    subscriptions = Subscription.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).filter(kinds__contains=announcement.kind)
    subscriptions = subscriptions.filter(
        Q(authority__isnull=True) | Q(authority_id=announcement.authority_id)
    )
    if not announcement.all_series:
        subscriptions = subscriptions.filter(
            Q(series__isnull=True) | Q(series_id__in=announcement.series_ids)
        )
    return subscriptions


def announce(announcement: Announcement) -> None:
    """Queue the mails of an announcement (after the transaction that published it)."""
    from .tasks import send_announcement

    data = asdict(announcement)
    transaction.on_commit(lambda: send_announcement.enqueue(data))


def announce_page(kind: str, page, **fields) -> None:
    """Announce a published page under its title and at its full URL."""
    announce(Announcement.of(kind, page, title=page.title, url=page.full_url or "", **fields))


def unsubscribe_url(subscription: Subscription) -> str:
    return f"{base_url()}/subscribe/unsubscribe/{subscription.token}/"


def _message(subscription: Subscription, subject: str, body: str) -> EmailMessage:
    url = unsubscribe_url(subscription)
    return EmailMessage(
        subject,
        body + f"\n\n退订：{url}\n",
        settings.DEFAULT_FROM_EMAIL,
        [subscription.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_confirmation_mail(subscription: Subscription) -> int:
    confirm_url = f"{base_url()}/subscribe/confirm/{subscription.token}/"
    body = (
        "您在职称公示与证书平台申请了邮件订阅。\n"
        f"请打开以下链接确认订阅（未确认前不会发送任何通知）：\n{confirm_url}\n\n"
        "如果不是您本人操作，请忽略本邮件。"
    )
    return _message(subscription, "请确认邮件订阅 - 职称公示与证书平台", body).send()


def send_announcement_mails(announcement: Announcement) -> int:
    """Mail every matching subscription once; returns how many were sent."""
    labels = {"notice": "新的评审通知", "publicity": "新的评审结果公示", "document": "新的审批文件"}
    sent = 0
    messages = []
    for subscription in recipients(announcement):
        try:
            with transaction.atomic():
                Delivery.objects.create(subscription=subscription, key=announcement.key)
        except IntegrityError:
            continue  # already mailed
        body = f"{announcement.title}\n{announcement.url}"
        if announcement.summary:
            body += f"\n\n{announcement.summary}"
        subject = f"{labels[announcement.kind]}：{announcement.title}"
        messages.append(_message(subscription, subject[:150], body))
    if messages:
        with get_connection() as connection:
            sent = connection.send_messages(messages) or 0
    return sent
