"""The Whoosh backend behind Wagtail's search API: recall on Chinese text, filters, ordering,
slicing, query objects, autocomplete and index upkeep through Wagtail's signals."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from modelsearch.backends import get_search_backend
from modelsearch.backends.base import FilterFieldError
from modelsearch.query import And, Not, Or, Phrase, PlainText
from wagtail.models import Locale, Page

from tests.whoosh_jieba.testapp.models import ArticlePage, Organisation

pytestmark = pytest.mark.django_db

NOTICE = "关于开展2025年度乌鲁木齐市各系列（专业）职称评审工作的通知"
NUMBER = "和地职称办〔2023〕1号 申报材料PDF格式 工程师王建国"


def titles(results):
    return [page.title for page in results]


def test_chinese_words_inside_longer_text_are_found(make_page):
    make_page(NOTICE)
    make_page(NUMBER)
    make_page("继续教育免试表")
    live = Page.objects.live().filter(depth__gt=2)  # not the section page
    assert titles(live.search("职称评审")) == [NOTICE]
    assert set(titles(live.search("职称"))) == {NOTICE, NUMBER}
    assert titles(live.search("乌鲁木齐")) == [NOTICE]  # a substring jieba does not cut out
    assert titles(live.search("2025年度")) == [NOTICE]
    assert titles(live.search("pdf")) == [NUMBER]
    assert titles(live.search("工程师")) == [NUMBER]
    assert titles(live.search("王建国")) == [NUMBER]
    assert titles(live.search("和地职称办〔2023〕1号")) == [NUMBER]
    assert titles(live.search("继续教育")) == ["继续教育免试表"]
    assert titles(live.search("答辩")) == []


def test_operator_and_or(make_page):
    make_page("职称评审通知")
    make_page("答辩安排")
    pages = Page.objects.filter(depth__gt=2)
    assert titles(pages.search("职称 答辩", operator="and")) == []
    assert len(pages.search("职称 答辩", operator="or")) == 2


def test_query_objects(make_page):
    make_page("职称评审工作的通知")
    make_page("评审费收取标准")
    pages = Page.objects.live()
    assert titles(pages.search(Phrase("评审工作"))) == ["职称评审工作的通知"]
    assert titles(pages.search(Phrase("工作评审"))) == []
    assert titles(pages.search(PlainText("评审 收取", operator="and"))) == ["评审费收取标准"]
    assert len(pages.search(Or([PlainText("通知"), PlainText("标准")]))) == 2
    assert titles(pages.search(And([PlainText("评审"), Not(PlainText("通知"))]))) == [
        "评审费收取标准"
    ]


def test_punctuation_only_and_huge_queries_are_answered(make_page):
    make_page("职称评审")
    assert list(Page.objects.search("！！！，。")) == []
    assert Page.objects.search("！！！").count() == 0
    assert list(Page.objects.search("")) == []
    huge = "职称" * 5000
    assert titles(Page.objects.filter(depth__gt=2).search(huge)) == ["职称评审"]


def test_live_type_descendant_and_locale_filters(make_page):
    section = make_page("评审专栏")
    inside = make_page("评审通知甲", parent=section)
    make_page("评审通知乙")
    draft = make_page("评审草稿", live=False)
    article = make_page("职称文章", article=True)
    live = Page.objects.live()
    assert draft.title not in titles(live.search("评审"))
    assert draft.title in titles(Page.objects.search("评审"))
    assert titles(live.descendant_of(section).search("评审")) == [inside.title]
    assert titles(live.child_of(section).search("评审")) == [inside.title]
    assert set(titles(live.type(ArticlePage).search("职称"))) == {article.title}
    assert article.title not in titles(live.not_type(ArticlePage).search("职称"))
    assert len(live.filter(locale=Locale.get_default()).search("评审")) == 3
    assert isinstance(live.type(ArticlePage).specific().search("职称")[0], ArticlePage)


def test_year_filter_on_a_date_field(make_page):
    old = make_page("评审通知旧")
    old.first_published_at = datetime.datetime(2023, 6, 1, tzinfo=datetime.UTC)
    old.save()
    make_page("评审通知新")
    this_year = datetime.date.today().year
    assert titles(Page.objects.filter(first_published_at__year=2023).search("评审")) == [
        "评审通知旧"
    ]
    assert titles(Page.objects.filter(first_published_at__year=this_year).search("评审")) == [
        "评审通知新"
    ]


def test_order_slicing_and_counting(make_page):
    for n in range(15):
        make_page(f"评审通知{n:02d}")
    results = Page.objects.search("评审")
    assert results.count() == 15
    everything = titles(results)
    assert titles(results[5:10]) == everything[5:10]
    assert results[5:10].count() == 5
    assert results[14:].count() == 1
    ordered = Page.objects.order_by("-title").search("评审", order_by_relevance=False)
    assert titles(ordered) == sorted(everything, reverse=True)
    scored = Page.objects.search("评审").annotate_score("score")
    assert all(page.score > 0 for page in scored)


def test_title_boost_ranks_name_above_short_name():
    Organisation.objects.create(name="乙委员会", short_name="盲评组", slug="b")
    Organisation.objects.create(name="盲评专家委员会", short_name="甲", slug="a")
    backend = get_search_backend()
    assert [o.slug for o in backend.search("盲评", Organisation)] == ["a", "b"]
    assert [o.slug for o in backend.search("盲评", Organisation, fields=["short_name"])] == ["b"]


def test_indexed_model_filter_and_autocomplete():
    inside = Organisation.objects.create(
        name="头屯河区职称改革领导小组办公室", slug="t", region="昌吉"
    )
    Organisation.objects.create(name="头屯河区人力资源局", slug="u", region="乌鲁木齐")
    backend = get_search_backend()
    results = backend.search(inside.name[:4], Organisation.objects.filter(region="昌吉"))
    assert list(results) == [inside]
    assert inside in list(backend.autocomplete(inside.name[:3], Organisation))


def test_autocomplete_partial_words(make_page):
    make_page("职称评审工作的通知")
    make_page("申报材料PDF格式")
    assert titles(Page.objects.autocomplete("职称评")) == ["职称评审工作的通知"]
    assert titles(Page.objects.autocomplete("pd")) == ["申报材料PDF格式"]
    assert titles(Page.objects.autocomplete("材料 pdf", operator="and")) == ["申报材料PDF格式"]


def test_facet_counts_content_types(make_page):
    make_page("职称评审")
    make_page("职称考试安排", article=True)
    facets = Page.objects.search("职称").facet("content_type_id")
    assert facets == {
        ContentType.objects.get_for_model(Page).pk: 1,
        ContentType.objects.get_for_model(ArticlePage).pk: 1,
    }


def test_unindexed_filter_is_refused(make_page):
    with pytest.raises(FilterFieldError):
        Page.objects.filter(slug="x").search("评审")


def test_publish_unpublish_edit_and_delete_update_the_index(make_page):
    page = make_page("答辩安排")
    assert titles(Page.objects.live().search("答辩")) == ["答辩安排"]
    page.unpublish()
    assert titles(Page.objects.live().search("答辩")) == []
    page.title = "盲评结果"
    page.save_revision().publish()
    assert titles(Page.objects.live().search("盲评")) == ["盲评结果"]
    assert titles(Page.objects.search("答辩")) == []
    page.delete()
    assert titles(Page.objects.search("盲评")) == []


def test_move_reindexes_descendant_paths(make_page):
    first = make_page("甲栏目")
    second = make_page("乙栏目")
    parent = make_page("评审专题", parent=first)
    child = make_page("评审细则", parent=parent)
    parent.move(second, pos="last-child")
    assert titles(Page.objects.descendant_of(second).search("细则")) == [child.title]
    assert titles(Page.objects.descendant_of(first).search("细则")) == []


def test_update_index_command_rebuilds_everything(make_page, empty_index):
    make_page("职称评审")
    Organisation.objects.create(name="头屯河区职称改革领导小组办公室", slug="t")
    empty_index.reset_indexes()
    assert titles(Page.objects.search("职称评审")) == []
    assert list(get_search_backend().search("头屯河", Organisation)) == []
    call_command("update_index", verbosity=0)
    assert titles(Page.objects.search("职称评审")) == ["职称评审"]
    assert len(get_search_backend().search("头屯河", Organisation)) == 1


def test_admin_page_search(admin_client, make_page):
    make_page("职称评审工作的通知")
    response = admin_client.get("/admin/pages/search/", {"q": "职称评审"})
    assert response.status_code == 200
    assert "职称评审工作的通知" in response.content.decode()


def test_index_path_is_required():
    from django.core.exceptions import ImproperlyConfigured

    from whoosh_jieba.backend import WhooshSearchBackend

    with pytest.raises(ImproperlyConfigured, match="INDEX_PATH"):
        WhooshSearchBackend({})


def test_update_index_in_worker_processes_finds_the_same(
    make_page, empty_index, monkeypatch, settings
):
    """A rebuild shared between two worker processes (forced here on a small site) answers
    every query with the pages, order and scores of a rebuild in one process. (Not a query
    with a lone CJK character: Whoosh scores its prefix expansion segment by segment.)"""
    from whoosh_jieba import index as whoosh_index

    for n in range(24):
        make_page(
            f"{['职称评审', '乌鲁木齐', '继续教育', '新疆会计'][n % 4]}通知第{n}号{'公示' * (n % 3)}"
        )
    queries = ["职称评审", "乌鲁木齐", "鲁木齐", "通知", "公示", "新疆 会计", "第7号"]

    def answers():
        return {
            q: [(p.title, p._score) for p in Page.objects.search(q).annotate_score("_score")]
            for q in queries
        }

    call_command("update_index", verbosity=0)  # fewer objects than PARALLEL_MIN_OBJECTS
    expected = answers()
    assert len(empty_index.store.searcher().leaf_searchers()) == 1
    backends = {name: dict(config) for name, config in settings.WAGTAILSEARCH_BACKENDS.items()}
    backends["default"]["REBUILD_PROCESSES"] = 2
    settings.WAGTAILSEARCH_BACKENDS = backends
    monkeypatch.setattr(whoosh_index, "PARALLEL_MIN_OBJECTS", 1)
    call_command("update_index", verbosity=0)
    assert len(empty_index.store.searcher().leaf_searchers()) == 2
    assert answers() == expected
    assert all(expected.values())
