"""The platform's certificate authority and each authority's signing keys.

Private keys are stored only encrypted (AES-GCM under the key-encryption key from the
environment, see ``approvals.crypto.keys``); the certificates are public and published under /keys/.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


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
        verbose_name = "平台根证书"
        verbose_name_plural = "平台根证书"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name}（{self.fingerprint[:16]}）"


class SigningKey(models.Model):
    """电子签章密钥: an authority's ECDSA P-256 key and its X.509 certificate from the platform CA.

    Only one key per authority is active (used for new documents); older keys are kept because
    the documents they signed stay valid.
    """

    authority = models.ForeignKey(
        "website.Authority",
        on_delete=models.PROTECT,
        related_name="signing_keys",
        verbose_name="发文机关",
    )
    ca = models.ForeignKey(
        PlatformCA, on_delete=models.PROTECT, related_name="signing_keys", verbose_name="签发 CA"
    )
    key_id = models.CharField(
        "密钥标识",
        max_length=16,
        unique=True,
        help_text="公钥 SHA-256 指纹的前 16 位十六进制字符，用于二维码令牌与公钥网址",
    )
    fingerprint = models.CharField("公钥 SHA-256 指纹", max_length=64, unique=True)
    certificate_pem = models.TextField("签名证书（PEM）")
    encrypted_private_key = models.BinaryField("加密私钥", editable=False)
    serial_number = models.CharField("证书序列号", max_length=64)
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("失效时间")
    is_active = models.BooleanField("启用中", default=True)
    created = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "签章密钥"
        verbose_name_plural = "签章密钥"
        ordering = ["authority__name", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority"],
                condition=models.Q(is_active=True),
                name="one_active_signing_key_per_authority",
            )
        ]

    def __str__(self) -> str:
        state = "启用" if self.is_active else "停用"
        return f"{self.authority}·{self.key_id}（{state}）"
