"""ID-card numbers (居民身份证号码, GB 11643): validation, keyed hash, mask, birth-date recovery.

A whole ID number is never stored. Every app keeps the same two forms of it:

- ``id_hash``: a keyed HMAC-SHA256 of the whole number (to recognise the same person on
  re-import and to check a holder's download), keyed by :func:`hash_key`;
- ``id_masked``: 650102********123X, the region code and the last four characters.

The eight hidden characters are exactly the birth date (YYYYMMDD), so with the key the number
can be confirmed by trying the dates that satisfy the GB 11643 check digit: a few thousand HMACs
to learn the birth date once, and one HMAC per download check once the birth month is known.
Without the key the stored values reveal nothing more.

The check digit and the birth-date component come from ``python-stdnum`` (``stdnum.cn.ric``);
its ``validate`` is not used as a whole because it also rejects region codes missing from its
table, and our editors need Chinese messages saying what is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from website.choices import Gender

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


def hash_key() -> bytes:
    """The key of every ``id_hash``: ``PUBLICITY_ID_HASH_KEY``, else one derived from SECRET_KEY.

    The derivation label is unchanged since the first release (hashes already stored stay
    valid); a key of its own makes the hash useless without the secret.
    """
    configured = getattr(settings, "PUBLICITY_ID_HASH_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"publicity.identity.id_hash", hashlib.sha256
    ).digest()


def id_hash(number: str) -> str:
    """Keyed HMAC-SHA256 of a normalised ID number (hex)."""
    return hmac.new(hash_key(), normalise(number).encode(), hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    """650102********123X: region code and the last four characters only."""
    number = normalise(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def from_id_number(number: str) -> dict[str, str]:
    """The stored forms of an ID number typed by an editor: hash, mask, birth month, gender.

    Raises :class:`InvalidIdNumber` with a Chinese message for a bad number.
    """
    valid = validate(number)
    return {
        "id_hash": id_hash(valid),
        "id_masked": mask(valid),
        "birth_month": f"{valid[6:10]}-{valid[10:12]}",
        "gender": gender_of(valid),
    }


# --- working back from the hash and the mask ------------------------------------------------


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
    key = hash_key()
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
    key = hash_key()
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
    tail6 = normalise(given_tail)
    if parts is None or len(id_hash or "") != 64 or len(tail6) != 6 or not tail6[:2].isdigit():
        return False
    head, tail = parts
    if tail6[2:] != tail:
        return False
    key = hash_key()
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
