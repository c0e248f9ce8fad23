"""The /search/ page: results with highlights, filters, pagination, empty state, bad input."""

import datetime

import pytest
from wagtail.models import Page

from search.site import clean_query, highlight, search_pages

pytestmark = pytest.mark.django_db


def get(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_results_are_highlighted_and_the_query_stays_in_the_box(client, make_page):
    make_page("关于开展职称评审工作的通知")
    html = get(client, q="职称评审")
    assert "<mark>职称评审</mark>" in html
    assert 'value="职称评审"' in html  # both the page's box and the header's box
    assert html.count('value="职称评审"') == 2
    assert "找到 1 条" in html


def test_titles_are_escaped(client, make_page):
    make_page("<script>alert(1)</script>答辩安排")
    html = get(client, q="答辩")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>答辩</mark>" in html


def test_pagination_keeps_the_query(client, make_page):
    for n in range(12):
        make_page(f"评审通知第{n}号")
    html = get(client, q="评审", page=2)
    assert html.count('class="search-result"') == 2
    assert "?q=%E8%AF%84%E5%AE%A1&amp;page=1" in html


def test_bad_queries_give_a_sane_page(client, make_page):
    make_page("职称评审")
    assert "请输入检索词" in get(client, q="")
    assert "没有找到" in get(client, q="！！！……，。")
    html = get(client, q="职称" * 5000)
    assert "检索词过长" in html
    assert "<mark>职称</mark>" in html
    assert "请输入检索词" in get(client, q="   ", type="bogus", year="abc", authority="x")


def test_empty_state_suggests_close_pages(client, make_page):
    make_page("职称评审工作的通知")
    html = get(client, q="职称考试")
    assert "没有找到" in html and "您是不是要找" in html
    assert "职称评审工作的通知" in html


def test_type_filter_uses_page_types(client, home_page, make_page):
    from approvals.models import ApprovalIndexPage

    approvals = ApprovalIndexPage(title="任职资格审批文件", slug="approvals-x")
    home_page.add_child(instance=approvals)
    approvals.save_revision().publish()
    make_page("审批文件领取须知")
    assert [p.title for p in search_pages("审批文件", kinds=["approval"])] == ["任职资格审批文件"]
    assert len(search_pages("审批文件")) == 2
    html = get(client, q="审批文件", type="approval")
    assert "任职资格<mark>审批文件</mark>" in html and "领取须知" not in html


def test_year_filter_on_publication_year(client, make_page):
    old = make_page("评审通知旧")
    old.first_published_at = datetime.datetime(2023, 6, 1, tzinfo=datetime.UTC)
    old.save()
    make_page("评审通知新")
    assert [p.title for p in search_pages("评审", year=2023)] == ["评审通知旧"]
    html = get(client, q="评审", year="2023")
    assert "通知旧" in html and "通知新" not in html
    assert '<option value="2023" selected>2023年</option>' in html


def test_unpublished_pages_never_appear(client, make_page):
    make_page("答辩草稿", live=False)
    assert "没有找到" in get(client, q="答辩")


def test_clean_query_collapses_blanks_and_caps_length():
    assert clean_query("  职称 \n 评审 ") == ("职称 评审", False)
    query, cut = clean_query("职" * 10_000)
    assert cut and len(query) == 100


def test_highlight_escapes_and_windows():
    text = "甲" * 200 + "<b>盲评</b>结果" + "乙" * 200
    html = str(highlight(text, "盲评", length=40, strip_html=True))
    assert "<mark>盲评</mark>" in html
    assert "<b>" not in html
    assert html.startswith("…") and html.endswith("…")
    assert str(highlight("a < b 评审", "评审")) == "a &lt; b <mark>评审</mark>"
    assert Page  # the module imports the model the views search


def test_warm_up_reads_what_the_first_searches_would(make_page, monkeypatch):
    """A new server process answers one search before its first visitor (gunicorn's
    post_worker_init): afterwards, other queries of the page decode no field length."""
    from modelsearch.backends import get_search_backend

    from search.site import warm_up

    for title in ("职称评审通知", "继续教育学时", "乌鲁木齐答辩"):
        make_page(title)
    warm_up()
    searcher = get_search_backend().store.searcher()
    for leaf, _offset in searcher.leaf_searchers():
        monkeypatch.setattr(
            leaf.reader(), "doc_field_length", lambda *a: pytest.fail(f"field length read {a}")
        )
    assert [p.title for p in search_pages("继续教育")] == ["继续教育学时"]
    assert [p.title for p in search_pages("鲁木齐答辩")] == ["乌鲁木齐答辩"]
