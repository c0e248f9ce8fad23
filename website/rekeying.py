"""Re-keying the stored ID-number hashes (``ID_HASH_KEY`` rotation).

A keyed hash cannot be re-keyed from the hash alone. Each stored row also keeps the mask
(650102********123X) whose hidden eight characters are the birth date, so with the old key the
whole number comes back in about 3,500 HMACs (``identity.full_number``) and is hashed again
with the new key, in memory only. That is ``manage.py rotate_id_hash_key``:

1. set ``ID_HASH_KEY_PREVIOUS`` to the current key and ``ID_HASH_KEY`` to a new one, restart;
2. run ``manage.py rotate_id_hash_key`` (idempotent: rows already on the new key are skipped,
   rows it cannot work back are counted and left alone);
3. once it reports nothing left on the old key, remove ``ID_HASH_KEY_PREVIOUS``.

Between steps 1 and 2 a holder's retrieval still finds certificates under the old key and
re-keys that person at once (``approvals.retrieval.holder_certificates``). Releases before
``ID_HASH_KEY`` derived the key from ``SECRET_KEY``: ``--from-secret-key`` uses that one as the
old key. Models are found by their fields (``id_hash`` and ``id_masked``), so no app is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.apps import apps
from django.db import transaction

from website import identity


def models_with_id_hash() -> list:
    """Every installed concrete model that keeps an ``id_hash`` beside an ``id_masked``."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if {"id_hash", "id_masked"} <= names:
            found.append(model)
    return found


def rehash(old: str, new: str) -> int:
    """Replace one person's hash everywhere it is stored; the number of rows changed."""
    changed = 0
    with transaction.atomic():
        for model in models_with_id_hash():
            changed += model._default_manager.filter(id_hash=old).update(id_hash=new)
    return changed


@dataclass
class RekeyReport:
    rekeyed: int = 0  # rows moved from the old key to the new one
    current: int = 0  # rows already on the new key
    unrecoverable: int = 0  # rows neither key explains (left unchanged)
    empty: int = 0  # rows without an ID number


def rekey_all(old_key: bytes, new_key: bytes | None = None) -> RekeyReport:
    """Re-hash every stored row made with `old_key` under `new_key` (the current key)."""
    new_key = new_key or identity.hash_key()
    report = RekeyReport()
    for model in models_with_id_hash():
        rows = model._default_manager.exclude(id_hash="").values_list("pk", "id_hash", "id_masked")
        report.empty += model._default_manager.filter(id_hash="").count()
        for pk, digest, masked in rows.iterator():
            # Every distinct (hash, mask) is worked back once, whatever the number of rows.
            number = _number(digest, masked, old_key)
            if number is None:
                if _number(digest, masked, new_key) is not None:
                    report.current += 1
                else:
                    report.unrecoverable += 1
                continue
            model._default_manager.filter(pk=pk).update(id_hash=identity.id_hash(number, new_key))
            report.rekeyed += 1
    _number.cache_clear()
    return report


@lru_cache(maxsize=4096)
def _number(digest: str, masked: str, key: bytes) -> str | None:
    return identity.full_number(digest, masked, key)
