"""The read-only API (notices, publicities, documents), its OpenAPI schema and the feeds of
every column: the schema is valid OpenAPI 3, real answers validate against it, a publicity
gives names only while it runs and never a character of an ID number."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.management import call_command

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def demo(home_page):
    call_command("load_demo")


@pytest.fixture
def schema(client):
    from openapi_spec_validator import validate

    data = client.get("/api/v1/openapi.json").json()
    validate(data)  # raises on an invalid OpenAPI document
    return data


def check(schema: dict, path: str, status: int, body: dict) -> None:
    """Validate an answer against the response schema of `path` in the OpenAPI document."""
    from openapi_schema_validator import OAS30Validator

    response = schema["paths"][path]["get"]["responses"][str(status)]
    ref = response["content"]["application/json"]["schema"]
    OAS30Validator({**ref, "components": schema["components"]}).validate(body)


def test_every_answer_matches_the_schema(client, demo, schema):
    from approvals.models import ApprovalDocument
    from notices.models import NoticePage
    from publicity.models import PublicityPage

    for path, listing in (
        ("/api/v1/notices/", "/api/v1/notices/"),
        ("/api/v1/publicities/", "/api/v1/publicities/"),
        ("/api/v1/documents/", "/api/v1/documents/"),
    ):
        response = client.get(listing)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] >= 1, path
        check(schema, path, 200, body)

    notice = NoticePage.objects.live().get(slug="2023-bayingol")
    body = client.get(f"/api/v1/notices/{notice.pk}").json()
    check(schema, "/api/v1/notices/{id}", 200, body)
    assert body["phases"] and body["fees"] and body["contacts"] and body["attachments"]
    assert any(item["kind"] == "审批文件" for item in body["round_items"])

    for page in PublicityPage.objects.filter(slug__in=["bayingol-engineering-2023"]):
        body = client.get(f"/api/v1/publicities/{page.pk}").json()
        check(schema, "/api/v1/publicities/{id}", 200, body)

    document = ApprovalDocument.objects.filter(status="issued").first()
    body = client.get(f"/api/v1/documents/{document.pk}").json()
    check(schema, "/api/v1/documents/{id}", 200, body)
    assert body["number"] == document.number and body["publicity"] and body["notice"]

    for missing in ("/api/v1/notices/999999", "/api/v1/publicities/999999"):
        response = client.get(missing)
        assert response.status_code == 404 and "error" in response.json()
    # Read-only: other methods are a JSON 405.
    response = client.delete("/api/v1/notices/")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.json()["error"]


def test_filters_of_the_notice_api_understand_scope(client, demo):
    from website.models import Series

    teachers = Series.objects.get(name="中小学教师系列").pk
    body = client.get("/api/v1/notices/", {"series": teachers}).json()
    assert [r["review_year"] for r in body["results"]] == [2025]
    assert body["results"][0]["all_series"] is True
    assert client.get("/api/v1/notices/", {"level": "特级"}).status_code == 400


def test_publicity_names_only_while_running_never_id_characters(client, demo, schema):
    from publicity.models import PublicityEntry, PublicityPage

    running = PublicityPage.objects.get(slug="toutunhe-engineering-running")
    masked = list(PublicityEntry.objects.filter(publicity=running).values_list("id_masked", "name"))
    with time_machine.travel(
        dt.datetime.combine(running.start_date, dt.time(10), tzinfo=dt.UTC), tick=False
    ):
        response = client.get(f"/api/v1/publicities/{running.pk}")
    body = response.json()
    check(schema, "/api/v1/publicities/{id}", 200, body)
    assert response["Cache-Control"] == "no-store"
    assert body["state"] == "running" and len(body["entries"]) == len(masked)
    text = json.dumps(body, ensure_ascii=False)
    assert "id_masked" not in text and "id_hash" not in text
    for id_masked, _name in masked:
        # Neither the masked form nor its visible digits (region, last characters).
        assert id_masked not in text
        visible = [part for part in re.split(r"\*+", id_masked) if len(part) >= 3]
        assert not any(part in text for part in visible), id_masked

    after = dt.datetime.combine(running.end_date + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(after, tick=False):
        body = client.get(f"/api/v1/publicities/{running.pk}").json()
    assert body["state"] == "ended" and body["entries"] is None
    assert isinstance(body["approved_count"], int)
    assert not any(name in json.dumps(body, ensure_ascii=False) for _m, name in masked)


@pytest.mark.parametrize("column", ["notices", "publicity", "approvals"])
def test_feeds_and_calendars_of_every_column(client, demo, column):
    import icalendar

    from website.models import Authority

    rss = ET.fromstring(client.get(f"/{column}/feed/rss/").content)
    items = list(rss.iter("item"))
    assert items, column
    atom = ET.fromstring(client.get(f"/{column}/feed/atom/").content)
    ids = [e.findtext("a:id", namespaces=ATOM) for e in atom.findall("a:entry", ATOM)]
    assert ids and all(i.startswith(("http://", "https://")) for i in ids)

    authority = Authority.objects.get(slug="bayingol")
    filtered = ET.fromstring(client.get(f"/{column}/feed/rss/", {"authority": "bayingol"}).content)
    assert authority.short_name in filtered.findtext("channel/title")
    for item in filtered.iter("item"):
        assert item.findtext("author") is None or authority.short_name in (
            item.findtext("{http://purl.org/dc/elements/1.1/}creator") or authority.short_name
        )
    assert client.get(f"/{column}/feed/rss/", {"authority": "nowhere"}).status_code == 404
    assert client.get(f"/{column}/feed/rss/", {"series": "abc"}).status_code == 404

    response = client.get(f"/{column}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert list(calendar.walk("VEVENT")), column
