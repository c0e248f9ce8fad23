"""Approval documents in the site search: issued (and superseded) ones are found by number,
title words, a person's name or unit; drafts never; filters; the search page's block."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from modelsearch.backends import get_search_backend

from approvals.models import ApprovalDocument, ApprovedPerson, DocumentStatus
from search import site
from search.kinds import kinds_by_value

# The approvals app's key fixtures (session-scoped key material, per-test rows).
from tests.approvals.conftest import signing_ca, signing_key, signing_material  # noqa: F401
from tests.approvals.helpers import id_number, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def search_auto_update(settings):
    """Index on save in these tests, whatever the suite's default is."""
    backends = copy.deepcopy(settings.WAGTAILSEARCH_BACKENDS)
    backends["default"]["AUTO_UPDATE"] = True
    settings.WAGTAILSEARCH_BACKENDS = backends


@pytest.fixture
def approvals_page(home_page):
    from approvals.demo import ensure_index

    return ensure_index()


@pytest.fixture
def authorities(home_page):
    from website.demo import ensure_authorities

    return ensure_authorities()


def published(authority, sequence, *, year=2024, status=DocumentStatus.ISSUED, **kwargs):
    """A document put straight into a public state (no PDF rendering or signing): the save
    indexes it, as finalize's save does."""
    kwargs.setdefault("date", dt.date(year, 9, 1))
    document = make_document(authority, kwargs.pop("n", 2), **kwargs)
    document.status = status
    document.year, document.sequence = year, sequence
    document.number = authority.format_document_number(year, sequence)
    document.summary = "共 2 人取得任职资格：工程师 2 人。"
    document.pdf.save(
        f"doc-{document.pk}.pdf", ContentFile(b"%PDF-1.7\n" + b"0" * 3000), save=False
    )
    document.pdf_size = 87 * 1024
    document.save()
    return document


def search_documents(query, **filters):
    """The approval documents the site search finds (the kind the approvals app registers)."""
    return site.search_documents(kinds_by_value()["approval"], query, **filters)


def titles(results):
    return [document.title for document in results]


def get(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_found_by_number_with_brackets(authorities):
    bayingol = authorities["bayingol"]
    first = published(bayingol, 1, year=2023, title="关于张伟等同志取得工程师资格的通知")
    published(bayingol, 12, year=2023, title="关于刘洋等同志取得助理工程师资格的通知")
    found = list(search_documents("巴州职称办〔2023〕1号"))
    assert found[0] == first
    assert [d.number for d in search_documents("巴州职称办〔2023〕12号")][0] == (
        "巴州职称办〔2023〕12号"
    )


def test_found_by_title_words_person_name_and_unit(authority):
    document = published(authority, 1, title="关于王小明等同志取得工程师资格的通知")
    other = published(authority, 2, title="关于会计系列初级资格的通知", n=0)
    assert titles(search_documents("工程师资格")) == [document.title]
    # make_document's persons: 王小明, 李华 of 新疆某某建设工程有限公司.
    assert list(search_documents("李华")) == [document]
    assert list(search_documents("某某建设工程有限公司")) == [document]
    assert list(search_documents("会计")) == [other]


def test_draft_and_issuing_documents_are_never_found(client, authority):
    make_document(authority, 2, title="关于草稿文件的通知")
    issuing = make_document(authority, 2, title="关于签发中文件的通知")
    issuing.status = DocumentStatus.ISSUING
    issuing.number = "新经开人社〔2024〕9号"
    issuing.save()
    # Counted as well as listed: nothing public to search means no hits at all, not the
    # unfiltered matches of other models (Whoosh reads an empty filter set as "no filter").
    assert search_documents("草稿文件").count() == 0
    assert search_documents("职称").count() == 0  # the home page, 职称公示与证书平台, matches
    assert list(search_documents("草稿文件")) == []
    assert list(search_documents("新经开人社〔2024〕9号")) == []
    assert list(search_documents("王小明")) == []
    # Not even in the index (drafts' names stay out of it), whatever the query filters.
    assert list(get_search_backend().search("王小明", ApprovalDocument)) == []
    html = get(client, q="王小明")
    assert "草稿文件" not in html and "签发中文件" not in html and "没有找到" in html


@pytest.mark.usefixtures("signing_key")
def test_issuing_indexes_the_final_document_with_bulk_added_persons(authority):
    from approvals.issuing.issue import issue_approval
    from website.identity import from_id_number

    document = make_document(authority, 1, title="关于批量名单的任职资格通知")
    stored = from_id_number(id_number(77))
    ApprovedPerson.objects.bulk_create(
        [
            ApprovedPerson(
                document=document,
                sort_order=5,
                name="欧阳娜娜",
                gender=stored["gender"],
                unit="昌吉回族自治州人民医院",
                series="卫生健康系列",
                specialty="护理",
                qualification="主管护师",
                level="中级",
                id_hash=stored["id_hash"],
                id_masked=stored["id_masked"],
            )
        ]
    )
    assert list(search_documents("欧阳娜娜")) == []

    issued = issue_approval(document)

    assert list(search_documents("欧阳娜娜")) == [issued]
    assert list(search_documents(issued.number)) == [issued]


@pytest.mark.usefixtures("signing_key")
def test_revoking_a_certificate_keeps_the_document(authority):
    from approvals.issuing.issue import issue_approval
    from approvals.issuing.revocation import revoke_certificate

    issued = issue_approval(make_document(authority, 2))
    revoke_certificate(issued.certificates.get(name="李华"), "以不正当手段取得")
    assert list(search_documents("李华")) == [issued]


@pytest.mark.usefixtures("signing_key")
def test_superseded_document_is_marked(client, authority, approvals_page):
    from approvals.issuing.issue import issue_approval

    # Sequence 50: the counter (not advanced by this shortcut) gives the correction No. 1.
    old = published(authority, 50, title="关于王小明等同志取得工程师资格的通知")
    correction = make_document(authority, 2, title="关于王小明等同志取得工程师资格的更正通知")
    correction.supersedes = old
    correction.save()
    issue_approval(correction)
    old.refresh_from_db()
    assert old.status == DocumentStatus.SUPERSEDED
    assert set(search_documents("王小明")) == {old, correction}
    # The index was updated too: a filter on the status sees the new one.
    superseded = ApprovalDocument.objects.filter(status=DocumentStatus.SUPERSEDED)
    assert list(get_search_backend().search("王小明", superseded)) == [old]
    html = get(client, q="更正通知 王小明", type="approval")
    assert html.count("已被替代") == 0
    html = get(client, q=old.number, type="approval")
    assert "已被替代" in html


def test_type_year_and_authority_filters(client, authorities, approvals_page):
    toutunhe, bayingol = authorities["toutunhe"], authorities["bayingol"]
    a = published(toutunhe, 1, year=2024, title="关于工程师资格的通知甲")
    b = published(bayingol, 1, year=2023, title="关于工程师资格的通知乙")
    assert set(search_documents("工程师资格")) == {a, b}
    assert list(search_documents("工程师资格", year=2023)) == [b]
    assert list(search_documents("工程师资格", authority_id=toutunhe.pk)) == [a]
    assert list(search_documents("工程师资格", year=2023, authority_id=toutunhe.pk)) == []

    html = get(client, q="工程师资格", type="approval", year="2023")
    assert "通知乙" in html and "通知甲" not in html
    html = get(client, q="工程师资格", authority=str(toutunhe.pk))
    assert "通知甲" in html and "通知乙" not in html
    # Another 类型 leaves documents out.
    html = get(client, q="工程师资格", type="notice")
    assert "通知甲" not in html and "没有找到" in html
    # The 年度 filter offers the documents' years.
    assert '<option value="2023"' in get(client)


def test_search_page_block_links_to_listing_and_pdf(client, authority, approvals_page, make_page):
    make_page("工程师资格评审工作的通知")
    documents = [
        published(authority, n, title=f"关于第{n}批人员取得工程师资格的通知") for n in range(1, 5)
    ]
    html = get(client, q="工程师资格")
    assert "找到 5 条" in html
    assert "审批文件（4 份）" in html
    assert html.count("search-result--document") == 3  # the block shows the top few
    assert "查看全部 4 份审批文件" in html
    assert "?q=%E5%B7%A5%E7%A8%8B%E5%B8%88%E8%B5%84%E6%A0%BC&amp;type=approval" in html
    assert "<mark>工程师资格</mark>" in html
    assert "PDF，87 KB" in html
    first = documents[0]
    assert f'href="/approvals/?year=2024&amp;authority=toutunhe#doc-{first.pk}"' in html
    assert f'href="{first.pdf.url}"' in html
    assert 'class="search-result"' in html  # the page result is listed too

    html = get(client, q="王小明", type="approval")
    assert html.count("search-result--document") == 4
    assert "<mark>王小明</mark>" in html
    assert "<mark>新经开人社〔2024〕1号</mark>" in get(client, q="新经开人社〔2024〕1号")


def test_document_url_points_at_the_listing_page_holding_it(authority, approvals_page, monkeypatch):
    from approvals.models import ApprovalIndexPage
    from pagecache.derived import forget

    documents = [published(authority, n, title=f"通知{n}") for n in range(1, 4)]
    # Listed newest number first: 3, 2 | 1. The listing (and its page size) is looked up once
    # and kept until content changes; a test's publishing never commits, so forget() stands in
    # for that change.
    with monkeypatch.context() as patch:
        patch.setattr(ApprovalIndexPage, "per_page", 2)
        forget()
        first = documents[0].get_absolute_url()
        assert first == f"/approvals/?year=2024&authority=toutunhe&page=2#doc-{documents[0].pk}"
        assert "page=" not in documents[2].get_absolute_url()
    # With the listing's own 20 a page, all three are on page 1.
    forget()
    url = documents[0].get_absolute_url()
    assert url == f"/approvals/?year=2024&authority=toutunhe#doc-{documents[0].pk}"
    # The address really is where the listing shows the document.
    html = Client().get(url.split("#")[0]).content.decode()
    assert f'id="doc-{documents[0].pk}"' in html


def test_document_url_is_none_for_drafts_and_without_a_listing(authority):
    draft = make_document(authority, 1, title="草稿")
    assert draft.get_absolute_url() is None
    issued = published(authority, 1, title="通知")
    assert issued.get_absolute_url() is None  # no /approvals/ page is live


def test_type_approval_paginates_documents_then_the_column_page(client, authority, approvals_page):
    for n in range(1, 12):
        published(authority, n, title=f"关于第{n}批任职资格审批文件的通知", n=1)
    html = get(client, q="审批文件", type="approval")
    assert "找到 12 条" in html
    assert html.count("search-result--document") == 10
    html = get(client, q="审批文件", type="approval", page=2)
    assert html.count("search-result--document") == 1
    assert approvals_page.title in html


def test_without_the_approvals_registration_there_is_no_document_block(
    client, authority, approvals_page, monkeypatch
):
    from wagtail import hooks

    from search.kinds import HOOK_NAME

    published(authority, 1, title="关于王小明等同志取得工程师资格的通知")
    html = get(client, q="王小明")
    assert "审批文件（1 份）" in html and "search-result--document" in html
    assert '<option value="approval"' in html

    hooks.search_for_hooks()
    registered = hooks._hooks[HOOK_NAME]
    monkeypatch.setitem(
        hooks._hooks,
        HOOK_NAME,
        [entry for entry in registered if entry[0].__module__ != "approvals.wagtail_hooks"],
    )
    html = get(client, q="王小明")
    assert "search-result--document" not in html and "审批文件（" not in html
    assert '<option value="approval"' not in html
    assert "没有找到" in html
    # A 类型 nobody registers is dropped: the approval listing page is an ordinary page now.
    html = get(client, q="王小明", type="approval")
    assert "search-result--document" not in html
