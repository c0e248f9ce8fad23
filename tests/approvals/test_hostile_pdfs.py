"""Bounded verification: hostile PDFs built at test time get a verdict, never a 500, and the
check runs in a child process whose limits are checked from inside the child.

Also: one verdict for the page, the API and ``manage.py verify_pdf`` — a visible unsigned
signature-field overlay added after signing, and a revoked certificate, are rejected by all three.
"""

from __future__ import annotations

import io
import json
import resource

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from approvals import sandbox
from approvals.issuing.issue import issue_approval
from approvals.issuing.revocation import revoke_certificate
from approvals.verification import Verdict, verify_pdf_bytes

from . import hostile_pdfs, sandbox_probes
from .helpers import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(authority, signing_key):
    document = issue_approval(make_document(authority, 1))
    return document.certificates.get()


@pytest.fixture
def certificate_pdf(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return hostile_pdfs.flate_bomb_xref()


# --- the child's limits, checked from inside the child ----------------------------------------


def test_child_runs_under_memory_cpu_and_file_limits():
    limits = sandbox.run_bounded(sandbox_probes.report)["limits"]
    memory_soft, memory_hard = limits["as"]
    assert memory_soft == memory_hard != resource.RLIM_INFINITY
    # The child's starting size plus 512 MB; well under what a bomb would need.
    assert memory_hard <= sandbox.address_space_kb() * 1024 + 600 * 1024 * 1024
    assert limits["cpu"] == [20, 21]
    assert limits["fsize"] == [0, 0]


def test_child_cannot_exceed_its_memory(settings):
    assert sandbox.run_bounded(sandbox_probes.allocate, 2 * 1024**3) is None
    assert sandbox.run_bounded(sandbox_probes.allocate, 1024) == 1024  # small work is fine


def test_child_is_stopped_by_its_cpu_limit(settings):
    settings.APPROVALS_VERIFY_SANDBOX = {"cpu_seconds": 1, "wall_seconds": 120}
    assert sandbox.run_bounded(sandbox_probes.spin) is None


def test_child_answer_is_capped_and_it_writes_no_file(settings, tmp_path):
    settings.APPROVALS_VERIFY_SANDBOX = {"output_bytes": 10_000}
    assert sandbox.run_bounded(sandbox_probes.shout, 20_000) is None
    assert sandbox.run_bounded(sandbox_probes.shout, 100) == "x" * 100
    assert sandbox.run_bounded(sandbox_probes.write_file, str(tmp_path / "f")) is None
    assert not (tmp_path / "f").exists() or (tmp_path / "f").stat().st_size == 0


# --- hostile files: a verdict, never a 500 ----------------------------------------------------


def test_flate_bomb_in_the_xref_stream_is_too_complex(client, signing_key, bomb):
    assert len(bomb) < 64 * 1024  # a small file …
    verdict = verify_pdf_bytes(bomb)  # … that would inflate to 1 GB
    assert verdict.verdict == Verdict.TOO_COMPLEX
    assert "文件过于复杂，无法核验" in verdict.message
    response = client.post("/api/v1/verify/pdf", bomb, content_type="application/pdf")
    assert response.status_code == 200 and response.json()["verdict"] == "too_complex"
    page = client.post("/verify/", {"file": SimpleUploadedFile("b.pdf", bomb)})
    assert page.status_code == 200 and "文件过于复杂" in page.content.decode()


def test_300_signature_fields_on_our_signature_are_too_complex(client, certificate_pdf):
    hostile = hostile_pdfs.many_signature_fields(certificate_pdf, 300)
    assert hostile.startswith(certificate_pdf)
    verdict = verify_pdf_bytes(hostile)
    assert verdict.verdict == Verdict.TOO_COMPLEX, verdict
    response = client.post("/api/v1/verify/pdf", hostile, content_type="application/pdf")
    assert response.status_code == 200 and response.json()["verdict"] == "too_complex"


# --- one verdict everywhere: overlay and revoked ----------------------------------------------


def _command(path) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("verify_pdf", str(path), "--json", stdout=out)
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code
    return code, json.loads(out.getvalue())


def test_visible_overlay_is_tampered_on_the_page_the_api_and_the_command(
    client, certificate_pdf, tmp_path
):
    hostile = hostile_pdfs.visible_overlay(certificate_pdf)
    assert hostile.startswith(certificate_pdf)
    assert verify_pdf_bytes(hostile).verdict == Verdict.TAMPERED
    api = client.post("/api/v1/verify/pdf", hostile, content_type="application/pdf").json()
    assert api["verdict"] == "tampered" and "未签名签名域" in api["message"]
    page = client.post("/verify/", {"file": SimpleUploadedFile("o.pdf", hostile)})
    assert "已被篡改" in page.content.decode()
    path = tmp_path / "overlay.pdf"
    path.write_bytes(hostile)
    code, data = _command(path)
    assert code == 1 and data["verdict"] == "tampered"


def test_revoked_certificate_is_revoked_on_the_page_the_api_and_the_command(
    client, certificate, certificate_pdf, tmp_path
):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf)
    code, data = _command(path)
    assert code == 0 and data["verdict"] == "valid"
    assert data["certificate"]["number"] == certificate.number

    revoke_certificate(certificate, "证书信息有误")
    api = client.post("/api/v1/verify/pdf", certificate_pdf, content_type="application/pdf")
    assert api.json()["verdict"] == "revoked"
    page = client.post("/verify/", {"file": SimpleUploadedFile("c.pdf", certificate_pdf)})
    assert "已撤销" in page.content.decode()
    code, data = _command(path)
    assert code == 1 and data["verdict"] == "revoked"


def test_command_refuses_a_signed_pdf_the_platform_has_no_record_of(signing_key, tmp_path):
    from approvals.crypto.signing import sign_rendered
    from approvals.pdf.certificate import render_certificate

    from . import pdf_samples

    signed = sign_rendered(render_certificate(pdf_samples.certificate()), signing_key, reason="测")
    path = tmp_path / "unrecorded.pdf"
    path.write_bytes(signed)
    code, data = _command(path)
    assert code == 1 and data["verdict"] == "unknown"
