"""证书下载: name + whole ID number → every certificate of that person through signed links;
one message for any mismatch; back-off per client that never locks a holder out."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

from approvals import retrieval
from approvals.issuing.issue import issue_approval
from approvals.issuing.revocation import revoke_certificate
from approvals.retrieval import RETRIEVAL_FAILED
from website import ratelimit

from .helpers import id_number, make_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]
URL = "/certificates/download/"
LINK = re.compile(r'href="(/certificates/download/[^"/]+/)"')


@pytest.fixture
def issued(authority, signing_key):
    return issue_approval(make_document(authority, 2))


def holder(i: int = 1) -> dict:
    """The form data of the i-th person of make_document (王小明, 李华, …)."""
    return {"name": ["王小明", "李华"][i - 1], "id_number": id_number(i)}


def links(response) -> list[str]:
    return LINK.findall(response.content.decode())


def test_name_and_whole_id_list_every_certificate_of_the_holder(client, authority, issued):
    # The same person in a second document: one answer lists both certificates, no number asked.
    second = issue_approval(make_document(authority, 1, date=dt.date(2025, 3, 1)))
    response = client.post(URL, holder(1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    mine = {c.number for d in (issued, second) for c in d.certificates.filter(name="王小明")}
    assert len(mine) == 2 and all(number in html for number in mine)
    other = issued.certificates.get(name="李华").number
    assert other not in html
    assert len(links(response)) == 2
    # The page never echoes the ID number back, not even in the form.
    assert id_number(1) not in html and id_number(1)[-6:] not in html


def test_signed_link_downloads_the_signed_pdf(client, issued):
    certificate = issued.certificates.get(name="李华")
    [link] = links(client.post(URL, holder(2)))
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256


def test_links_expire_and_cannot_be_forged(client, issued, time_machine, settings):
    settings.APPROVALS_RETRIEVAL_LIMITS = {"global_failures": (100, 60), "link_seconds": 600}
    time_machine.move_to(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False)
    [link] = links(client.post(URL, holder(2)))
    token = link.split("/")[-2]
    other = issued.certificates.get(name="王小明")
    forged = token.replace(token.split(":")[0], f"{other.pk}", 1)
    assert client.get(f"/certificates/download/{forged}/").status_code == 410
    time_machine.move_to(dt.datetime(2026, 5, 1, 9, 9, tzinfo=dt.UTC), tick=False)
    assert client.get(link).status_code == 200
    time_machine.move_to(dt.datetime(2026, 5, 1, 9, 11, tzinfo=dt.UTC), tick=False)
    expired = client.get(link)
    assert expired.status_code == 410
    assert retrieval.LINK_EXPIRED in expired.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"name": "王晓明"},  # right ID, wrong name
        {"id_number": id_number(3)},  # valid number of nobody
        {"id_number": id_number(2)},  # another holder's number with this name
    ],
)
def test_any_mismatch_gives_the_same_message(client, issued, change):
    data = dict(holder(1), **change)
    response = client.post(URL, data)
    assert response.status_code == 400
    assert RETRIEVAL_FAILED in response.content.decode()
    assert not links(response)


def test_malformed_number_is_a_form_error_and_counts_no_failure(client, issued):
    for bad, message in [("650102", "应为18位"), (id_number(1)[:-1] + "0", "校验码错误")]:
        response = client.post(URL, dict(holder(1), id_number=bad))
        assert response.status_code == 400
        assert message in response.content.decode()
    assert retrieval.FAILURE_BACKOFF.failures(_request("127.0.0.1")) == 0


def test_form_asks_for_the_whole_number_and_is_never_cached(client, db):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "身份证号码" in html and "后六位" not in html
    assert 'name="id_number"' in html and 'name="number"' not in html


def test_unissued_certificate_is_not_listed(client, authority, signing_key, monkeypatch):
    from approvals.issuing import issue as issuing

    monkeypatch.setattr(issuing, "finalize", lambda doc, user=None: doc)
    issue_approval(make_document(authority, 1))  # certificates exist, document still "issuing"
    assert client.post(URL, holder(1)).status_code == 400


def test_revoked_certificate_is_still_the_holders(client, issued):
    revoke_certificate(issued.certificates.get(name="李华"), "证书信息有误")
    response = client.post(URL, holder(2))
    assert response.status_code == 200
    assert "已撤销" in response.content.decode() and len(links(response)) == 1


# --- limits: per-client back-off, global ceiling, never a lock-out by others ----------------


def _request(address: str):
    from django.test import RequestFactory

    return RequestFactory().post(URL, REMOTE_ADDR=address)


def test_failures_back_off_exponentially_with_retry_after(client, issued, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    wrong = dict(holder(1), id_number=id_number(9))
    for _ in range(retrieval.FAILURE_BACKOFF.free + 1):
        assert client.post(URL, wrong).status_code == 400
    waits = []
    for _ in range(3):
        refused = client.post(URL, holder(1))  # even the right secret waits on this client
        assert refused.status_code == 429
        assert "尝试次数过多" in refused.content.decode()
        waits.append(int(refused["Retry-After"]))
        now[0] += waits[-1]
        assert client.post(URL, wrong).status_code == 400
    assert waits == [2, 4, 8]
    assert client.post(URL, holder(1))["Retry-After"] == "16"
    now[0] += 16
    assert client.post(URL, holder(1)).status_code == 200
    # A success clears the client's record.
    assert client.post(URL, wrong).status_code == 400


def test_a_strangers_failures_never_block_the_holder(client, issued, settings):
    settings.APPROVALS_RETRIEVAL_LIMITS = {"global_failures": (5, 60), "link_seconds": 600}
    wrong = dict(holder(2), id_number=id_number(9))
    for _ in range(30):
        client.post(URL, wrong, REMOTE_ADDR="203.0.113.7")
    assert client.post(URL, holder(2), REMOTE_ADDR="203.0.113.7").status_code == 429
    # Global ceiling passed (30 failures > 5 a minute), yet the holder on another client gets in.
    assert client.post(URL, holder(2), REMOTE_ADDR="198.51.100.20").status_code == 200


def test_global_ceiling_holds_back_only_clients_that_failed(client, issued, settings):
    settings.APPROVALS_RETRIEVAL_LIMITS = {"global_failures": (5, 60), "link_seconds": 600}
    wrong = dict(holder(1), id_number=id_number(9))
    for n in range(5):  # a botnet: one failure from each address, no per-client back-off
        assert client.post(URL, wrong, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 400
    refused = client.post(URL, wrong, REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert client.post(URL, holder(1), REMOTE_ADDR="192.0.2.99").status_code == 200


def test_spoofed_forwarded_for_is_ignored_and_trusted_proxy_honoured(client, issued, settings):
    settings.TRUSTED_PROXIES = ["10.9.9.0/24"]
    wrong = dict(holder(2), id_number=id_number(9))
    for _ in range(retrieval.FAILURE_BACKOFF.free + 1):
        client.post(URL, wrong, REMOTE_ADDR="10.1.1.1")
    # Not a trusted proxy: a made-up X-Forwarded-For does not make a new client.
    spoofed = client.post(URL, holder(2), REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert spoofed.status_code == 429
    # Through the trusted proxy, each forwarded client has its own record.
    for _ in range(retrieval.FAILURE_BACKOFF.free + 1):
        client.post(URL, wrong, REMOTE_ADDR="10.9.9.1", HTTP_X_FORWARDED_FOR="7.7.7.7")
    blocked = {"REMOTE_ADDR": "10.9.9.1", "HTTP_X_FORWARDED_FOR": "7.7.7.7"}
    assert client.post(URL, holder(2), **blocked).status_code == 429
    # The same proxy, another client (a spoofed left end is never believed).
    other = {"REMOTE_ADDR": "10.9.9.1", "HTTP_X_FORWARDED_FOR": "7.7.7.7, 6.6.6.6"}
    assert client.post(URL, holder(2), **other).status_code == 200
