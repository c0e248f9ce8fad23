"""ID-card checks for certificates, working only from the publicity app's keyed hash and mask.

The platform never stores an ID number in clear: ``publicity.identity`` keeps a keyed HMAC and
the mask 650102********123X. The eight hidden characters are exactly the birth date (YYYYMMDD),
so with the key the number can be confirmed by trying the dates that satisfy the GB 11643 check
digit: a few thousand HMACs to learn the birth date once, and one HMAC per download check once
the birth month is known. Without the key (SECRET_KEY) the stored values reveal nothing more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import lru_cache

from publicity import identity as publicity_identity

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1920


def _weighted(digits: str, offset: int) -> int:
    return sum(int(d) * _WEIGHTS[offset + i] for i, d in enumerate(digits))


@lru_cache(maxsize=1)
def _dates_by_residue(today_year: int) -> tuple[tuple[str, ...], ...]:
    """Every birth date YYYYMMDD from 1920 on, bucketed by its check-digit contribution mod 11."""
    buckets: list[list[str]] = [[] for _ in range(11)]
    day = dt.date(EARLIEST_BIRTH_YEAR, 1, 1)
    end = dt.date(today_year, 12, 31)
    one = dt.timedelta(days=1)
    while day <= end:
        text = day.strftime("%Y%m%d")
        buckets[_weighted(text, 6) % 11].append(text)
        day += one
    return tuple(tuple(b) for b in buckets)


def _parts(id_masked: str) -> tuple[str, str] | None:
    """(region code, last four) of a mask like 650102********123X, or None if not that shape."""
    masked = (id_masked or "").strip().upper()
    if len(masked) != 18 or masked[6:14] != "*" * 8:
        return None
    head, tail = masked[:6], masked[14:]
    if not head.isdigit() or not tail[:3].isdigit() or not (tail[3].isdigit() or tail[3] == "X"):
        return None
    return head, tail


def _hash_key() -> bytes:
    # The publicity app owns the key; its id_hash() is the reference (tested for agreement).
    return publicity_identity._key()


def _matches(key: bytes, candidate: str, wanted: bytes) -> bool:
    return hmac.compare_digest(hmac.digest(key, candidate.encode(), hashlib.sha256), wanted)


def _residue_needed(head: str, tail: str) -> int:
    """The date part's weighted sum mod 11 for which the check character comes out right."""
    target = _CHECK_CHARS.index(tail[3])
    fixed = _weighted(head, 0) + _weighted(tail[:3], 14)
    # check index = (fixed + date_part) % 11
    return (target - fixed) % 11


def recover_birth_date(id_hash: str, id_masked: str) -> dt.date | None:
    """The birth date hidden in the mask, confirmed against the keyed hash; None if not found."""
    parts = _parts(id_masked)
    if parts is None or len(id_hash or "") != 64:
        return None
    head, tail = parts
    key = _hash_key()
    wanted = bytes.fromhex(id_hash)
    buckets = _dates_by_residue(dt.date.today().year)
    for date_text in buckets[_residue_needed(head, tail)]:
        if _matches(key, f"{head}{date_text}{tail}", wanted):
            return dt.date(int(date_text[:4]), int(date_text[4:6]), int(date_text[6:]))
    return None


def full_number(id_hash: str, id_masked: str, birth_month: str) -> str | None:
    """The whole ID number for the holder's own certificate PDF (never stored), or None."""
    parts = _parts(id_masked)
    if parts is None or len(id_hash or "") != 64 or len(birth_month or "") != 7:
        return None
    head, tail = parts
    key = _hash_key()
    wanted = bytes.fromhex(id_hash)
    year_month = birth_month.replace("-", "")
    for day in range(1, 32):
        candidate = f"{head}{year_month}{day:02d}{tail}"
        if _matches(key, candidate, wanted):
            return candidate
    return None


def tail_matches(id_hash: str, id_masked: str, birth_month: str, given_tail: str) -> bool:
    """Whether `given_tail` is the last six characters of the hashed ID number.

    The last six are the birth day and the four characters the mask shows; with the birth month
    known one HMAC decides, otherwise every year and month is tried (about 150 HMACs).
    """
    parts = _parts(id_masked)
    tail6 = publicity_identity.normalise(given_tail)
    if parts is None or len(id_hash or "") != 64 or len(tail6) != 6 or not tail6[:2].isdigit():
        return False
    head, tail = parts
    if tail6[2:] != tail:
        return False
    key = _hash_key()
    wanted = bytes.fromhex(id_hash)
    day = tail6[:2]
    if birth_month and len(birth_month) == 7:
        year_months = [birth_month.replace("-", "")]
    else:
        this_year = dt.date.today().year
        year_months = [
            f"{y}{m:02d}" for y in range(EARLIEST_BIRTH_YEAR, this_year + 1) for m in range(1, 13)
        ]
    needed = _residue_needed(head, tail)
    found = False
    for year_month in year_months:
        date_text = f"{year_month}{day}"
        if _weighted(date_text, 6) % 11 != needed:
            continue
        # Constant work per candidate; stop early only after a match (a wrong tail tries all).
        if _matches(key, f"{head}{date_text}{tail}", wanted):
            found = True
            break
    return found


def from_id_number(number: str) -> dict[str, str]:
    """The stored forms of an ID number typed by an editor: hash, mask, birth month, gender.

    Raises ``publicity.identity.InvalidIdNumber`` with a Chinese message for a bad number.
    """
    valid = publicity_identity.validate(number)
    return {
        "id_hash": publicity_identity.id_hash(valid),
        "id_masked": publicity_identity.mask(valid),
        "birth_month": f"{valid[6:10]}-{valid[10:12]}",
        "gender": publicity_identity.gender_of(valid),
    }
