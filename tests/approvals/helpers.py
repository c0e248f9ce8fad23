"""Builders for approval documents in tests (plain functions; fixtures live in each module)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.conf import settings

from approvals.crypto.keys import build_crl
from approvals.models import ApprovalDocument
from tests.factories import ApprovalDocumentFactory, ApprovedPersonFactory, chinese_id_number

NAMES = ["王小明", "李华", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏"]


def id_number(i: int, birth: str = "19850612") -> str:
    """A valid GB 11643 number of Urumqi's Tianshan district (650102), different for each i:
    the tests that type it back (download check, admin form) recompute it from ``i``."""
    return chinese_id_number(
        region="650102", birth=dt.datetime.strptime(birth, "%Y%m%d").date(), sequence=i
    )


def person_name(i: int) -> str:
    """王小明, 李华, … then 王小明一〇, … (names only, so no digits in a Chinese name)."""
    suffix = "" if i < len(NAMES) else str(i)
    return NAMES[i % len(NAMES)] + suffix.translate(
        str.maketrans("0123456789", "〇一二三四五六七八九")
    )


def require_tools(*tools: str) -> None:
    """Skip when a command-line tool is missing (pdftoppm, zbarimg…), but fail on CI."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI 缺少工具：{missing}")
        pytest.skip(f"missing {missing}")


def make_document(
    authority,
    n: int = 3,
    *,
    title: str = "关于王小明等同志取得工程师资格的通知",
    date: dt.date = dt.date(2024, 9, 1),
    **extra,
) -> ApprovalDocument:
    """A draft document with `n` persons (valid ID numbers, hashed and masked)."""
    document = ApprovalDocumentFactory(authority=authority, title=title, date=date, **extra)
    for i in range(n):
        ApprovedPersonFactory(
            document=document, sort_order=i, name=person_name(i), id_number=id_number(i + 1)
        )
    return document


def pdfsig_output(signed: bytes, signing_key, tmp_path) -> str:
    """What poppler's pdfsig says of ``signed`` when it trusts the platform CA (with its CRL)."""
    nss = tmp_path / "nss"
    nss.mkdir()
    (tmp_path / "ca.pem").write_text(signing_key.ca.certificate_pem)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{nss}",
            "-n",
            "platform-ca",
            "-t",
            "CT,C,C",
            "-i",
            str(tmp_path / "ca.pem"),
        ],
        check=True,
        capture_output=True,
    )
    # The CA's CRL (the certificate names its distribution point): pdfsig -no-ocsp needs it.
    (tmp_path / "ca.crl").write_bytes(build_crl(signing_key.ca))
    subprocess.run(
        ["crlutil", "-I", "-d", f"sql:{nss}", "-i", str(tmp_path / "ca.crl"), "-t", "1"],
        check=True,
        capture_output=True,
    )
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(signed)
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", "-no-ocsp", str(pdf)], capture_output=True, text=True
    )
    return result.stdout + result.stderr


def concurrent_on_postgresql(reason: str):
    """A test of concurrent transactions: real commits, and skipped unless the database is
    PostgreSQL (SQLite serialises every write, so nothing would run at once)."""

    def mark(test):
        test = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
        postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
        return pytest.mark.skipif(not postgresql, reason=reason)(test)

    return mark


def signing_authority():
    """头屯河区人社局 with the platform CA and an active signing key, committed (for tests that
    run outside the test transaction)."""
    from approvals.crypto.keys import create_signing_key, ensure_ca
    from website.demo import ensure_authorities

    authority = ensure_authorities()["toutunhe"]
    ensure_ca()
    create_signing_key(authority)
    return authority
