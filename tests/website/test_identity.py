"""website.identity: the one home of ID-number rules (GB 11643), hash, mask and recovery."""

from __future__ import annotations

import datetime as dt

import pytest

from website import identity

# The example number of GB 11643-1999 itself.
STANDARD = "11010519491231002X"


def _number(first17: str) -> str:
    return first17 + identity.check_digit(first17)


def test_check_digit_of_the_standards_example():
    assert identity.check_digit(STANDARD[:17]) == "X"
    assert identity.validate(STANDARD) == STANDARD


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "身份证号码为空"),
        ("1101051949123100", "身份证号码应为18位，实为16位"),
        ("11010519491231002Y", "身份证号码只能由数字和末位X组成"),
        ("110105194913310028", "身份证号码中的出生日期无效"),
        ("110105194912310021", "身份证号码校验码错误"),
    ],
)
def test_validate_says_what_is_wrong_in_chinese(value, message):
    with pytest.raises(identity.InvalidIdNumber) as error:
        identity.validate(value)
    assert str(error.value) == message


def test_unknown_region_codes_are_accepted():
    # stdnum's own validate() rejects region codes missing from its table; rosters may not.
    number = _number("99999919800101123")
    assert identity.validate(number) == number


def test_normalise_full_width_blanks_and_lower_x():
    assert identity.validate(" １１０１０５ 19491231002ｘ\u3000") == STANDARD


def test_gender_of_and_mask():
    assert identity.gender_of(STANDARD) == "女"  # 17th digit 2: even
    assert identity.gender_of(_number("65010219800101123")) == "男"
    assert identity.mask(STANDARD) == "110105********002X"


def test_hash_is_keyed_by_id_hash_key_never_by_secret_key(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.ID_HASH_KEY = "one key"
    first = identity.id_hash(STANDARD)
    assert len(first) == 64 and STANDARD not in first
    assert identity.hash_key() == b"one key"
    settings.ID_HASH_KEY = "another key"
    assert identity.id_hash(STANDARD) != first
    assert identity.id_hash(STANDARD.lower()) == identity.id_hash(STANDARD)
    # Changing SECRET_KEY changes nothing: the hash key is not derived from it.
    before = identity.id_hash(STANDARD)
    settings.SECRET_KEY = "a different secret key for this test only"
    assert identity.id_hash(STANDARD) == before
    assert identity.hash_key() != identity.legacy_hash_key()


def test_development_key_is_generated_once_into_var_with_mode_0600(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.ID_HASH_KEY = ""
    key = identity.hash_key()
    path = tmp_path / "keys" / "id_hash_key"
    assert path.read_text().strip().encode() == key and len(key) >= 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert identity.hash_key() == key  # the same key on the next call
    settings.SECRET_KEY = "rotated secret key"
    assert identity.hash_key() == key


def test_stored_forms_carry_no_birth_data():
    number = _number("65010219850613123")
    stored = identity.from_id_number(number)
    assert set(stored) == {"id_hash", "id_masked", "gender"}
    assert "19850613" not in "".join(stored.values()) and "198506" not in "".join(stored.values())


def test_birth_date_and_number_recovered_from_hash_and_mask_only_with_the_key(settings):
    number = _number("65010219850613123")
    stored = identity.from_id_number(number)
    assert stored["gender"] == "男"
    assert identity.recover_birth_date(stored["id_hash"], stored["id_masked"]) == dt.date(
        1985, 6, 13
    )
    assert identity.full_number(stored["id_hash"], stored["id_masked"]) == number
    assert identity.birth_month_of(number) == "1985-06" and identity.birth_month_of(None) == ""
    # Another key: the stored forms say nothing more.
    assert identity.full_number(stored["id_hash"], stored["id_masked"], b"wrong key") is None
    assert identity.full_number("zz" * 32, stored["id_masked"]) is None
    assert identity.full_number(stored["id_hash"], "650102") is None


def test_from_id_number_refuses_a_bad_number():
    with pytest.raises(identity.InvalidIdNumber, match="校验码错误"):
        identity.from_id_number("110105194912310021")


@pytest.mark.parametrize("key", ["short", "k" * 64, "a much longer key " * 8])
def test_recovery_matches_hmac_for_keys_of_any_length(settings, key):
    # The search computes HMAC by hand (pads hashed once); it must agree with hmac for keys
    # shorter than, equal to and longer than SHA-256's block.
    settings.ID_HASH_KEY = key
    number = _number("65290119991231001")
    stored = identity.from_id_number(number)
    assert identity.full_number(stored["id_hash"], stored["id_masked"]) == number


@pytest.mark.parametrize("birth", ["19200101", "19211231", "19860704", "20260101"])
def test_recovery_searches_every_year_from_1920_to_this_one(birth):
    # The search starts at the likely working age and goes outward: the earliest and the
    # latest birth years are still reached.
    year = dt.date.today().year
    birth = birth.replace("2026", str(year))
    number = _number(f"650102{birth}123")
    stored = identity.from_id_number(number)
    assert identity.full_number(stored["id_hash"], stored["id_masked"]) == number
    years = [int(d[:4]) for d in identity._dates_by_residue(year)[0]]
    assert set(years) == set(range(identity.EARLIEST_BIRTH_YEAR, year + 1))
    assert years[0] == year - identity.LIKELY_AGE
