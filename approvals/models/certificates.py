"""E-certificates (职称电子证书): one signed PDF per approved person, revocable."""

from __future__ import annotations

from django.db import models

from approvals.models.documents import (
    PUBLIC_DOCUMENT_STATUSES,
    ApprovalDocument,
    ApprovedPerson,
)
from approvals.models.keys import signed_with
from website.choices import ReviewType
from website.people import PersonFields
from website.roles import user_field
from website.storage import private_storage

__all__ = ["Certificate", "CertificateQuerySet", "CertificateStatus"]


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已撤销"


class CertificateQuerySet(models.QuerySet):
    def public(self):
        """Certificates whose document has been issued: the only ones verification knows."""
        return self.filter(document__status__in=PUBLIC_DOCUMENT_STATUSES)


class Certificate(PersonFields):
    """职称电子证书: one person's signed PDF certificate.

    Number format: ``<AUTHORITY SLUG IN CAPITALS>-<year>-<six-digit sequence>``, e.g.
    ``TOUTUNHE-2024-000127``; the sequence counts per authority and year, and a document's
    certificates get one contiguous block of numbers. The PDF lives in the private storage and is
    served only to its holder (name + whole ID number, ``approvals.retrieval``).
    """

    number = models.CharField("证书编号", max_length=40, unique=True)
    document = models.ForeignKey(
        ApprovalDocument,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name="审批文件",
    )
    person = models.OneToOneField(
        ApprovedPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name="名单行",
    )
    # Person fields from website.people.PersonFields, copied from the approved person at
    # issuing (the row may be deleted later; the certificate keeps what it certified). The
    # certificate re-validates nothing it copies, so unit and review type stay optional here.
    unit = models.CharField("工作单位", max_length=150, blank=True)
    review_type = models.CharField("取得方式", max_length=4, choices=ReviewType.choices, blank=True)
    date = models.DateField("取得资格时间")
    photo = models.ImageField(
        "照片", upload_to="approvals/photos/", storage=private_storage, blank=True
    )
    pdf = models.FileField("证书 PDF", upload_to="approvals/certificates/", storage=private_storage)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64)
    pdf_size = models.PositiveIntegerField("PDF 大小（字节）", default=0)
    token = models.TextField("二维码令牌", blank=True)
    signing_key = signed_with("certificates")
    status = models.CharField(
        "状态", max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.TextField("撤销原因", blank=True)
    revoked_by = user_field("撤销人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "职称电子证书"
        ordering = ["-created_at", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED
