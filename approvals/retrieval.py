"""证书下载: the holder's check (number, name, ID characters) and its rate limits."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from approvals import identity
from approvals.models import Certificate
from approvals.verification import find_certificate

DOWNLOAD_FAILED = "证书编号、姓名或身份证号后六位不匹配，请核对后重试。"
RATE_LIMITED = "尝试次数过多，请稍后再试。"


def rate_limited(key: str, limit: int, window: int) -> bool:
    """Count one attempt under `key`; True once more than `limit` fall in the `window` (s)."""
    cache_key = f"approvals:rate:{key}"
    if cache.add(cache_key, 1, window):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window)
        return False
    return count > limit


def download_limits() -> dict:
    return getattr(
        settings,
        "APPROVALS_DOWNLOAD_LIMITS",
        {"client": (20, 600), "number": (10, 3600)},
    )


def check_download(number: str, name: str, id_tail: str) -> Certificate | None:
    """The certificate when number, name and the last six ID characters all match, else None.

    A revoked certificate can still be downloaded by its holder (its QR check says revoked).
    """
    certificate = find_certificate(number)
    name = (name or "").strip()
    if certificate is None:
        # Do comparable work so that timing does not tell whether the number exists.
        identity.tail_matches("0" * 64, "000000********0000", "", id_tail)
        return None
    tail_ok = identity.tail_matches(
        certificate.id_hash, certificate.id_masked, certificate.birth_month, id_tail
    )
    if not tail_ok or certificate.name != name:
        return None
    return certificate
