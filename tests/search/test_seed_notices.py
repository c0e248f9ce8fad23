"""Recall and ranking on the real seed notices (imported by notices.demo)."""

import pytest
from modelsearch.query import Phrase
from wagtail.models import Page

from search.site import page_text, search_pages

pytestmark = pytest.mark.django_db

TERMS = ["职称评审", "答辩", "继续教育", "推荐单位公示", "盲评", "评审费", "遮盖"]


@pytest.fixture
def seeded(home_page):
    from notices import demo

    demo.load(lambda message: None)
    return [
        page
        for page in Page.objects.live().filter(depth__gt=2).specific()
        if type(page).__name__ in ("NoticePage", "TemplatePage")
    ]


def test_recall_filters_and_ranking_on_the_seeds(seeded):
    from notices.models import NoticePage

    text = {page.pk: f"{page.title} {page_text(page)}" for page in seeded}
    pages = Page.objects.live().filter(depth__gt=2)
    for term in TERMS:
        expected = {pk for pk, body in text.items() if term in body}
        assert expected, f"no seed contains {term}"
        # A phrase is an exact substring: exactly the pages that contain the term.
        found = {page.pk for page in pages.search(Phrase(term))} & set(text)
        assert found == expected, term
        # The plain query finds them all too (and may add pages holding its words apart).
        results = list(pages.search(term, operator="and"))
        assert expected <= {page.pk for page in results}, term
        # A page with the term in its title ranks above every page with it only in the body.
        ranked = [page.pk for page in results if page.pk in expected]
        in_title = [pk for pk in ranked if term in Page.objects.get(pk=pk).title]
        assert ranked[: len(in_title)] == in_title, term

    # Filters of the search page: type, year, authority.
    notices = list(NoticePage.objects.live())
    assert {p.pk for p in search_pages("职称评审", kinds=["notice"])} <= {p.pk for p in notices}
    template_hits = list(search_pages("推荐单位公示", kinds=["template"]))
    assert template_hits and template_hits[0].title.startswith("推荐单位公示")
    year = notices[0].review_year
    by_year = {p.pk for p in search_pages("职称", kinds=["notice"], year=year)}
    assert by_year == {p.pk for p in notices if p.review_year == year}
    authority_id = notices[0].authority_id
    by_authority = {p.pk for p in search_pages("通知", authority_id=authority_id)}
    assert by_authority == {p.pk for p in notices if p.authority_id == authority_id}
    # NoticePage's own filter fields work directly too.
    assert {p.pk for p in NoticePage.objects.filter(review_year=year).search("职称")} == {
        p.pk for p in notices if p.review_year == year
    }


def test_results_show_the_documents_own_dates_and_text_snippets(seeded, client):
    """A 2023 notice shows its 成文日期, not the day the demo was loaded; an undated notice its
    year; a roster's snippet is its words, never the | of its stored table rows."""
    html = client.get("/search/", {"q": "职称评审"}).content.decode()
    assert "成文日期 2023年8月14日" in html
    assert "2025年度（未注明成文日期）" in html
    assert "发布于" not in html  # every seed result has a date of its own

    html = client.get("/search/", {"q": "花名册"}).content.decode()
    snippets = html.split('class="search-result__snippet"')[1:]
    assert snippets and "获现任专业技术职务时间" in "".join(snippets)
    assert not any("|" in s.split("</p>")[0] for s in snippets)
    assert "通知附件，成文日期 2023年8月14日" in html


def test_template_results_find_their_notices_in_one_query(seeded, client):
    """The 通知附件 date of every template on a result page comes from the kind's ``prepare``
    (one query of the attachments, one of the chosen notices), and says what each template's
    own ``source_notice()`` says."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notices.models import TemplatePage

    templates = list(TemplatePage.objects.live())
    expected = {t.pk: t.source_notice() for t in templates}
    assert len([n for n in expected.values() if n is not None]) >= 2
    loaded = list(TemplatePage.objects.live())
    TemplatePage.load_source_notices(loaded)
    with CaptureQueriesContext(connection) as ctx:
        assert {t.pk: t.source_notice() for t in loaded} == expected
    assert not ctx.captured_queries

    query = "模板"
    on_page = [p for p in search_pages(query)[:10] if isinstance(p.specific, TemplatePage)]
    assert len(on_page) >= 2
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/search/", {"q": query}).content.decode()
    assert "通知附件，" in html
    attachment_queries = [q for q in ctx.captured_queries if "noticeattachment" in q["sql"]]
    assert len(attachment_queries) == 1
