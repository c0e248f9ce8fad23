"""No ID characters in public answers: a crawl of the whole demo with issued certificates, and a
brute-force view of what the public data gives an attacker towards the retrieval secret."""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command

from approvals.models import Certificate
from website import identity, rekeying

pytestmark = pytest.mark.django_db

# Runs of ID-like characters standing on their own (not inside a hash, a token or a word):
# digits, X and the mask's asterisks.
RUN = re.compile(r"(?<![0-9A-Za-z])[0-9X*]{4,}(?![0-9A-Za-z])")
# What the seed notices legitimately print and may share 4 characters with an ID by chance:
# telephone numbers (tel: links, 0991-4871993), a year on its own (2025年度, 〔1999〕) and
# calendar dates (20241001, 20261128T202434Z) — a date is still caught when it is a stored
# person's birth date.
TEL_LINK = re.compile(r'<a href="tel:[0-9+-]+">[^<]*</a>')
LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}[-—–－]\d{7,8}(?![0-9])")
# Database keys in addresses (/api/v1/documents/9861, ?entry=9861, #doc-9861): on PostgreSQL
# the sequences run on across tests and may share 4 digits with an ID by chance.
DB_KEY = re.compile(r"(/|[?&](?:entry|page|pk|id)=|#doc-)\d+(?=[/\"'<\s?#&]|$)")
# Times of day in feeds and APIs (<updated>…T22:00:10.024942+00:00): their microseconds are
# 6 random digits.
CLOCK_TIME = re.compile(r"\d{2}:\d{2}:\d{2}(?:\.\d+)?")
YEAR = re.compile(r"^(19|20)\d\d$")
DATE = re.compile(r"^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(\d{6})?$")


def is_text(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip()
    return kind.startswith("text/") or kind.endswith(("/json", "+xml", "/xml"))


SKIP_PREFIXES = ("/admin", "/static/", "/documents/", "/certificates/download/")
MAX_PAGES = 600


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


def stored_id_numbers() -> set[str]:
    """The whole ID number of every stored person, worked back from hash and mask with the key."""
    numbers = set()
    for model in rekeying.models_with_id_hash():
        for digest, masked in model._default_manager.values_list("id_hash", "id_masked"):
            number = identity.full_number(digest, masked)
            if number:
                numbers.add(number)
    return numbers


@dataclass(frozen=True)
class Fragments:
    pieces: frozenset[str]  # every 4 consecutive characters of every number (mask digits too)
    births: frozenset[str]  # every birth date YYYYMMDD


def fragments(numbers: set[str]) -> Fragments:
    pieces = set()
    for number in numbers:
        pieces.update(number[i : i + 4] for i in range(len(number) - 3))
    return Fragments(frozenset(pieces), frozenset(n[6:14] for n in numbers))


def leaks(body: str, known: Fragments) -> list[str]:
    """ID fragments in `body`: any run holding 4 consecutive characters of a stored number."""
    body = DB_KEY.sub(r"\1", LANDLINE.sub(" ", TEL_LINK.sub(" ", body)))
    body = CLOCK_TIME.sub(" ", body)
    hits = []
    for run in RUN.findall(body):
        if "*" in run:
            hits.append(run)  # a mask of any kind has no place on a public page
        elif YEAR.match(run):
            continue
        elif DATE.match(run):
            hits.extend(birth for birth in known.births if birth in run)
        else:
            hits.extend(
                run[i : i + 4] for i in range(len(run) - 3) if run[i : i + 4] in known.pieces
            )
    return hits


def _local(url: str, base: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc not in ("testserver", "localhost"):
        return None
    path = parts.path or base
    if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
        return None
    query = urlencode(parse_qsl(parts.query)[:3])
    return f"{path}?{query}" if query else path


def crawl(client, seeds: list[str]) -> dict[str, str]:
    """GET every public address reachable from `seeds`; text bodies by address."""
    seen: dict[str, str] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        content_type = response.get("Content-Type", "")
        if response.streaming or not is_text(content_type):
            seen[url] = ""  # PDFs, DOCX, images: binary, not scanned
            continue
        body = response.content.decode(errors="replace")
        seen[url] = body
        if "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(body)
            for link in parser.found:
                local = _local(link, url.split("?")[0])
                if local and local not in seen:
                    queue.append(local)
    return seen


@pytest.fixture
def demo(db, settings):
    settings.APPROVALS_VERIFY_LIMITS = {
        "upload": (10_000, 60), "number": (10_000, 60), "token": (10_000, 60),
    }  # fmt: skip
    cache.clear()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    certificates = list(Certificate.objects.public())
    assert certificates, "the demo issues certificates"
    yield certificates
    cache.clear()


def test_no_public_page_or_api_answer_shows_any_id_fragment(client, demo):
    numbers = stored_id_numbers()
    assert len(numbers) >= len(demo)  # every holder's number is known to the test
    pieces = fragments(numbers)
    seeds = ["/", "/sitemap.xml", "/verify/", "/certificates/download/", "/keys/"]
    for certificate in demo:
        seeds += [
            f"/verify/?number={certificate.number}",
            f"/verify/t/{certificate.token}",
            f"/api/v1/certificates/{certificate.number}",
            f"/api/v1/verify/token?token={certificate.token}",
        ]
    seeds += ["/api/v1/openapi.json", "/keys/keys.json", "/notices/feed/rss/"]
    bodies = crawl(client, seeds)
    # Uploading the holder's own PDF (which prints the whole number) gives a public answer too.
    for certificate in demo[:2]:
        with certificate.pdf.open("rb") as handle:
            answer = client.post("/api/v1/verify/pdf", {"file": handle})
        assert answer.json()["verdict"] == "valid"
        bodies[f"POST verify/pdf {certificate.number}"] = answer.content.decode()
        with certificate.pdf.open("rb") as handle:
            page = client.post("/verify/", {"file": handle})
        bodies[f"POST /verify/ {certificate.number}"] = page.content.decode()

    assert len(bodies) > 40  # the crawl really went through the site
    # The answers do carry what a verifier needs.
    api = json.loads(bodies[f"/api/v1/certificates/{demo[0].number}"])["certificate"]
    assert api["name"] == demo[0].name and api["authority"] and api["document_number"]
    assert not {"id_masked", "gender", "birth_month", "id_hash"} & set(api)
    found = {url: leaks(body, pieces) for url, body in bodies.items()}
    assert {url: hits for url, hits in found.items() if hits} == {}


def test_the_crawl_check_catches_a_leak():
    # The detector itself: a mask, a tail or a birth date on a page is caught.
    number = "650102198506120013"
    known = fragments({number})
    assert leaks("<td>650102********0013</td>", known)
    assert leaks("<td>******0013</td>", known)
    assert leaks("身份证号后四位 0013", known) == ["0013"]
    assert leaks("后六位 120013", known)
    assert leaks("出生 19850612", known) == ["19850612"]
    assert leaks('{"id": "6501021985"}', known)
    # Not flagged: hashes and tokens (one word), years, other dates, telephone numbers.
    assert not leaks("TOUTUNHE-2024-000127 sha256 ab3f6501020013ff 1985年", known)
    assert not leaks('DTSTART:20241001 <a href="tel:09916501020">0991-6501020</a>', known)


def test_public_data_gives_no_part_of_the_retrieval_secret(client, demo, settings):
    """Brute force as the issue did it: take everything public about a holder, then try it.

    The public answers carry no character of the number; the secret is the whole number, and
    a number right in all but one character is refused like any other.
    """
    settings.APPROVALS_RETRIEVAL_LIMITS = {"global_failures": (10_000, 60), "link_seconds": 600}
    certificate = demo[0]
    number = identity.full_number(certificate.id_hash, certificate.id_masked)
    public = "".join(
        client.get(url).content.decode()
        for url in (
            f"/api/v1/certificates/{certificate.number}",
            f"/verify/?number={certificate.number}",
            f"/verify/t/{certificate.token}",
        )
    )
    assert certificate.name in public
    assert not leaks(public, fragments({number}))
    # Neither the mask's digits nor the birth date nor the tail appear in any form.
    for part in (number[:6], number[6:14], number[-4:], number[-6:]):
        assert part not in public

    url = "/certificates/download/"
    right = {"name": certificate.name, "id_number": number}
    near_misses = []
    for position in range(17):  # change one digit, fix the check character: still valid input
        digit = str((int(number[position]) + 1) % 10)
        first17 = number[:position] + digit + number[position + 1 : 17]
        candidate = first17 + identity.check_digit(first17)
        try:
            identity.validate(candidate)
        except identity.InvalidIdNumber:
            continue  # e.g. a birth date that does not exist
        near_misses.append(candidate)
    assert len(near_misses) >= 10
    for n, candidate in enumerate(near_misses):
        response = client.post(url, dict(right, id_number=candidate), REMOTE_ADDR=f"192.0.2.{n}")
        assert response.status_code == 400, candidate
    # The last four characters alone, or the "last six" of the old form, are not accepted.
    assert client.post(url, dict(right, id_number=number[-6:])).status_code == 400
    response = client.post(url, right, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 200 and certificate.number in response.content.decode()
