"""JSON API /api/v1/… and its OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.issuing.issue import issue_approval
from approvals.models import private_storage
from approvals.verification import Verdict

from .helpers import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(authority, signing_key):
    return issue_approval(make_document(authority, 1))


def test_certificate_by_number(client, issued):
    response = client.get("/api/v1/certificates/TOUTUNHE-2024-000001")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["verdict"] == "valid"
    assert data["certificate"]["name"] == "王小明"
    assert data["document"]["number"] == issued.number
    certificate = data["certificate"]
    assert certificate["authority"] == issued.authority.name
    assert certificate["document_number"] == issued.number
    # What a verifier needs, never any ID character, gender or birth data (issue 13).
    assert not {"token", "id_hash", "id_masked", "gender", "birth_month"} & set(certificate)
    assert "650102" not in response.content.decode()


def test_unknown_number_is_404(client, issued):
    response = client.get("/api/v1/certificates/NOPE-1")
    assert response.status_code == 404 and response.json()["verdict"] == "unknown"


def test_verify_pdf_multipart_and_raw(client, issued):
    certificate = issued.certificates.get()
    with private_storage().open(certificate.pdf.name, "rb") as handle:
        data = handle.read()
    upload = SimpleUploadedFile("c.pdf", data, "application/pdf")
    response = client.post("/api/v1/verify/pdf", {"file": upload})
    assert response.json()["verdict"] == "valid"
    assert response.json()["sha256"] == certificate.pdf_sha256
    raw = client.post("/api/v1/verify/pdf", data, content_type="application/pdf")
    assert raw.json()["verdict"] == "valid"
    bad = client.post("/api/v1/verify/pdf", b"hello", content_type="application/pdf")
    assert bad.status_code == 200 and bad.json()["verdict"] == "not_pdf"
    empty = client.post("/api/v1/verify/pdf", b"", content_type="application/pdf")
    assert empty.status_code == 400


def test_verify_pdf_size_cap(client, issued, settings):
    settings.APPROVALS_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("c.pdf", b"%PDF-" + b"0" * 500, "application/pdf")
    assert client.post("/api/v1/verify/pdf", {"file": upload}).status_code == 413


def test_verify_token_get_post_json(client, issued, admin_user):
    from approvals.issuing.revocation import revoke_certificate

    certificate = issued.certificates.get()
    token = certificate.token
    assert client.get("/api/v1/verify/token", {"token": token}).json()["verdict"] == "valid"
    assert client.post("/api/v1/verify/token", {"token": token}).json()["verdict"] == "valid"
    as_json = client.post("/api/v1/verify/token", {"token": token}, content_type="application/json")
    assert as_json.json()["verdict"] == "valid"
    revoke_certificate(certificate, "证书信息有误", admin_user)
    data = client.get("/api/v1/verify/token", {"token": token}).json()
    assert data["verdict"] == "revoked" and data["certificate"]["revoked_reason"] == "证书信息有误"
    assert client.get("/api/v1/verify/token").status_code == 400
    assert client.get("/api/v1/verify/token", {"token": "abc.def"}).json()["verdict"] != "valid"


def test_openapi_schema_describes_every_path(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/certificates/{number}",
        "/api/v1/verify/pdf",
        "/api/v1/verify/token",
        # The read-only endpoints the apps register (website.api.contributed_schema).
        "/api/v1/notices/",
        "/api/v1/notices/{id}",
        "/api/v1/publicities/",
        "/api/v1/publicities/{id}",
        "/api/v1/documents/",
        "/api/v1/documents/{id}",
    }
    verdict = schema["components"]["schemas"]["Verification"]["properties"]["verdict"]
    assert verdict["enum"] == Verdict.values
    # Every $ref resolves.
    refs = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    refs.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    for ref in refs:
        name = ref.rsplit("/", 1)[1]
        assert name in schema["components"]["schemas"]


def test_api_verdicts_match_schema_enum(client, issued):
    for response in (
        client.get("/api/v1/certificates/TOUTUNHE-2024-000001"),
        client.get("/api/v1/certificates/X"),
        client.post("/api/v1/verify/pdf", b"x", content_type="application/pdf"),
    ):
        assert response.json()["verdict"] in Verdict.values


def test_lookups_and_uploads_are_rate_limited_per_client(client, issued, settings):
    from django.core.cache import cache

    cache.clear()
    settings.APPROVALS_VERIFY_LIMITS = {"upload": (1, 600), "number": (2, 60), "token": (1, 600)}
    url = "/api/v1/certificates/TOUTUNHE-2024-000001"
    assert client.get(url).status_code == 200
    # Walking sequential numbers: the page and the API share one per-client counter.
    assert client.get("/verify/", {"number": "TOUTUNHE-2024-000002"}).status_code == 200
    response = client.get(url.replace("01", "03"))
    assert response.status_code == 429 and "尝试次数过多" in response.json()["error"]
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["retry_after"] == int(response["Retry-After"])
    page = client.get("/verify/", {"number": "TOUTUNHE-2024-000004"})
    assert page.status_code == 429 and "尝试次数过多" in page.content.decode()
    assert "Retry-After" in page
    assert client.get(url, REMOTE_ADDR="10.2.2.2").status_code == 200
    assert client.get("/api/v1/verify/token", {"token": "x.y"}).status_code == 200
    assert client.get("/api/v1/verify/token", {"token": "x.y"}).status_code == 429
    first = client.post("/api/v1/verify/pdf", {"file": SimpleUploadedFile("a.pdf", b"x")})
    assert first.status_code == 200 and first.json()["verdict"] == "not_pdf"
    again = client.post("/api/v1/verify/pdf", {"file": SimpleUploadedFile("a.pdf", b"x")})
    assert again.status_code == 429
    # The verification page's upload shares the same counter.
    page = client.post("/verify/", {"file": SimpleUploadedFile("a.pdf", b"x")})
    assert page.status_code == 429 and "尝试次数过多" in page.content.decode()
    cache.clear()
