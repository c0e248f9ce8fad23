"""ID-card numbers (居民身份证号码, GB 11643): validation, keyed hash, mask, birth-date recovery.

A whole ID number is never stored. Every app keeps the same two forms of it:

- ``id_hash``: a keyed HMAC-SHA256 of the whole number (to recognise the same person on
  re-import and to find a holder's certificates from the whole number they type), keyed by
  :func:`hash_key` (``ID_HASH_KEY``, a key of its own);
- ``id_masked``: 650102********123X, the region code and the last four characters. It is
  shown to editors only, never on a public page or API answer.

No birth data is stored beside them. The eight hidden characters are exactly the birth date
(YYYYMMDD), so with the key the number can be confirmed by trying the dates that satisfy the
GB 11643 check digit (about 3,500 HMACs): that is how issuing prints the whole number and the
出生年月 on the holder's own certificate, and how ``rotate_id_hash_key`` re-keys the hashes.
Without the key a leaked row leaves thousands of candidates and no way to tell them apart.

The check digit and the birth-date component come from ``python-stdnum`` (``stdnum.cn.ric``);
its ``validate`` is not used as a whole because it also rejects region codes missing from its
table, and our editors need Chinese messages saying what is wrong.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import hmac
import secrets
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from website.choices import Gender
from website.storage import development_secret

# The GB 11643 weights, needed on their own for the birth-date search (a partial weighted sum).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1920


class InvalidIdNumber(ValueError):
    """An ID number that is not a valid 18-character GB 11643 number (Chinese message)."""


def normalise(value: object) -> str:
    """Strip blanks and full-width characters; upper-case the check character x → X."""
    text = str(value or "").strip().replace(" ", "").replace("\u3000", "")
    text = text.translate(str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX"))
    return text.upper()


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    # stdnum's calc_check_digit takes the number with a (any) check character in place.
    return ric.calc_check_digit(f"{first17}0")


def validate(value: object) -> str:
    """The normalised number, or InvalidIdNumber saying what is wrong."""
    number = normalise(value)
    if not number:
        raise InvalidIdNumber("身份证号码为空")
    if len(number) != 18:
        raise InvalidIdNumber(f"身份证号码应为18位，实为{len(number)}位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidIdNumber("身份证号码只能由数字和末位X组成")
    try:
        ric.get_birth_date(number)
    except StdnumError:
        raise InvalidIdNumber("身份证号码中的出生日期无效") from None
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("身份证号码校验码错误")
    return number


def gender_of(number: str) -> str:
    """男 or 女 (a ``Gender`` value) from the 17th digit (odd: male)."""
    return (Gender.MALE if int(number[16]) % 2 else Gender.FEMALE).value


_key_lock = threading.Lock()
_LEGACY_LABEL = b"publicity.identity.id_hash"


def hash_key_path() -> Path:
    """Where the development key is kept when ``ID_HASH_KEY`` is not set."""
    return Path(settings.VAR_DIR) / "keys" / "id_hash_key"


_generated: dict[str, bytes] = {}


def _generated_key(path: Path) -> bytes:
    """The development key in `path`, written once (mode 0600) by the first process to need it."""
    with _key_lock:
        if str(path) in _generated and path.exists():
            return _generated[str(path)]
        key = development_secret(path, lambda: secrets.token_urlsafe(32)).encode()
        _generated[str(path)] = key
        return key


def hash_key() -> bytes:
    """The key of every ``id_hash``: ``ID_HASH_KEY``, else the development key in VAR_DIR.

    Never derived from ``SECRET_KEY``: rotating that must not break downloads, and a leaked
    ``SECRET_KEY`` must not turn the stored hashes into ID numbers. Production settings refuse to
    start without ``ID_HASH_KEY``.
    """
    configured = getattr(settings, "ID_HASH_KEY", "") or ""
    if configured:
        return configured.encode()
    return _generated_key(hash_key_path())


def previous_hash_key() -> bytes | None:
    """``ID_HASH_KEY_PREVIOUS`` during a rotation (see ``manage.py rotate_id_hash_key``)."""
    configured = getattr(settings, "ID_HASH_KEY_PREVIOUS", "") or ""
    return configured.encode() if configured else None


def legacy_hash_key() -> bytes:
    """The key of releases before ``ID_HASH_KEY``: derived from ``SECRET_KEY`` (for re-keying)."""
    return hmac.new(settings.SECRET_KEY.encode(), _LEGACY_LABEL, hashlib.sha256).digest()


def id_hash(number: str, key: bytes | None = None) -> str:
    """Keyed HMAC-SHA256 of a normalised ID number (hex), with `key` or :func:`hash_key`."""
    return hmac.new(key or hash_key(), normalise(number).encode(), hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    """650102********123X: region code and the last four characters only."""
    number = normalise(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def from_id_number(number: str) -> dict[str, str]:
    """The stored forms of an ID number typed by an editor: hash, mask, gender.

    No birth data: the certificate's 出生年月 is worked back from hash and mask at issuing
    (:func:`full_number`). Raises :class:`InvalidIdNumber` with a Chinese message for a bad number.
    """
    valid = validate(number)
    return {
        "id_hash": id_hash(valid),
        "id_masked": mask(valid),
        "gender": gender_of(valid),
    }


# --- working back from the hash and the mask ------------------------------------------------


def _weighted(digits: str, offset: int) -> int:
    return sum(int(d) * _WEIGHTS[offset + i] for i, d in enumerate(digits))


# Where the search for a birth date starts: the candidates run from this many years before
# the current year outward (a year later, a year earlier, ...), so the working-age people who
# obtain titles are found after a few hundred HMACs instead of after the 1920s-1950s.
LIKELY_AGE = 40


@lru_cache(maxsize=1)
def _dates_by_residue(today_year: int) -> tuple[tuple[bytes, ...], ...]:
    """Every birth date YYYYMMDD from 1920 on (ASCII), bucketed by its check-digit
    contribution mod 11; each bucket's years in the order of :data:`LIKELY_AGE`."""
    buckets: list[list[bytes]] = [[] for _ in range(11)]
    centre = today_year - LIKELY_AGE
    years = sorted(range(EARLIEST_BIRTH_YEAR, today_year + 1), key=lambda y: (abs(y - centre), y))
    # Month and day weigh the same in every year: their digits' sums are worked out once.
    days = {
        leap: [
            (f"{m:02d}{d:02d}", _weighted(f"{m:02d}{d:02d}", 10))
            for m in range(1, 13)
            for d in range(1, calendar.monthrange(2000 if leap else 2001, m)[1] + 1)
        ]
        for leap in (False, True)
    }
    for year in years:
        text = str(year)
        weight = _weighted(text, 6)
        for day, day_weight in days[calendar.isleap(year)]:
            buckets[(weight + day_weight) % 11].append(f"{text}{day}".encode())
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


def _hmac_search(key: bytes, head: str, tail: str, dates, wanted: bytes) -> str | None:
    """The date among `dates` for which HMAC(key, head + date + tail) is `wanted`, or None.

    HMAC-SHA256 computed by hand (RFC 2104) so that the key pads and the head are hashed once,
    not once per candidate: 2–3 times faster than ``hmac.digest`` per date. Only for this
    offline search by the key holder; comparing with ``==`` leaks nothing an attacker sees.
    """
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(head.encode())
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    suffix = tail.encode()
    for date in dates:
        candidate = inner.copy()
        candidate.update(date + suffix)
        result = outer.copy()
        result.update(candidate.digest())
        if result.digest() == wanted:
            return date.decode()
    return None


def _residue_needed(head: str, tail: str) -> int:
    """The date part's weighted sum mod 11 for which the check character comes out right."""
    target = _CHECK_CHARS.index(tail[3])
    fixed = _weighted(head, 0) + _weighted(tail[:3], 14)
    # check index = (fixed + date_part) % 11
    return (target - fixed) % 11


def full_number(id_hash: str, id_masked: str, key: bytes | None = None) -> str | None:
    """The whole ID number behind a hash and its mask (never stored), or None if not found.

    Tries the birth dates that give the mask's check character (about 3,500 HMACs), so only
    a holder of the key can do it: for the holder's own certificate PDF and for re-keying.
    """
    parts = _parts(id_masked)
    if parts is None or len(id_hash or "") != 64:
        return None
    head, tail = parts
    key = key or hash_key()
    try:
        wanted = bytes.fromhex(id_hash)
    except ValueError:
        return None
    dates = _dates_by_residue(dt.date.today().year)[_residue_needed(head, tail)]
    found = _hmac_search(key, head, tail, dates, wanted)
    return f"{head}{found}{tail}" if found else None


def recover_birth_date(id_hash: str, id_masked: str) -> dt.date | None:
    """The birth date hidden in the mask, confirmed against the keyed hash; None if not found."""
    number = full_number(id_hash, id_masked)
    if number is None:
        return None
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def birth_month_of(number: str | None) -> str:
    """1985-06 from a whole ID number; empty when the number is unknown."""
    return f"{number[6:10]}-{number[10:12]}" if number else ""
