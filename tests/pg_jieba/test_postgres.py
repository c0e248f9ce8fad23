"""pg_jieba on a real PostgreSQL: the same results as the embedded Whoosh backend on the site
search's reference queries, the search page (filters, facets, highlighting), the admin search,
autocomplete and update_index. Skipped on SQLite (CI runs the suite on both)."""

from __future__ import annotations

import random
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from modelsearch.query import Not, Phrase, PlainText
from wagtail.models import Page

# The site search benchmark's reference queries (words, parts of words, names, places, document
# numbers, Latin letters) and its title generator, which holds every one of them.
from tests.bench import search_bench
from tests.search import test_seed_notices as whoosh_seed_tests

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_jieba needs PostgreSQL (DATABASE_URL)"
    ),
]

PG = {"BACKEND": "pg_jieba.backend"}


@pytest.fixture
def pg_default(settings):
    """pg_jieba as the site's only backend, following every change."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {**PG, "AUTO_UPDATE": True}}


@pytest.fixture
def both_backends(settings, tmp_path):
    """Whoosh (default) and pg_jieba side by side, filled by update_index."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "whoosh_jieba.backend",
            "INDEX_PATH": tmp_path / "search",
            "AUTO_UPDATE": False,
        },
        "pg": {**PG, "AUTO_UPDATE": False},
    }


def _reference_pages(home_page, count=150) -> dict[int, str]:
    rng = random.Random(18)
    pages = {}
    for n in range(count):
        title = search_bench._title(rng)
        page = Page(title=title, slug=f"ref-{n}-{uuid.uuid4().hex[:4]}")
        home_page.add_child(instance=page)
        pages[page.pk] = title
    return pages


def test_same_results_as_whoosh_on_the_reference_queries(both_backends, home_page):
    from notices import demo

    demo.load(lambda message: None)
    titles = _reference_pages(home_page)
    for name in ("default", "pg"):
        call_command("update_index", backend_name=name, verbosity=0)
    pages = Page.objects.live()
    for query in search_bench.QUERIES:
        whoosh = {p.pk for p in pages.search(query, operator="and")}
        pg = {p.pk for p in pages.search(query, operator="and", backend="pg")}
        # Every title holding the query is found (recall 1), and nothing else than Whoosh finds.
        holding = {pk for pk, title in titles.items() if query.lower() in title.lower()}
        assert holding and holding <= pg, query
        assert pg == whoosh, query
        assert pages.search(query, backend="pg").count() == pages.search(query).count(), query
    # Phrases are exact substrings; Not and an operator of "or" follow the query objects.
    phrase = {p.pk for p in pages.search(Phrase("市工程系列"), backend="pg")}
    assert phrase == {p.pk for p in pages.search(Phrase("市工程系列"))}
    assert phrase & set(titles) == {pk for pk, t in titles.items() if "市工程系列" in t} != set()
    either = {p.pk for p in pages.search("纺织 审计", operator="or", backend="pg")}
    assert either & set(titles) == {pk for pk, t in titles.items() if "纺织" in t or "审计" in t}
    without = {p.pk for p in pages.search(PlainText("纺织") & Not(PlainText("会计")), backend="pg")}
    assert without & set(titles) == {
        pk for pk, t in titles.items() if "纺织" in t and "会计" not in t
    }
    assert list(pages.search("，。", backend="pg")) == []


def test_the_seed_notices_search_page_on_postgres(pg_default, home_page, client):
    """The site search's own tests of recall, ranking, filters and snippets, on pg_jieba."""
    from notices import demo

    demo.load(lambda message: None)
    seeded = [
        page
        for page in Page.objects.live().filter(depth__gt=2).specific()
        if type(page).__name__ in ("NoticePage", "TemplatePage")
    ]
    whoosh_seed_tests.test_recall_filters_and_ranking_on_the_seeds(seeded)
    whoosh_seed_tests.test_results_show_the_documents_own_dates_and_text_snippets(seeded, client)

    html = client.get("/search/", {"q": "职称评审", "type": "notice"}).content.decode()
    assert "<mark>职称评审</mark>" in html


def test_facets_autocomplete_admin_search_and_rebuild(pg_default, home_page, admin_client):
    from notices import demo
    from notices.models import NoticePage

    demo.load(lambda message: None)
    notices = list(NoticePage.objects.live())
    years = NoticePage.objects.live().search("职称").facet("review_year")
    expected: dict[int, int] = {}
    for notice in notices:
        expected[notice.review_year] = expected.get(notice.review_year, 0) + 1
    assert dict(years) == expected

    number = "和地职称办〔2023〕1号"
    notices[0].document_number = number
    notices[0].save()
    assert Page.objects.live().autocomplete(number[:4]).count() >= 1
    assert [p.document_number for p in NoticePage.objects.autocomplete(number)] == [number]

    response = admin_client.get("/admin/pages/search/", {"q": notices[0].title[:6]})
    assert response.status_code == 200 and notices[0].title in response.content.decode()

    # update_index rebuilds in one transaction; search answers the same afterwards.
    before = {p.pk for p in Page.objects.live().search("职称评审")}
    call_command("update_index", verbosity=0)
    assert {p.pk for p in Page.objects.live().search("职称评审")} == before != set()


def test_a_name_deep_in_a_long_text_is_found(pg_default, home_page):
    """Past PostgreSQL's last position (16383) phrases still match (positions wrap)."""
    from tests.whoosh_jieba.testapp.models import ArticlePage

    filler = "".join(random.Random(1).choice("甲乙丙丁戊己庚辛") for _ in range(40_000))
    page = ArticlePage(title="花名册", slug="long", body=filler + "阿不都热合曼")
    home_page.add_child(instance=page)
    assert [p.pk for p in Page.objects.live().search(Phrase("阿不都热合曼"))] == [page.pk]
    assert Page.objects.live().search(Phrase("阿不都热合曼乙")).count() == 0
