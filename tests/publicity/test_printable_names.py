"""A name must print on the approval document and the certificate: characters beyond GB 2312
and in Extensions A–F are fine; a character no font has (a private-use code point from a
mis-encoded file) is refused at roster import and before the publicity is published."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from publicity import roster
from publicity.models import PublicityEntry

from .conftest import at
from .test_pages import _form_data
from .test_roster import CLEAN, csv_bytes, person

pytestmark = pytest.mark.django_db


def test_rare_but_real_name_characters_are_accepted_at_import():
    rows = [person(1, "王頔"), person(2, "李䶮"), person(3, "赵𠅤"), person(5, "钱𪚥")]
    result = roster.parse_roster(csv_bytes(rows))
    assert result.errors == []
    assert [row.name for row in result.rows] == ["王頔", "李䶮", "赵𠅤", "钱𪚥"]


def test_character_no_font_has_is_refused_at_import_with_its_row():
    bad = person(5, "王\ue000")
    bad[9] = "新疆\ue001公司"
    result = roster.parse_roster(csv_bytes([CLEAN[0], bad]))
    assert [row.name for row in result.rows] == ["王建国"]
    (error,) = result.errors
    assert error.row_number == 4
    assert "姓名中的“\ue000”(U+E000)任何字体都无法显示" in error.reason
    assert "工作单位中的“\ue001”(U+E001)" in error.reason


def test_entry_edited_in_the_admin_is_checked(make_publicity):
    page = make_publicity(publish=False)
    entry = page.entries.first()
    entry.name = "王\ue000"
    with pytest.raises(ValidationError, match="U\\+E000"):
        entry.full_clean()


def test_publicity_with_an_unprintable_name_is_not_published(
    admin_client, make_publicity, authority
):
    page = make_publicity(start=datetime.date(2023, 11, 1), publish=False)
    PublicityEntry.objects.filter(pk=page.entries.first().pk).update(name="王\ue000")
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = _form_data(authority, "2023-11-01", **{"action-publish": "1"})
    data.update(title=page.title, slug=page.slug)
    with time_machine.travel(at(2023, 10, 20), tick=False):
        response = admin_client.post(url, data, follow=True)
    html = response.content.decode()
    assert "无法印出的字符" in html and "U+E000" in html
    page.refresh_from_db()
    assert page.live_revision is None
    assert not page.revisions.filter(approved_go_live_at__isnull=False).exists()

    PublicityEntry.objects.filter(name="王\ue000").update(name="王頔")  # a real rare character
    with time_machine.travel(at(2023, 10, 20), tick=False):
        admin_client.post(url, data)
    assert page.revisions.filter(approved_go_live_at__isnull=False).exists()
