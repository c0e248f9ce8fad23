"""Files at rest and the admin login: private files 0600, public media served safely in
production, admin login throttled per username and address (django-axes)."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_private_files_are_0600_and_directories_0700():
    storage = storages["private"]
    name = storage.save("certificates/2026/test.pdf", ContentFile(b"%PDF-1.7 personal"))
    path = Path(storage.path(name))
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    storage.delete(name)


@pytest.fixture
def media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "approvals").mkdir(parents=True)
    (tmp_path / "media" / "approvals" / "批文.pdf").write_bytes(b"%PDF-1.7 public")
    (tmp_path / "media" / "documents").mkdir()
    (tmp_path / "media" / "documents" / "restricted.pdf").write_bytes(b"%PDF restricted")
    (tmp_path / "media" / ".env").write_text("SECRET=1")
    (tmp_path / "secret.txt").write_text("outside")
    return tmp_path


def test_public_media_is_streamed(client, media_file):
    response = client.get("/media/approvals/批文.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 public"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_public_media_via_x_accel_redirect(client, media_file, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media/"
    response = client.get("/media/approvals/批文.pdf")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_protected_media/approvals/%E6%89%B9%E6%96%87.pdf"
    assert response.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/approvals/../../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/.env",
        "/media/documents/restricted.pdf",
        "/media/approvals/",
        "/media/approvals/none.pdf",
    ],
)
def test_nothing_but_public_media_files(client, media_file, path):
    assert client.get(path).status_code == 404


def test_media_only_takes_get_and_head(client, media_file):
    assert client.post("/media/approvals/批文.pdf").status_code == 405


# ---- admin login throttling -----------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor2", "e2@example.cn", "right-password-123", is_superuser=True, is_staff=True
    )


def login(client, password, username="editor2", address="203.0.113.5"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_admin_login_is_locked_after_five_failures_with_a_chinese_message(client, editor):
    for _ in range(4):
        response = login(client, "wrong")
        assert response.status_code == 200  # the login form again
    response = login(client, "wrong")
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "15 分钟" in response.content.decode()
    # Even the right password is refused from this address while locked…
    assert login(client, "right-password-123").status_code == 429
    # …but the editor can still log in from elsewhere: nobody locks a user out remotely.
    response = login(client, "right-password-123", address="198.51.100.7")
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(client, editor):
    for _ in range(4):
        login(client, "wrong")
    assert login(client, "right-password-123").status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "wrong").status_code == 200


def test_public_pages_allow_no_inline_script_the_admin_does(client, home_page, admin_client):
    public = client.get("/")["Content-Security-Policy"]
    script = next(part for part in public.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'self'" in script
    assert "object-src 'none'" in public
    assert client.get("/")["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in client.get("/")["Permissions-Policy"]
    admin = admin_client.get("/admin/")["Content-Security-Policy"]
    script = next(part for part in admin.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" in script


def test_axes_address_is_an_ip_or_none(rf):
    from website.login_throttle import axes_client_ip

    assert axes_client_ip(rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert axes_client_ip(request) is None
