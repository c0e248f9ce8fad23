"""ID-card numbers (居民身份证号码, GB 11643): validation, keyed hash and masked form.

A whole ID number is never stored: we keep a keyed HMAC (to recognise the same person on
re-import) and a masked form for editors (650102********123X).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


class InvalidIdNumber(ValueError):
    """An ID number that is not a valid 18-character GB 11643 number (Chinese message)."""


def normalise(value: object) -> str:
    """Strip blanks and full-width characters; upper-case the check character x → X."""
    text = str(value or "").strip().replace(" ", "").replace("\u3000", "")
    text = text.translate(str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX"))
    return text.upper()


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


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
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号码中的出生日期无效") from None
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("身份证号码校验码错误")
    return number


def gender_of(number: str) -> str:
    """男 or 女 from the 17th digit (odd: male)."""
    return "男" if int(number[16]) % 2 else "女"


def _key() -> bytes:
    configured = getattr(settings, "PUBLICITY_ID_HASH_KEY", "")
    if configured:
        return configured.encode()
    # A key of its own, derived from SECRET_KEY, so the hash is useless without the secret.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"publicity.identity.id_hash", hashlib.sha256
    ).digest()


def id_hash(number: str) -> str:
    """Keyed HMAC-SHA256 of a normalised ID number (hex)."""
    return hmac.new(_key(), normalise(number).encode(), hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    """650102********123X: region code and the last four characters only."""
    number = normalise(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
