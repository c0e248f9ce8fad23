"""ID_HASH_KEY rotation: `rotate_id_hash_key` re-keys every stored hash from hash + mask with
the old key; during the window a holder's retrieval re-keys that person on the spot."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from approvals.issuing.issue import issue_approval
from approvals.models import ApprovedPerson, Certificate
from website import identity, rekeying

from .helpers import id_number, make_document

pytestmark = pytest.mark.django_db
OLD, NEW = "the old id hash key", "the new id hash key"


@pytest.fixture
def issued_under_old_key(settings, authority, signing_key):
    settings.ID_HASH_KEY = OLD
    document = issue_approval(make_document(authority, 2))
    cache.clear()
    return document


def _hashes() -> set[str]:
    return set(Certificate.objects.values_list("id_hash", flat=True)) | set(
        ApprovedPerson.objects.values_list("id_hash", flat=True)
    )


def test_command_rekeys_every_stored_hash_and_is_idempotent(settings, issued_under_old_key):
    assert rekeying.models_with_id_hash()  # found by fields: persons, certificates, entries
    old_hashes = _hashes()
    settings.ID_HASH_KEY, settings.ID_HASH_KEY_PREVIOUS = NEW, OLD
    out = io.StringIO()
    call_command("rotate_id_hash_key", stdout=out)
    assert "已重新生成 4 条" in out.getvalue()  # two persons, two certificates
    new_hashes = _hashes()
    assert not new_hashes & old_hashes
    assert new_hashes == {identity.id_hash(id_number(i), NEW.encode()) for i in (1, 2)}
    # Run again: nothing left on the old key.
    again = io.StringIO()
    call_command("rotate_id_hash_key", stdout=again)
    assert "已重新生成 0 条，已是新密钥 4 条" in again.getvalue()


def test_holder_retrieves_under_new_key_only_after_rotation(client, settings, issued_under_old_key):
    data = {"name": "王小明", "id_number": id_number(1)}
    settings.ID_HASH_KEY, settings.ID_HASH_KEY_PREVIOUS = NEW, ""
    assert client.post("/certificates/download/", data).status_code == 400  # the old hashes
    settings.ID_HASH_KEY_PREVIOUS = OLD
    call_command("rotate_id_hash_key", stdout=io.StringIO())
    settings.ID_HASH_KEY_PREVIOUS = ""
    cache.clear()
    assert client.post("/certificates/download/", data).status_code == 200


def test_retrieval_during_the_window_rekeys_that_person(client, settings, issued_under_old_key):
    settings.ID_HASH_KEY, settings.ID_HASH_KEY_PREVIOUS = NEW, OLD
    data = {"name": "李华", "id_number": id_number(2)}
    assert client.post("/certificates/download/", data).status_code == 200
    rekeyed = identity.id_hash(id_number(2), NEW.encode())
    assert Certificate.objects.get(name="李华").id_hash == rekeyed
    assert ApprovedPerson.objects.get(name="李华").id_hash == rekeyed
    # The other holder is untouched until the command runs or they retrieve.
    assert Certificate.objects.get(name="王小明").id_hash == identity.id_hash(
        id_number(1), OLD.encode()
    )


def test_upgrade_from_the_secret_key_derived_hash(settings, authority, signing_key):
    settings.ID_HASH_KEY = NEW
    make_document(authority, 1)
    # Stored as releases before ID_HASH_KEY did: keyed by a derivation of SECRET_KEY.
    legacy = identity.id_hash(id_number(1), identity.legacy_hash_key())
    ApprovedPerson.objects.update(id_hash=legacy)
    with pytest.raises(CommandError, match="ID_HASH_KEY_PREVIOUS"):
        call_command("rotate_id_hash_key", stdout=io.StringIO())
    call_command("rotate_id_hash_key", "--from-secret-key", stdout=io.StringIO())
    person = ApprovedPerson.objects.get()
    assert person.id_hash == identity.id_hash(id_number(1), NEW.encode())
