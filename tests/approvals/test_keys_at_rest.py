"""Keys at rest: the KEK is checked at start, the CRL is a stored file signed by a command."""

import base64
import datetime as dt
import runpy
from pathlib import Path

import pytest
from cryptography import x509
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from approvals.crypto import crl
from approvals.crypto.keys import ensure_ca

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
WRONG_KEK = base64.b64encode(b"w" * 32).decode()


@pytest.fixture
def ca():
    return ensure_ca()


def test_the_right_kek_passes_the_deployment_check(ca):
    assert crl.verify_kek() is True
    assert [e for e in run_checks(tags=["signing_keys"], include_deployment_checks=True)] == []


def test_a_wrong_kek_fails_the_check_with_a_clear_message(ca, settings):
    settings.SIGNING_KEK = WRONG_KEK
    errors = run_checks(tags=["signing_keys"], include_deployment_checks=True)
    assert [error.id for error in errors] == ["approvals.E001"]
    assert "SIGNING_KEK" in errors[0].msg
    with pytest.raises(SystemCheckError, match="SIGNING_KEK"):
        call_command("check", deploy=True, tags=["signing_keys"])


def test_gunicorn_refuses_to_start_on_a_wrong_kek(ca, settings):
    settings.SIGNING_KEK = WRONG_KEK
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    logged = []

    class Server:
        class log:
            @staticmethod
            def error(message, *args):
                logged.append(message % args)

    with pytest.raises(SystemExit, match="启动检查失败"):
        conf["on_starting"](Server())
    assert "SIGNING_KEK" in logged[0]
    settings.SIGNING_KEK = ""
    conf["on_starting"](Server())  # the right key: starts


def test_healthz_reports_a_wrong_kek(client, ca, settings):
    settings.SIGNING_KEK = WRONG_KEK
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["keys"] == "error: SigningKeyError"


def test_refresh_crl_stores_a_signed_list_that_the_view_serves_without_the_key(
    client, ca, monkeypatch
):
    call_command("refresh_crl")
    stored = crl.stored_crl()
    assert stored is not None
    parsed = x509.load_der_x509_crl(stored)
    ca_cert = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    assert parsed.is_signature_valid(ca_cert.public_key())

    def no_decrypting(*args, **kwargs):
        raise AssertionError("the web view decrypted the root key")

    monkeypatch.setattr("approvals.crypto.keys.decrypt_private_key", no_decrypting)
    monkeypatch.setattr("approvals.crypto.crl.build_crl", no_decrypting)
    for _ in range(3):
        response = client.get("/keys/ca.crl")
        assert response.status_code == 200
        assert response.content == stored


def test_a_missing_or_expiring_list_is_signed_again(client, ca):
    from django.core.files.storage import storages

    storage = storages["private"]
    if storage.exists(crl.CRL_NAME):
        storage.delete(crl.CRL_NAME)
    response = client.get("/keys/ca.crl")
    assert response.status_code == 200
    assert storage.exists(crl.CRL_NAME)
    first = crl.stored_crl()
    # Within the refresh margin of its nextUpdate, the stored list no longer counts as fresh.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=25)
    assert crl.stored_crl(now=later) is None
    assert first is not None


def test_crl_file_is_private_to_the_service_user(ca):
    crl.refresh_crl()
    from django.core.files.storage import storages

    path = Path(storages["private"].path(crl.CRL_NAME))
    assert path.stat().st_mode & 0o077 == 0
    assert path.parent.stat().st_mode & 0o077 == 0


def test_scheduler_runs_refresh_crl(ca, settings):
    from django.core.files.storage import storages

    storage = storages["private"]
    if storage.exists(crl.CRL_NAME):
        storage.delete(crl.CRL_NAME)
    settings.SCHEDULER_JOBS = [("refresh_crl", 86400)]
    call_command("run_scheduler", "--once")
    assert crl.stored_crl() is not None
