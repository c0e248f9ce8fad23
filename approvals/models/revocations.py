"""Revocation and reinstatement requests: one person asks, a second one with 撤销 rights for the
certificate's authority decides (see ``approvals.issuing.revocation``)."""

from __future__ import annotations

from django.db import models

from approvals.models.certificates import Certificate
from website.roles import user_field

__all__ = ["RequestKind", "RequestStatus", "RevocationRequest"]


class RequestKind(models.TextChoices):
    REVOKE = "revoke", "撤销"
    REINSTATE = "reinstate", "恢复"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class RevocationRequest(models.Model):
    """撤销（或恢复）申请: the record of who asked, why, and who decided."""

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="revocation_requests",
        verbose_name="证书",
    )
    kind = models.CharField("类别", max_length=10, choices=RequestKind.choices)
    reason = models.TextField("理由")
    status = models.CharField(
        "状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = user_field("申请人", on_delete=models.PROTECT, optional=False)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = user_field("审核人", on_delete=models.PROTECT)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "撤销申请"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open request per certificate: a second one would race the first.
            models.UniqueConstraint(
                fields=["certificate"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_certificate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}申请：{self.certificate.number}（{self.get_status_display()}）"
