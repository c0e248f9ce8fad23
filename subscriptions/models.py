"""邮件订阅: who wants to hear of new notices, publicities and approval documents.

A subscription counts only once its address is confirmed (double opt-in); every mail carries a
one-click unsubscribe address (RFC 8058). ``Delivery`` remembers what was sent to whom, so an
item announced twice (a notice republished) is mailed once.
"""

from __future__ import annotations

import secrets

from django.db import models

KIND_CHOICES = [
    ("notice", "评审通知"),
    ("publicity", "评审结果公示"),
    ("document", "任职资格审批文件"),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _narrowing(model: str, label: str) -> models.ForeignKey:
    """An optional filter of a subscription: only items of this authority (or series)."""
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=f"{label}（不选为全部）",
    )


class Subscription(models.Model):
    email = models.EmailField("电子邮箱")
    kinds = models.CharField("订阅内容", max_length=60, help_text="notice,publicity,document")
    authority = _narrowing("website.Authority", "发文机关")
    series = _narrowing("website.Series", "系列")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created = models.DateTimeField("订阅时间", auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("退订时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "邮件订阅"

    def __str__(self) -> str:
        return self.email

    @property
    def kind_list(self) -> list[str]:
        return [kind for kind in self.kinds.split(",") if kind]

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Delivery(models.Model):
    """One announcement mailed to one subscription."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE)
    key = models.CharField(max_length=80)  # notice:12, publicity:7, document:3
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="one_delivery_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.subscription_id}"
