"""Every public address answers as it does today: status code and content type.

One site with a published notice (and its template attachments), a running publicity, an
issued approval document with its certificate, and signing keys; then each public URL is
requested anonymously. A renamed route, a moved view or a page type that stops serving makes
this fail, whatever the unit tests of each app say.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches

from tests.factories import PublicityEntryFactory, PublicityPageFactory, SigningKeyFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DURING = dt.datetime(2023, 11, 2, 10, 0, tzinfo=SHANGHAI)  # the publicity runs 11-01 … 11-07
AFTER = dt.datetime(2023, 11, 20, 10, 0, tzinfo=SHANGHAI)

HTML = "text/html; charset=utf-8"
JSON = "application/json"


@pytest.fixture
def site(home_page, authority, settings):
    """The public site's pages and objects, with the values the URLs below need."""
    from approvals.demo import ensure_index as ensure_approval_index
    from approvals.issuing.issue import issue_approval
    from notices.demo import ensure_index_pages
    from notices.models import NoticePage, TemplatePage
    from publicity.demo import ensure_index as ensure_publicity_index
    from tests.approvals.helpers import make_document
    from tests.notices.conftest import import_seed

    for cache in settings.CACHES:
        caches[cache].clear()
    ensure_index_pages()
    notice = import_seed("2023-bayingol-engineering-notice.txt", "bayingol")
    # A roster template if the seed has one: it offers the XLSX download too.
    template = TemplatePage.objects.live().order_by("-offer_xlsx", "pk").first()
    ensure_approval_index()
    key = SigningKeyFactory(authority=authority)
    document = issue_approval(make_document(authority, 1))
    certificate = document.certificates.get()
    with time_machine.travel(DURING, tick=False):
        publicity = PublicityPageFactory(
            parent=ensure_publicity_index(home_page),
            authority=authority,
            start_date=dt.date(2023, 11, 1),
        )
        entry = PublicityEntryFactory(publicity=publicity)
        publicity.save_revision().publish()
    publicity.refresh_from_db()
    return {
        "notice": NoticePage.objects.get(pk=notice.pk),
        "template": template,
        "publicity": publicity,
        "entry": entry,
        "key": key,
        "certificate": certificate,
    }


def public_urls(site) -> list[tuple[str, int, str]]:
    """(URL, status, content type) of every public address while the publicity runs."""
    notice, template, publicity = site["notice"], site["template"], site["publicity"]
    certificate, key = site["certificate"], site["key"]
    formats = template.formats()
    assert {"pdf", "docx"} <= set(formats)
    return [
        ("/", 200, HTML),
        ("/notices/", 200, HTML),
        ("/notices/?page=2&year=2023", 200, HTML),
        (notice.url, 200, HTML),
        ("/notices/feed/rss/", 200, "application/rss+xml; charset=utf-8"),
        ("/notices/feed/atom/", 200, "application/atom+xml; charset=utf-8"),
        (f"/notices/{notice.pk}/calendar.ics", 200, "text/calendar; charset=utf-8"),
        ("/downloads/", 200, HTML),
        (template.url, 200, HTML),
        *[
            (f"/downloads/{template.pk}/{fmt}/", 200, content_type)
            for fmt, content_type in (
                ("pdf", "application/pdf"),
                ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )
            if fmt in formats
        ],
        ("/publicity/", 200, HTML),
        (publicity.url, 200, HTML),
        (publicity.objection_url(), 200, HTML),
        (f"{publicity.objection_url()}?entry={site['entry'].pk}", 200, HTML),
        ("/publicity/period/?start=2023-11-01&days=5", 200, JSON),
        ("/approvals/", 200, HTML),
        ("/approvals/?year=2024&page=1", 200, HTML),
        ("/certificates/download/", 200, HTML),
        ("/verify/", 200, HTML),
        (f"/verify/?number={certificate.number}", 200, HTML),
        (f"/verify/t/{certificate.token}", 200, HTML),
        (f"/api/v1/certificates/{certificate.number}", 200, JSON),
        (f"/api/v1/verify/token?token={certificate.token}", 200, JSON),
        ("/api/v1/openapi.json", 200, JSON),
        ("/keys/", 200, HTML),
        ("/keys/ca.pem", 200, "application/x-pem-file"),
        ("/keys/ca.crl", 200, "application/pkix-crl"),
        ("/keys/keys.json", 200, JSON),
        (f"/keys/{key.key_id}.pem", 200, "application/x-pem-file"),
        ("/search/?q=职称", 200, HTML),
        ("/sitemap.xml", 200, "application/xml"),
        ("/healthz", 200, JSON),
        ("/no-such-page/", 404, HTML),
    ]


def test_every_public_url_answers(client, site):
    with time_machine.travel(DURING, tick=False):
        answers = {
            url: (response.status_code, response["Content-Type"])
            for url, response in ((url, client.get(url)) for url, _, _ in public_urls(site))
        }
    expected = {url: (status, content_type) for url, status, content_type in public_urls(site)}
    assert answers == expected


def test_posted_answers(client, site):
    """The addresses that take a POST: a PDF to check, and the list that refuses one."""
    from approvals.models import private_storage

    with private_storage().open(site["certificate"].pdf.name, "rb") as handle:
        pdf = handle.read()
    response = client.generic("POST", "/api/v1/verify/pdf", pdf, content_type="application/pdf")
    assert (response.status_code, response["Content-Type"]) == (200, JSON)
    with time_machine.travel(DURING, tick=False):
        response = client.post(site["publicity"].url)
    assert response.status_code == 405


def test_an_ended_publicity_is_a_record_before_and_after_the_scheduler(client, site):
    """Its names are gone; its address stays a public record (200, noindex) and its objection
    address is closed for good (410), before and after the scheduler unpublishes it."""
    from django.core.management import call_command

    publicity = site["publicity"]
    names = list(publicity.entries.values_list("name", flat=True))
    with time_machine.travel(AFTER, tick=False):
        response = client.get(publicity.objection_url())
        assert (response.status_code, response["Content-Type"]) == (410, HTML)
        response = client.get(publicity.url)
        assert (response.status_code, response["Content-Type"]) == (200, HTML)
        html = response.content.decode()
        assert "noindex" in html and not any(name in html for name in names)
        call_command("publish_scheduled")
        publicity.refresh_from_db()
        assert not publicity.live
        response = client.get(publicity.url)
        assert (response.status_code, response["Content-Type"]) == (200, HTML)
        assert not any(name in response.content.decode() for name in names)
        # The objection form's address of an unpublished publicity is not found (as before).
        assert client.get(publicity.objection_url()).status_code == 404
