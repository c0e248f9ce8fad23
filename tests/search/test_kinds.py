"""The search page learns its 类型 from the apps' ``register_site_search_kind`` hooks and
imports no app: a kind registered by anyone shows up, one left out disappears."""

import ast
from pathlib import Path

import pytest
from wagtail import hooks
from wagtail.models import Page

from search.kinds import HOOK_NAME, SearchKind, site_kinds
from search.site import search_pages
from tests.whoosh_jieba.testapp.models import ArticlePage, Organisation

pytestmark = pytest.mark.django_db

SEARCH_APP = Path(__file__).resolve().parents[2] / "search"


def get(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_kinds_come_from_the_apps_hooks_in_app_order():
    kinds = site_kinds()
    assert [(k.value, k.label) for k in kinds] == [
        ("notice", "通知"),
        ("template", "模板"),
        ("publicity", "公示"),
        ("approval", "审批文件"),
    ]
    modules = {hook.__module__ for hook in hooks.get_hooks(HOOK_NAME)}
    assert modules == {
        "notices.wagtail_hooks",
        "publicity.wagtail_hooks",
        "approvals.wagtail_hooks",
    }
    by_value = {k.value: k for k in kinds}
    assert by_value["notice"].year_field == "review_year"
    assert by_value["publicity"].authority_field == "authority"
    assert by_value["approval"].documents is not None


def test_a_registered_kind_narrows_search_and_labels_results(client, home_page, search_index):
    article = ArticlePage(title="职称评审文章", slug="article")
    home_page.add_child(instance=article)
    article.save_revision().publish()
    other = Page(title="职称评审通知", slug="other")
    home_page.add_child(instance=other)
    other.save_revision().publish()

    def article_kind():
        return SearchKind("article", "文章", models=(ArticlePage,))

    assert '<option value="article"' not in get(client)
    with hooks.register_temporarily(HOOK_NAME, article_kind):
        assert [k.value for k in site_kinds()][-1] == "article"
        assert [p.title for p in search_pages("职称评审", kinds=["article"])] == [article.title]
        html = get(client, q="职称评审")
        assert '<span class="badge">文章</span>' in html and "<mark>职称评审</mark>通知" in html
        html = get(client, q="职称评审", type="article")
        assert '<option value="article" selected>文章</option>' in html
        assert "<mark>职称评审</mark>文章" in html and "<mark>职称评审</mark>通知" not in html
    # Without the registration the value is no kind at all: the filter is dropped.
    html = get(client, q="职称评审", type="article")
    assert '<option value="article"' not in html
    assert "<mark>职称评审</mark>通知" in html and '<span class="badge">文章</span>' not in html


def test_a_kind_is_checked_when_registered():
    with pytest.raises(TypeError, match="not a page model"):
        SearchKind("org", "机构", models=(Organisation,))
    with hooks.register_temporarily(HOOK_NAME, lambda: "notices"):
        with pytest.raises(TypeError, match="not a SearchKind"):
            site_kinds()


def test_the_search_app_imports_no_app():
    """``search`` knows the apps only through their hooks (the base layer ``website`` aside)."""
    apps = {"notices", "publicity", "approvals"}
    found = []
    for path in SEARCH_APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in apps]
    assert found == []
