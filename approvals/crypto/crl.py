"""The CA's revocation list kept as a file, and the start-up check of the KEK.

Signing a CRL needs the root CA's private key: that happens in `manage.py refresh_crl` (run
daily by the scheduler) or, once, when the stored list is missing or expired. The web view then
only reads bytes from storage, so web workers never decrypt the root key per request.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path

from cryptography import x509
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from approvals.models import PlatformCA

from .keys import SigningKeyError, build_crl, decrypt_private_key

logger = logging.getLogger(__name__)

CRL_NAME = "keys/ca.crl"
# Re-signed daily by the scheduler; a list this close to its nextUpdate is refreshed anyway.
REFRESH_MARGIN = dt.timedelta(days=7)


def _storage():
    return storages["private"]


def verify_kek() -> bool:
    """True when the configured KEK decrypts the platform CA's key; False when there is no CA
    yet. A wrong KEK raises SigningKeyError with the Chinese message."""
    ca = PlatformCA.objects.order_by("created").first()
    if ca is None:
        return False
    decrypt_private_key(ca.encrypted_private_key)
    return True


def refresh_crl() -> bytes | None:
    """Sign a fresh CRL and store it; None when there is no CA yet."""
    ca = PlatformCA.objects.order_by("created").first()
    if ca is None:
        return None
    data = build_crl(ca)
    storage = _storage()
    try:
        path = Path(storage.path(CRL_NAME))
    except NotImplementedError:  # a remote storage: replace the object
        if storage.exists(CRL_NAME):
            storage.delete(CRL_NAME)
        storage.save(CRL_NAME, ContentFile(data))
    else:
        # Written next to the old one, then renamed over it: a reader never sees half a file.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
    logger.info("已签发并保存新的证书吊销列表")
    return data


def _is_fresh(data: bytes, now: dt.datetime) -> bool:
    try:
        crl = x509.load_der_x509_crl(data)
    except ValueError:
        return False
    next_update = crl.next_update_utc
    return next_update is not None and next_update - REFRESH_MARGIN > now


def stored_crl(now: dt.datetime | None = None) -> bytes | None:
    """The stored CRL while it is fresh, else None."""
    storage = _storage()
    if not storage.exists(CRL_NAME):
        return None
    with storage.open(CRL_NAME, "rb") as handle:
        data = handle.read()
    return data if _is_fresh(data, now or dt.datetime.now(dt.UTC)) else None


def current_crl() -> bytes | None:
    """What /keys/ca.crl serves: the stored list, re-signed only when missing or expired."""
    data = stored_crl()
    if data is None:
        data = refresh_crl()
    return data


__all__ = ["CRL_NAME", "SigningKeyError", "current_crl", "refresh_crl", "stored_crl", "verify_kek"]
