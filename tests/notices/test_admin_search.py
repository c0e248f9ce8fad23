"""The admin page search finds a notice by its 文号 (as the public search does)."""

from __future__ import annotations

import pytest

from tests.factories import NoticePageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["新经开人社〔2024〕7号", "〔2024〕7号"])
def test_admin_search_finds_notice_by_document_number(
    admin_client, columns, authority, search_index, query
):
    notices, _templates = columns
    page = notices.add_child(
        instance=NoticePageFactory.build(
            authority=authority, document_number="新经开人社〔2024〕7号", title="关于评审的通知"
        )
    )
    page.save_revision().publish()
    other = notices.add_child(
        instance=NoticePageFactory.build(
            authority=authority, document_number="新经开人社〔2024〕8号", title="另一份通知"
        )
    )
    other.save_revision().publish()
    html = admin_client.get("/admin/pages/search/", {"q": query}).content.decode()
    assert "关于评审的通知" in html
    assert "另一份通知" not in html


def test_admin_search_finds_publicity_by_person_name(
    admin_client, home_page, authority, search_index
):
    from publicity.demo import ensure_index
    from tests.factories import PublicityEntryFactory, PublicityPageFactory

    index = ensure_index(home_page)
    page = index.add_child(
        instance=PublicityPageFactory.build(title="工程系列公示", authority=authority)
    )
    PublicityEntryFactory(publicity=page, name="欧阳春晓")
    page.save_revision().publish()
    html = admin_client.get("/admin/pages/search/", {"q": "欧阳春晓"}).content.decode()
    assert "工程系列公示" in html
