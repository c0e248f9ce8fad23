"""The test factories make valid objects, and the ID numbers they generate are valid."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests import factories


def test_generated_id_numbers_are_valid_and_varied():
    from website.identity import validate

    rng = random.Random(7)
    numbers = {factories.chinese_id_number(rng=rng) for _ in range(500)}
    assert len(numbers) == 500
    assert all(validate(number) == number for number in numbers)
    assert len({number[:6] for number in numbers}) > 5  # random region codes
    assert any(number.endswith("X") for number in numbers)  # the check character can be X


def test_id_number_gender_and_birth_are_honoured():
    from website.identity import gender_of

    number = factories.chinese_id_number(birth=dt.date(1990, 2, 28), gender="女", sequence=11)
    assert number[6:14] == "19900228" and gender_of(number) == "女"
    assert gender_of(factories.chinese_id_number(gender="男")) == "男"


def test_check_character_matches_the_standard_example():
    # GB 11643-1999 appendix example: 11010519491231002X.
    assert factories.gb11643_check("11010519491231002") == "X"


@pytest.mark.django_db
def test_factories_build_a_consistent_object_graph(home_page):
    from approvals.models import ApprovalDocument

    index = factories.PublicityIndexPageFactory(parent=home_page)
    entry = factories.PublicityEntryFactory(publicity__parent=index, name="王小明")
    assert entry.publicity.get_parent().specific == index
    assert len(entry.id_hash) == 64 and "*" in entry.id_masked
    objection = factories.ObjectionFactory(entry=entry)
    assert objection.confirmation_number.startswith("YY")

    document = factories.ApprovalDocumentFactory(persons=3)
    assert document.persons.count() == 3
    assert len(set(document.persons.values_list("id_hash", flat=True))) == 3
    certificate = factories.CertificateFactory()
    assert certificate in certificate.__class__.objects.public()
    assert certificate.document in ApprovalDocument.objects.public()

    notice = factories.NoticePageFactory(parent=home_page)
    assert notice.get_parent().pk == home_page.pk and notice.authority.slug.startswith("authority")
    template = factories.TemplatePageFactory(parent=home_page)
    assert template.formats() == []  # nothing to generate from an empty body
    assert factories.SeriesFactory().name.startswith("测试系列")
    editor = factories.UserFactory(groups=["Editors", "Moderators"])
    assert set(editor.groups.values_list("name", flat=True)) == {"Editors", "Moderators"}
    assert editor.check_password("pw-test-123")


@pytest.mark.django_db
def test_signing_key_factory_makes_the_authoritys_active_key():
    from approvals.crypto.keys import active_signing_key

    first = factories.SigningKeyFactory()
    second = factories.SigningKeyFactory(authority=first.authority)
    assert active_signing_key(first.authority) == second
    first.refresh_from_db()
    assert not first.is_active
