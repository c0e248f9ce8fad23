"""The site's use of the whoosh_jieba backend: selected in settings, the site's own words in
its dictionary, the site's snippets searchable in the admin."""

import pytest
from modelsearch.backends import get_search_backend

from website.models import Authority
from whoosh_jieba.analyzer import query_words
from whoosh_jieba.backend import WhooshSearchBackend


def test_backend_is_selected_in_settings():
    assert isinstance(get_search_backend(), WhooshSearchBackend)


def test_the_sites_words_are_one_query_word(settings):
    assert {"职称评审", "评审费", "盲评", "免试表"} <= set(settings.WHOOSH_JIEBA_WORDS)
    assert query_words("职称评审") == ["职称评审"]
    assert query_words("评审费") == ["评审费"]
    assert query_words("盲评") == ["盲评"]
    assert query_words("继续教育免试表") == ["继续教育", "免试表"]


@pytest.mark.django_db
def test_admin_snippet_search(admin_client, home_page):
    response = admin_client.get("/admin/snippets/website/authority/", {"q": "头屯河"})
    assert response.status_code == 200
    assert Authority.objects.get(slug="toutunhe").name in response.content.decode()
