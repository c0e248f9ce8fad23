"""证书下载: the holder's check (name + whole ID number) and the public rate limits.

The secret is what only the holder has: the whole 18-character ID number, checked against the
keyed hash (``website.identity``). Public pages and API answers show no character of it, so no
part of it can be learnt from the site; a stranger needs the whole number. One answer lists
every certificate of that person, so a holder needs no certificate number, and each download
link is signed and expires after a few minutes.

Limits never lock a holder out because of others: a client waits longer after each of its own
failures (:data:`FAILURE_BACKOFF`); when failures across the whole site pass a ceiling per
minute, only clients that have failed already are held back until the minute is over, and a
client with a clean record is always heard.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from approvals.models import Certificate
from approvals.verification import public_certificates
from website import identity, ratelimit, rekeying

RETRIEVAL_FAILED = "姓名或身份证号码不匹配，请核对后重试。"
LINK_EXPIRED = "下载链接已失效，请重新输入姓名和身份证号码查询。"

# Per client: three free failures, then 2 s, 4 s, 8 s … at most an hour.
FAILURE_BACKOFF = ratelimit.Backoff("approvals:retrieve:backoff", free=3, base=2, cap=3600)
_LINK_SALT = "approvals.retrieval.download-link"


def rate_limited_message(seconds: int) -> str:
    """The 429 message, saying how long to wait."""
    if seconds >= 120:
        return f"尝试次数过多，请约 {-(-seconds // 60)} 分钟后再试。"
    return f"尝试次数过多，请 {max(seconds, 1)} 秒后再试。"


def retrieval_limits() -> dict:
    """Global ceiling on failed retrievals (failures, seconds) and the link lifetime."""
    return getattr(
        settings,
        "APPROVALS_RETRIEVAL_LIMITS",
        {"global_failures": (100, 60), "link_seconds": 600},
    )


def retrieval_wait(request: HttpRequest) -> int:
    """Seconds this client must wait before its next try (0: may try now). Counts nothing."""
    wait = FAILURE_BACKOFF.retry_after(request)
    if wait:
        return wait
    if FAILURE_BACKOFF.failures(request):
        # Site-wide failure storm: held back only if this client has failed itself.
        return ratelimit.window_left(
            request,
            "approvals:retrieve:global",
            retrieval_limits()["global_failures"],
            key="site",
        )
    return 0


def record_failure(request: HttpRequest) -> None:
    FAILURE_BACKOFF.fail(request)
    ratelimit.record(
        request, "approvals:retrieve:global", retrieval_limits()["global_failures"], key="site"
    )


def record_success(request: HttpRequest) -> None:
    FAILURE_BACKOFF.succeed(request)


# --- the check --------------------------------------------------------------------------------


def holder_certificates(name: str, id_number: str) -> list[Certificate]:
    """Every issued certificate of the person with this name and whole ID number, newest first.

    `id_number` must already be a valid GB 11643 number (``identity.validate``). Revoked
    certificates are included: the holder may keep them (their QR check says revoked).
    During a key rotation a hash made with ``ID_HASH_KEY_PREVIOUS`` is found too, and every
    stored copy of it is re-keyed on the spot (see ``manage.py rotate_id_hash_key``).
    """
    name = (name or "").strip()
    digest = identity.id_hash(id_number)
    found = _certificates(name, digest)
    previous = identity.previous_hash_key()
    if not found and previous is not None:
        old = identity.id_hash(id_number, previous)
        if _certificates(name, old):
            rekeying.rehash(old, digest)
            found = _certificates(name, digest)
    return found


def _certificates(name: str, digest: str) -> list[Certificate]:
    return list(
        public_certificates().filter(id_hash=digest, name=name).order_by("-date", "-number")
    )


# --- signed, short-lived download links -------------------------------------------------------


@dataclass(frozen=True)
class DownloadLink:
    certificate: Certificate
    token: str


def download_links(certificates: list[Certificate]) -> list[DownloadLink]:
    """A signed token per certificate (its id and PDF digest), valid for a few minutes."""
    signer = signing.TimestampSigner(salt=_LINK_SALT)
    return [
        DownloadLink(c, signer.sign_object({"c": c.pk, "h": c.pdf_sha256[:16]}))
        for c in certificates
    ]


def certificate_for_link(token: str) -> Certificate | None:
    """The certificate of a download link still valid; None when expired, forged or unknown."""
    signer = signing.TimestampSigner(salt=_LINK_SALT)
    try:
        data = signer.unsign_object(token, max_age=retrieval_limits()["link_seconds"])
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    certificate = public_certificates().filter(pk=data.get("c")).first()
    if certificate is None or certificate.pdf_sha256[:16] != data.get("h"):
        return None
    return certificate


# --- verification limits (uploads and look-ups) -----------------------------------------------


def verify_limits() -> dict:
    """(attempts, seconds) per client: PDF uploads (costly to check), look-ups by number (slow
    enough that sequential numbers cannot be walked fast) and by QR token."""
    return getattr(
        settings,
        "APPROVALS_VERIFY_LIMITS",
        {"upload": (60, 600), "number": (30, 60), "token": (600, 600)},
    )


def upload_wait(request: HttpRequest) -> int:
    """Count one PDF verification (page or API); seconds to wait when over the limit, else 0."""
    return ratelimit.throttle(request, "approvals:verify:upload", verify_limits()["upload"])


def number_lookup_wait(request: HttpRequest) -> int:
    """Count one look-up by certificate number; seconds to wait when over the limit, else 0."""
    return ratelimit.throttle(request, "approvals:verify:number", verify_limits()["number"])


def token_lookup_wait(request: HttpRequest) -> int:
    """Count one look-up by QR token; seconds to wait when over the limit, else 0."""
    return ratelimit.throttle(request, "approvals:verify:token", verify_limits()["token"])
