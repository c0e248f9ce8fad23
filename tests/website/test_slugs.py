"""Readable addresses: pinyin slugs from year, authority and title; no autosave drafts."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import rich_text

from website.slugs import readable_slug, unique_slug


def test_readable_slug_from_year_authority_and_title():
    slug = readable_slug("关于开展2025年度职称评审工作的通知", year=2025, authority_slug="toutunhe")
    assert slug == "2025-toutunhe-zhicheng-pingshen"


def test_readable_slug_is_short_ascii_and_stable():
    title = "乌鲁木齐经济技术开发区头屯河区工程系列中级专业技术职务任职资格评审委员会评审结果公示"
    first = readable_slug(title, year=2024, authority_slug="toutunhe")
    assert first.isascii() and len(first) <= 50
    assert first == readable_slug(title, year=2024, authority_slug="toutunhe")


def test_unique_slug_counts_up():
    taken = {"a", "a-2"}
    assert unique_slug("a", lambda slug: slug not in taken) == "a-3"


@pytest.mark.django_db
def test_new_publicity_gets_a_pinyin_slug_on_first_save(admin_client, home_page, authority):
    """Before its start (a start in the past is backdating, refused): on 2023-10-25."""
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2023, 10, 25, 10, tzinfo=dt.UTC), tick=False):
        _new_publicity_gets_a_pinyin_slug(admin_client, home_page, authority)


def _new_publicity_gets_a_pinyin_slug(admin_client, home_page, authority):
    from publicity.demo import ensure_index
    from publicity.models import PublicityPage

    index = ensure_index(home_page)
    url = f"/admin/pages/add/publicity/publicitypage/{index.pk}/"
    form = admin_client.get(url).content.decode()
    assert "data-w-autosave-interval-value" not in form  # no silent drafts
    title = "工程系列中级职称评审结果公示"
    data = {
        "title": title,
        "slug": title,  # what the admin's JavaScript copies from a Chinese title
        "authority": authority.pk,
        "review_committee": "工程系列中级评审委员会",
        "start_date": "2023-11-01",
        "working_days": "5",
        "objection_contact": "电话：0991—3757772",
        "intro": rich_text(""),
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = PublicityPage.objects.get(title=title)
    assert page.slug == "2023-toutunhe-gongcheng-xilie-zhongjizhicheng"
    # A second page of the same title gets its own address, no English slug error.
    response = admin_client.post(url, data)
    assert response.status_code == 302
    slugs = set(PublicityPage.objects.filter(title=title).values_list("slug", flat=True))
    assert slugs == {page.slug, page.slug + "-2"}
