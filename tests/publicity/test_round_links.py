"""A round's pages linked both ways: notice ↔ publicity ↔ approval documents; an ended
publicity keeps a public record (no names); a notice says when its round is over."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils.html import escape

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(home_page):
    from notices.demo import ensure_index_pages
    from tests.notices.conftest import import_seed

    ensure_index_pages()
    return import_seed("2023-bayingol-engineering-notice.txt", "bayingol")


@pytest.fixture
def document_of(authority):
    from approvals.demo import ensure_index
    from approvals.models import ApprovalDocument
    from tests.approvals.helpers import make_document

    index = ensure_index()
    index.save_revision().publish()

    def make(publicity):
        document = make_document(
            authority, 2, source_publicity=publicity, date=datetime.date(2023, 11, 20)
        )
        ApprovalDocument.objects.filter(pk=document.pk).update(
            status="issued", number="新经开人社〔2023〕7号", year=2023, sequence=7
        )
        document.refresh_from_db()
        return document

    return make


def test_notice_publicity_and_document_link_both_ways(client, notice, make_publicity, document_of):
    publicity = make_publicity(start=datetime.date(2023, 11, 1), notice=notice)
    name = publicity.entries.first().name

    # While the publicity runs: the notice lists it, the publicity names its notice.
    with time_machine.travel(at(2023, 11, 2), tick=False):
        call_command("publish_scheduled")
        html = client.get(notice.url).content.decode()
        assert publicity.url in html and "本轮公示与审批文件" in html
        assert "本轮评审已结束" not in html
        html = client.get(publicity.url).content.decode()
        assert notice.url in html and name in html

    document = document_of(publicity)
    with time_machine.travel(at(2023, 11, 21), tick=False):
        call_command("publish_scheduled")
        # The ended publicity: a record with its period, counts and the document; no names.
        response = client.get(publicity.url)
        html = response.content.decode()
        assert response.status_code == 200
        assert '<meta name="robots" content="noindex">' in html
        assert name not in html and "公示已于2023年11月7日结束" in html
        assert publicity.period_label in html
        count = publicity.entries.count()
        assert f"<dt>公示人数</dt><dd>{count} 人</dd>" in html
        assert document.number in html and notice.url in html
        # Objections stay closed for good.
        assert client.get(publicity.objection_url()).status_code in (404, 410)

        # The notice: its publicity and the document it led to; the round is over.
        html = client.get(notice.url).content.decode()
        assert publicity.url in html and document.number in html
        assert "本轮评审已结束" in html
        assert escape(document.get_absolute_url()) in html

        # The document listing names where the document came from.
        html = client.get(document.get_absolute_url()).content.decode()
        assert f'href="{publicity.url}"' in html and f'href="{notice.url}"' in html


def test_round_over_without_an_outcome_after_a_year(client, notice):
    """缴费 另行通知 in a 2023 notice: two years later the round is over, not still pending."""
    with time_machine.travel(at(2023, 9, 1), tick=False):
        html = client.get(notice.url).content.decode()
    assert "本轮评审已结束" not in html
    with time_machine.travel(at(2025, 11, 1), tick=False):
        html = client.get(notice.url).content.decode()
    assert "本轮评审已结束" in html
    assert 'badge badge--warn">另行通知' not in html


def test_round_over_rules():
    from notices.rounds import round_over
    from notices.timeline import CURRENT, PAST, TBA, UPCOMING

    today = datetime.date(2024, 1, 1)
    last = datetime.date(2023, 12, 1)
    assert not round_over([PAST, CURRENT], last, today, has_outcome=True)
    assert not round_over([UPCOMING], last, today, has_outcome=True)
    assert round_over([PAST, TBA], last, today, has_outcome=True)
    assert not round_over([PAST, TBA], last, today, has_outcome=False)
    assert round_over([PAST, TBA], last, datetime.date(2025, 1, 2), has_outcome=False)
    assert not round_over([], None, today, has_outcome=False)
