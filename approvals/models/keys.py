"""The platform's certificate authority and each authority's signing keys.

Private keys are stored only encrypted (AES-GCM under the key-encryption key from the
environment, see ``approvals.crypto.keys``); the certificates are public and published under /keys/.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from website.roles import authority_field, link_field, user_field

# RFC 5280 CRLReason values an operator may choose (name in code → label).
REVOCATION_REASONS = [
    ("key_compromise", "密钥泄露"),
    ("superseded", "已被替换"),
    ("cessation_of_operation", "停止使用"),
    ("affiliation_changed", "机构变更"),
]


class PlatformCA(models.Model):
    """平台根证书: the bureau CA that issues every authority's signing certificate (one row)."""

    name = models.CharField("名称", max_length=120)
    certificate_pem = models.TextField("CA 证书（PEM）")
    encrypted_private_key = models.BinaryField("加密私钥", editable=False)
    fingerprint = models.CharField("SHA-256 指纹", max_length=64, unique=True)
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("失效时间")
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "平台根证书"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name}（{self.fingerprint[:16]}）"


class CertifiedKey(models.Model):
    """What a signing key and a TSA key both store: the key pair (private half encrypted) and
    the certificate the platform CA issued for it. One key of a kind is active at a time."""

    fingerprint = models.CharField("公钥 SHA-256 指纹", max_length=64, unique=True)
    encrypted_private_key = models.BinaryField("加密私钥", editable=False)
    serial_number = models.CharField("证书序列号", max_length=64)
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("失效时间")
    is_active = models.BooleanField("启用中", default=True)
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        abstract = True


def one_active(field: str, name: str) -> models.UniqueConstraint:
    """At most one active key for each value of ``field`` (``is_active``: one in all)."""
    return models.UniqueConstraint(fields=[field], condition=models.Q(is_active=True), name=name)


class SigningKey(CertifiedKey):
    """电子签章密钥: an authority's ECDSA P-256 key and its X.509 certificate from the platform CA.

    Only one key per authority is active (used for new documents); older keys are kept because
    the documents they signed stay valid.
    """

    authority = authority_field("signing_keys")
    ca = models.ForeignKey(
        PlatformCA, on_delete=models.PROTECT, related_name="signing_keys", verbose_name="签发 CA"
    )
    key_id = models.CharField(
        "密钥标识",
        max_length=16,
        unique=True,
        help_text="公钥 SHA-256 指纹的前 16 位十六进制字符，用于二维码令牌与公钥网址",
    )
    certificate_pem = models.TextField("签名证书（PEM）")
    # Revocation (approvals.crypto.lifecycle): the CA's CRL lists the certificate with
    # ``compromised_from`` as its invalidity date; signatures time-stamped before that moment
    # stay valid, later ones (or ones without a time-stamp) do not.
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)
    compromised_from = models.DateTimeField(
        "泄露起始时间",
        null=True,
        blank=True,
        editable=False,
        help_text="自此时刻起该密钥所作签名一律无效；此前经时间戳证明的签名仍然有效",
    )
    revocation_reason = models.CharField(
        "吊销原因", max_length=32, blank=True, editable=False, choices=REVOCATION_REASONS
    )
    revocation_note = models.TextField("吊销说明", blank=True, editable=False)
    revoked_by = user_field("吊销人", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "签章密钥"
        ordering = ["authority__name", "-created"]
        permissions = [("revoke_signingkey", "可以吊销签章密钥")]
        constraints = [one_active("authority", "one_active_signing_key_per_authority")]

    def __str__(self) -> str:
        return f"{self.authority}·{self.key_id}（{self.state_label}）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def state(self) -> str:
        """active · retired · revoked (as published in keys.json)."""
        if self.is_revoked:
            return "revoked"
        return "active" if self.is_active else "retired"

    @property
    def state_label(self) -> str:
        return {"active": "启用", "retired": "停用", "revoked": "已吊销"}[self.state]


def signed_with(related_name: str) -> models.ForeignKey:
    """The signing key a stored PDF was signed with (protected: the key must stay to check it)."""
    return link_field(
        "approvals.SigningKey", "签章密钥", on_delete=models.PROTECT, related_name=related_name
    )


class TimeStampKey(CertifiedKey):
    """时间戳服务密钥: the platform TSA's ECDSA P-256 key and its certificate from the platform
    CA (extended key usage timeStamping, critical). One is active; older ones are kept because
    the time-stamps they made must stay checkable."""

    ca = models.ForeignKey(
        PlatformCA, on_delete=models.PROTECT, related_name="tsa_keys", verbose_name="签发 CA"
    )
    key_id = models.CharField("密钥标识", max_length=16, unique=True)
    certificate_pem = models.TextField("时间戳证书（PEM）")

    class Meta:
        verbose_name = verbose_name_plural = "时间戳服务密钥"
        ordering = ["-created"]
        constraints = [one_active("is_active", "one_active_tsa_key")]

    def __str__(self) -> str:
        return f"时间戳服务·{self.key_id}（{'启用' if self.is_active else '停用'}）"
