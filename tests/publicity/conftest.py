"""Fixtures for the publicity tests: the 公示 column and publicity pages at frozen times."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=12, minute=0):
    """An aware datetime in Asia/Shanghai, for time_machine."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def run_scheduled_publishing(moment):
    """Wagtail's publish_scheduled as the scheduler runs it at ``moment``."""
    with time_machine.travel(moment, tick=False):
        call_command("publish_scheduled")


@pytest.fixture(autouse=True)
def _clear_cache(clear_cache):
    """Every publicity test starts without rate-limit counters."""


@pytest.fixture
def publicity_index(home_page):
    from publicity.demo import ensure_index

    return ensure_index(home_page)


@pytest.fixture
def make_publicity(publicity_index, authority):
    """Create and publish a PublicityPage (with entries) as an editor would at time `now`."""
    from publicity.demo import running_people
    from publicity.models import PublicityPage
    from tests.factories import PublicityEntryFactory

    counter = {"n": 0}

    def make(start=datetime.date(2023, 11, 1), now=None, people=None, publish=True, **values):
        counter["n"] += 1
        fields = {
            "title": f"测试公示{counter['n']}",
            "slug": f"test-publicity-{counter['n']}",
            "authority": authority,
            "review_committee": "工程系列中级评审委员会",
            "start_date": start,
            "objection_contact": "电话：0991—3757772",
        }
        fields.update(values)
        with time_machine.travel(
            now or at(start.year, start.month, start.day) - datetime.timedelta(days=3), tick=False
        ):
            page = publicity_index.add_child(instance=PublicityPage(**fields))
            for person in running_people() if people is None else people:
                PublicityEntryFactory(publicity=page, **person)
            if publish:
                page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make
