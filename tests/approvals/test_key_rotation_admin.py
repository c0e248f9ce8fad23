"""Signing-key rotation and CRL refresh from the admin: superusers only, logged."""

from __future__ import annotations

import pytest
from cryptography import x509
from django.contrib.auth.models import Permission
from wagtail.models import ModelLogEntry

from approvals.models import SigningKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rotate_key_from_the_admin(admin_client, authority, signing_key):
    html = admin_client.get("/admin/signing_keys/").content.decode()
    assert "轮换签章密钥" in html
    page = admin_client.get("/admin/signing_keys/rotate/").content.decode()
    assert authority.name in page and signing_key.key_id in page
    response = admin_client.post("/admin/signing_keys/rotate/", {"authority": authority.pk})
    assert response.status_code == 302
    keys = SigningKey.objects.filter(authority=authority)
    assert keys.count() == 2
    new = keys.get(is_active=True)
    assert new.pk != signing_key.pk
    signing_key.refresh_from_db()
    assert not signing_key.is_active  # kept, inactive: old signatures still verify
    entry = ModelLogEntry.objects.get(action="approvals.rotate_key")
    assert entry.user_id == admin_client.user.pk and entry.object_id == str(new.pk)


def test_refresh_crl_returns_a_fresh_signed_list(admin_client, signing_key):
    assert admin_client.get("/admin/signing_keys/crl/").status_code == 405
    response = admin_client.post("/admin/signing_keys/crl/")
    assert response.status_code == 200
    crl = x509.load_der_x509_crl(response.content)
    assert len(list(crl)) == 0
    assert ModelLogEntry.objects.filter(action="approvals.refresh_crl").exists()


def test_rotation_refused_to_non_superusers(client, authority, signing_key):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_signingkey"),
    )
    client.force_login(user)
    assert "轮换签章密钥" not in client.get("/admin/signing_keys/").content.decode()
    response = client.post("/admin/signing_keys/rotate/", {"authority": authority.pk})
    assert response.status_code in (302, 403)
    assert SigningKey.objects.filter(authority=authority).count() == 1
    assert client.post("/admin/signing_keys/crl/").status_code in (302, 403)
