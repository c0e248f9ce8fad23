"""Queries per public page do not grow with what the page shows.

Each test renders a page with N items and with 3N items and asserts the same number of queries:
an N+1 (a query per notice, phase, attachment, entry or document) makes the counts differ.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

N = 2


@pytest.fixture(autouse=True)
def _no_search_indexing(settings):
    """Page saves need no search index here (Whoosh + jieba cost ≈0.5 s per save)."""
    backends = {name: dict(conf) for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()}
    for conf in backends.values():
        conf["AUTO_UPDATE"] = False
    settings.WAGTAILSEARCH_BACKENDS = backends
    settings.PAGE_CACHE_ENABLED = False


def count_queries(url: str) -> int:
    client = Client()
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def assert_constant(url: str, add_items, n: int = N) -> None:
    """Queries for ``url`` with n items equal those with 3n items (``add_items(k)`` adds k)."""
    add_items(n)
    small = count_queries(url)
    add_items(2 * n)
    large = count_queries(url)
    assert large == small, f"{url}: {small} queries with {n} items, {large} with {3 * n}"


# ---- builders -----------------------------------------------------------------------------------


@pytest.fixture
def columns(home_page):
    from notices.demo import ensure_index_pages

    return ensure_index_pages()


def add_notices(columns, authority, count: int, *, phases: int = 2, attachments: int = 2):
    """Publish ``count`` notices, each with phases, a fee and attachments to a template page."""
    from notices.models import NoticeAttachment, NoticeFee, NoticePage, NoticePhase, TemplatePage
    from website.models import Series

    notice_index, template_index = columns
    series = Series.objects.first()
    start = NoticePage.objects.count()
    for i in range(start, start + count):
        template = template_index.add_child(
            instance=TemplatePage(title=f"模板{i}", slug=f"template-{i}")
        )
        notice = NoticePage(
            title=f"关于开展{2000 + i}年度职称评审工作的通知",
            slug=f"notice-{i}",
            review_year=2000 + i,
            authority=authority,
            document_number=f"新经开人社〔{2000 + i}〕{i + 1}号",
            issue_date=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            levels="中级,初级",
            summary="导语",
        )
        notice.phases = [
            NoticePhase(kind="申报", start_date=dt.date(2024, 1, 1) + dt.timedelta(days=k))
            for k in range(phases)
        ]
        notice.fees = [NoticeFee(level="中级", amount=280)]
        notice.attachments = [
            NoticeAttachment(title=f"附件{k}", template_page=template) for k in range(attachments)
        ]
        notice_index.add_child(instance=notice)
        notice.series.add(series)
        notice.save()
    return notice_index


# ---- pages --------------------------------------------------------------------------------------


def test_home_page(columns, authority):
    assert_constant("/", lambda k: add_notices(columns, authority, k))


def test_notice_list(columns, authority):
    assert_constant("/notices/", lambda k: add_notices(columns, authority, k))


def test_notice_page_phases_and_attachments(columns, authority):
    from notices.models import NoticeAttachment, NoticePhase, TemplatePage

    add_notices(columns, authority, 1, phases=0, attachments=0)
    notice = columns[0].get_children().last().specific
    template = TemplatePage.objects.first()

    def add(k):
        base = notice.phases.count()
        for j in range(base, base + k):
            NoticePhase.objects.create(
                page=notice, kind="评审", start_date=dt.date(2024, 3, 1) + dt.timedelta(days=j)
            )
            NoticeAttachment.objects.create(page=notice, title=f"附件{j}", template_page=template)

    assert_constant(notice.url, add)


@time_machine.travel(dt.datetime(2023, 11, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_publicity_page_entries(home_page, authority):
    """A running publicity (2023-11-01 to 11-07, frozen on the 2nd) with its entries."""
    from tests.factories import (
        PublicityEntryFactory,
        PublicityIndexPageFactory,
        PublicityPageFactory,
    )

    page = PublicityPageFactory(
        parent=PublicityIndexPageFactory(parent=home_page),
        title="测试公示",
        slug="test-publicity",
        authority=authority,
    )
    page.save_revision().publish()

    def add(k):
        base = page.entries.count()
        for j in range(base, base + k):
            PublicityEntryFactory(
                publicity=page,
                sort_order=j,
                name=f"姓名{j}",
                unit=f"单位{j % 3}",
                specialty=f"专业{j % 4}",
            )

    assert_constant(page.url, add)


def test_approval_list(home_page, authority):
    from approvals.demo import ensure_index
    from approvals.models import ApprovalDocument
    from tests.approvals.helpers import make_document

    url = ensure_index().url
    counter = {"n": 0}

    def add(k):
        for _ in range(k):
            counter["n"] += 1
            n = counter["n"]
            document = make_document(authority, 3, title=f"审批文件{n}")
            ApprovalDocument.objects.filter(pk=document.pk).update(
                status="issued", number=f"新经开人社〔2024〕{n}号", year=2024, sequence=n
            )

    assert_constant(url, add)
