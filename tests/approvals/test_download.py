"""证书下载: number + name + last six ID characters, one message for any mismatch, rate limits."""

from __future__ import annotations

import hashlib

import pytest

from approvals.issuing.issue import issue_approval
from approvals.retrieval import DOWNLOAD_FAILED, RATE_LIMITED

from .helpers import id_number, make_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]
URL = "/certificates/download/"


@pytest.fixture
def issued(authority, signing_key):
    return issue_approval(make_document(authority, 2))


def test_right_secret_downloads_signed_pdf(client, issued):
    certificate = issued.certificates.order_by("number").first()
    response = client.post(
        URL, {"number": certificate.number.lower(), "name": "王小明", "id_tail": id_number(1)[-6:]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256


@pytest.mark.parametrize(
    "change",
    [
        {"name": "王晓明"},
        {"id_tail": "123456"},
        {"number": "TOUTUNHE-2024-999999"},
    ],
)
def test_any_mismatch_gives_the_same_message(client, issued, change):
    data = {"number": "TOUTUNHE-2024-000001", "name": "王小明", "id_tail": id_number(1)[-6:]}
    data.update(change)
    response = client.post(URL, data)
    assert response.status_code == 400
    assert DOWNLOAD_FAILED in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_form_page_is_never_cached(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "身份证号后六位" in response.content.decode()


def test_rate_limit_per_number(client, issued, settings):
    settings.APPROVALS_DOWNLOAD_LIMITS = {"client": (100, 600), "number": (3, 3600)}
    wrong = {"number": "TOUTUNHE-2024-000001", "name": "王小明", "id_tail": "000000"}
    for _ in range(3):
        assert client.post(URL, wrong).status_code == 400
    # Even the right secret is refused while the number is locked.
    right = dict(wrong, id_tail=id_number(1)[-6:])
    response = client.post(URL, right, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert RATE_LIMITED in response.content.decode()


def test_rate_limit_per_client(client, issued, settings):
    settings.APPROVALS_DOWNLOAD_LIMITS = {"client": (2, 600), "number": (100, 3600)}
    for n in range(2):
        data = {"number": f"TOUTUNHE-2024-00000{n + 1}", "name": "某", "id_tail": "000000"}
        assert client.post(URL, data).status_code == 400
    data = {"number": "TOUTUNHE-2024-000002", "name": "李华", "id_tail": id_number(2)[-6:]}
    assert client.post(URL, data).status_code == 429
    # Another client is not affected.
    assert client.post(URL, data, REMOTE_ADDR="10.1.1.1").status_code == 200


def test_unissued_certificate_cannot_be_downloaded(client, authority, signing_key, monkeypatch):
    from approvals.issuing import issue as issuing

    document = make_document(authority, 1)
    monkeypatch.setattr(issuing, "finalize", lambda doc, user=None: doc)
    issue_approval(document)  # certificates exist, document still "issuing"
    data = {"number": "TOUTUNHE-2024-000001", "name": "王小明", "id_tail": id_number(1)[-6:]}
    assert client.post(URL, data).status_code == 400


def test_short_tail_is_a_form_error(client, db):
    response = client.post(URL, {"number": "X", "name": "王小明", "id_tail": "12"})
    assert response.status_code == 400
    assert "请输入身份证号码的最后六位" in response.content.decode()


def test_spoofed_forwarded_for_is_ignored_and_trusted_proxy_honoured(client, issued, settings):
    settings.APPROVALS_DOWNLOAD_LIMITS = {"client": (1, 600), "number": (100, 3600)}
    settings.TRUSTED_PROXIES = ["10.9.9.0/24"]
    data = {"number": "TOUTUNHE-2024-000002", "name": "李华", "id_tail": id_number(2)[-6:]}
    assert client.post(URL, data, REMOTE_ADDR="10.1.1.1").status_code == 200
    # Not a trusted proxy: a made-up X-Forwarded-For does not make a new client.
    spoofed = client.post(URL, data, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert spoofed.status_code == 429
    # Through the trusted proxy, each forwarded client has its own counter.
    via_proxy = {"REMOTE_ADDR": "10.9.9.1", "HTTP_X_FORWARDED_FOR": "7.7.7.7"}
    assert client.post(URL, data, **via_proxy).status_code == 200
    assert client.post(URL, data, **via_proxy).status_code == 429
