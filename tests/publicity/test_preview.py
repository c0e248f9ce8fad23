"""The admin preview of a publicity shows its names, as the live page does."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from wagtail.test.utils.form_data import rich_text

from tests.publicity.conftest import at

pytestmark = pytest.mark.django_db


def test_preview_of_a_live_publicity_lists_the_names(make_publicity, admin_client):
    page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1))
    names = list(page.entries.values_list("name", flat=True))
    assert names
    with time_machine.travel(at(2023, 11, 3), tick=False):
        response = page.make_preview_request()
        html = response.rendered_content if hasattr(response, "rendered_content") else ""
        html = html or response.content.decode()
        assert f"公示名单（共 {len(names)} 人）" in html
        assert all(name in html for name in names)
        assert "名单尚未发布" not in html
        # The editor's preview of the edit form (a copy of the page built from the form).
        edit = admin_client.get(f"/admin/pages/{page.pk}/edit/preview/")
        assert edit.status_code in (200, 400)


def test_edit_form_preview_lists_the_names(make_publicity, admin_client):
    page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1))
    names = list(page.entries.values_list("name", flat=True))
    data = {
        "title": page.title,
        "slug": page.slug,
        "authority": page.authority_id,
        "review_committee": page.review_committee,
        "start_date": "2023-11-01",
        "working_days": "5",
        "objection_contact": page.objection_contact,
        "intro": rich_text(""),
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    url = f"/admin/pages/{page.pk}/edit/preview/"
    with time_machine.travel(at(2023, 11, 3), tick=False):
        posted = admin_client.post(url, data)
        assert posted.json()["is_valid"], posted.content
        html = admin_client.get(url).content.decode()
    assert f"公示名单（共 {len(names)} 人）" in html
    assert all(name in html for name in names)
