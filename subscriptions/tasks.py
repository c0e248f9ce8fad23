"""The subscription mails, sent by the worker of the "queue" task backend."""

from __future__ import annotations

from django_tasks import task


@task(backend="queue")
def send_confirmation(subscription_id: int) -> int:
    from .models import Subscription
    from .service import send_confirmation_mail

    subscription = Subscription.objects.filter(pk=subscription_id).first()
    return send_confirmation_mail(subscription) if subscription else 0


@task(backend="queue")
def send_announcement(data: dict) -> int:
    from .service import Announcement, send_announcement_mails

    return send_announcement_mails(Announcement(**data))
