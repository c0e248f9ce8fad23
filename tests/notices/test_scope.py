"""Filters that understand a notice's scope: 各系列, lists of series, unlisted levels."""

import importlib

import pytest

from .conftest import import_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(columns):
    return {
        "2023": import_seed("2023-bayingol-engineering-notice.txt", "bayingol"),
        "2024": import_seed("2024-toutunhe-ftz-notice.txt", "toutunhe"),
        "2025": import_seed("2025-urumqi-all-series-notice.txt", "urumqi"),
    }


def listed(client, **params) -> set[str]:
    from notices.models import NoticePage

    html = client.get("/notices/", params).content.decode()
    return {str(p.review_year) for p in NoticePage.objects.all() if p.title in html}


def series_id(name: str) -> str:
    from website.models import Series

    return str(Series.objects.get(name=name).pk)


def test_series_filter_reads_the_scope(client, seeds):
    assert seeds["2025"].all_series and not seeds["2024"].all_series
    assert listed(client, series=series_id("中小学教师系列")) == {"2025"}
    assert listed(client, series=series_id("经济系列")) == {"2024", "2025"}
    assert listed(client, series=series_id("工程系列"), year="2025") == {"2025"}
    assert listed(client, series=series_id("工程系列")) == {"2023", "2024", "2025"}
    # 2023 names 中、初级; 2025 names no level, so it covers 副高级 too.
    assert listed(client, level="副高级") == {"2024", "2025"}
    assert listed(client, level="正高级", series=series_id("会计系列")) == {"2025"}
    html = client.get(seeds["2025"].url).content.decode()
    assert "各系列" in html


def test_data_migration_gives_old_notices_their_scope(seeds):
    """A notice imported before scopes were read (no 各系列 flag, only the title's series)."""
    from django.apps import apps

    from notices.models import NoticePage
    from website.models import Series

    old = seeds["2024"]
    NoticePage.objects.filter(pk=seeds["2025"].pk).update(all_series=False)
    old.series.set([Series.objects.get(name="工程系列")])
    migration = importlib.import_module("notices.migrations.0004_notice_scope_from_text")
    migration.forwards(apps, None)
    assert NoticePage.objects.get(pk=seeds["2025"].pk).all_series
    names = set(NoticePage.objects.get(pk=old.pk).series.values_list("name", flat=True))
    assert names == {"工程系列", "经济系列", "审计系列", "会计系列", "统计系列"}
    revision = NoticePage.objects.get(pk=seeds["2025"].pk).latest_revision
    assert revision.content["all_series"] is True
