"""证书下载: the holder's check (number, name, ID characters); the public rate limits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from approvals.models import Certificate
from approvals.verification import find_certificate
from website import identity, ratelimit

DOWNLOAD_FAILED = "证书编号、姓名或身份证号后六位不匹配，请核对后重试。"
RATE_LIMITED = "尝试次数过多，请稍后再试。"


def download_limits() -> dict:
    """(attempts, seconds) per client address and per certificate number."""
    return getattr(
        settings,
        "APPROVALS_DOWNLOAD_LIMITS",
        {"client": (20, 600), "number": (10, 3600)},
    )


def download_rate_limited(request: HttpRequest, number: str) -> bool:
    """Count one download attempt; True when the client or the number is over its limit.

    Both counters move on every attempt, so guessing one number from many addresses and many
    numbers from one address are both slowed down.
    """
    limits = download_limits()
    over_client = ratelimit.over_limit(request, "approvals:download:client", limits["client"])
    over_number = ratelimit.over_limit(
        request, "approvals:download:number", limits["number"], key=number
    )
    return over_client or over_number


def verify_limits() -> dict:
    """(attempts, seconds) per client: PDF uploads (costly to check) and API look-ups."""
    return getattr(
        settings,
        "APPROVALS_VERIFY_LIMITS",
        {"upload": (60, 600), "lookup": (600, 600)},
    )


def upload_rate_limited(request: HttpRequest) -> bool:
    """Count one PDF verification (page or API); True when the client is over its limit."""
    return ratelimit.over_limit(request, "approvals:verify:upload", verify_limits()["upload"])


def lookup_rate_limited(request: HttpRequest) -> bool:
    """Count one API look-up by number or token; True when the client is over its limit."""
    return ratelimit.over_limit(request, "approvals:verify:lookup", verify_limits()["lookup"])


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
