"""Production serving: gunicorn configuration, WhiteNoise with hashed compressed static files."""

from __future__ import annotations

import gzip
import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_settings import PRODUCTION_ENV, ROOT, dev_settings_print, run_manage

CONF = ROOT / "gunicorn.conf.py"


def load_conf(monkeypatch, **env: str) -> dict:
    for name in (
        "WEB_CONCURRENCY",
        "GUNICORN_BIND",
        "GUNICORN_ACCESS_LOG",
        "GUNICORN_MAX_REQUESTS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_gunicorn_defaults(monkeypatch):
    conf = load_conf(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["preload_app"] is True
    assert conf["workers"] == os.cpu_count() * 2
    assert conf["max_requests"] > 0 and conf["max_requests_jitter"] > 0
    assert conf["accesslog"] is None


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    conf = load_conf(
        monkeypatch, WEB_CONCURRENCY="3", GUNICORN_BIND="0.0.0.0:9000", GUNICORN_ACCESS_LOG="-"
    )
    assert (conf["workers"], conf["bind"], conf["accesslog"]) == (3, "0.0.0.0:9000", "-")


def test_gunicorn_master_loads_shared_data_before_fork(monkeypatch, settings):
    """when_ready (in the master, before the workers fork) loads jieba's dictionary, the PDF
    font, the URL patterns and the project's templates, so workers share them."""
    import gc
    import logging

    from django.template import engines
    from django.template.loaders.cached import Loader as CachedLoader

    from website.pdf import fonts
    from whoosh_jieba import analyzer

    conf = load_conf(monkeypatch)
    monkeypatch.setattr(analyzer, "_jieba_ready", False)
    monkeypatch.setattr(fonts, "_fonts", {})
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0].get("OPTIONS", {}),
                "loaders": [
                    (
                        "django.template.loaders.cached.Loader",
                        [
                            "django.template.loaders.filesystem.Loader",
                            "django.template.loaders.app_directories.Loader",
                        ],
                    )
                ],
            },
        }
    ]
    server = type("Server", (), {"log": logging.getLogger("gunicorn.test")})()
    try:
        conf["when_ready"](server)
    finally:
        gc.unfreeze()
    assert analyzer._jieba_ready
    assert set(fonts._fonts) == {face.name for face in fonts.ALL_FACES}
    (loader,) = engines["django"].engine.template_loaders
    assert isinstance(loader, CachedLoader)
    assert "search/search.html" in loader.get_template_cache
    monkeypatch.setenv("GUNICORN_WARM_UP", "0")
    monkeypatch.setattr(analyzer, "_jieba_ready", False)
    load_conf(monkeypatch)["when_ready"](server)
    assert not analyzer._jieba_ready


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    """Until a server process listens on the port; its stderr (when piped) if it ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None:
                errors = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"process ended: {process.args}\n{errors}") from None
            time.sleep(0.1)
    raise AssertionError(f"port {port} never opened: {process.args}")


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """collectstatic with production settings, then gunicorn (this repo's config) on a free port."""
    var = tmp_path_factory.mktemp("prod-var")
    env = dict(PRODUCTION_ENV, VAR_DIR=str(var), STATIC_ROOT=str(var / "static"))
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    env["SECURE_SSL_REDIRECT"] = "0"
    result = run_manage("collectstatic", "--noinput", "-v", "0", env=env)
    assert result.returncode == 0, result.stderr
    manifest = (var / "static" / "staticfiles.json").read_text()
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(env, WEB_CONCURRENCY="1", GUNICORN_BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONF), "website.wsgi"],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_for_port(port, process, 60)
    yield {"port": port, "manifest": manifest, "static_root": var / "static", "var": var}
    process.terminate()
    process.wait(timeout=30)


def fetch(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def hashed_name(manifest: str, name: str) -> str:
    import json

    return json.loads(manifest)["paths"][name]


def test_hashed_static_file_is_served_by_the_production_app(production_server):
    name = hashed_name(production_server["manifest"], "website/css/site.css")
    assert name != "website/css/site.css" and name.endswith(".css")
    status, headers, body = fetch(production_server["port"], f"/static/{name}")
    assert status == 200
    original = (ROOT / "website/static/website/css/site.css").read_bytes()
    assert body == original
    # Hashed names never change content: cached for ever by browsers and CDNs.
    assert "immutable" in headers["cache-control"]
    assert int(headers["cache-control"].split("max-age=")[1].split(",")[0]) >= 31536000


def test_static_files_are_served_compressed(production_server):
    name = hashed_name(production_server["manifest"], "website/css/site.css")
    status, headers, body = fetch(
        production_server["port"], f"/static/{name}", **{"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body) == (ROOT / "website/static/website/css/site.css").read_bytes()


def test_public_media_is_served_by_the_production_app(production_server):
    """WhiteNoise serves no media: website.media does, and only public files."""
    media = production_server["var"] / "media" / "approvals"
    media.mkdir(parents=True, exist_ok=True)
    (media / "doc.pdf").write_bytes(b"%PDF-1.7 approval document")
    (production_server["var"] / "db-secret.txt").write_text("outside media")
    status, headers, body = fetch(production_server["port"], "/media/approvals/doc.pdf")
    assert status == 200
    assert body == b"%PDF-1.7 approval document"
    assert headers["content-type"] == "application/pdf"
    # This server's database is not migrated, so its 404 page itself fails: what matters is
    # that traversal gets the not-found answer of any unknown path, never the file.
    not_found = fetch(production_server["port"], "/media/approvals/none.pdf")[0]
    assert not_found != 200
    for path in ("/media/../db-secret.txt", "/media/%2e%2e/db-secret.txt"):
        status, _, body = fetch(production_server["port"], path)
        assert status == not_found and b"outside media" not in body


def test_security_headers_in_production(production_server):
    name = hashed_name(production_server["manifest"], "website/css/site.css")
    status, headers, _ = fetch(production_server["port"], f"/static/{name}")
    assert status == 200
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["permissions-policy"]


def test_check_deploy_passes_with_cache_and_frontend_cache_settings():
    env = dict(
        PRODUCTION_ENV,
        PAGE_CACHE="1",
        REDIS_URL="redis://127.0.0.1:6379/15",
        WAGTAILFRONTENDCACHE='{"cdn": {"BACKEND": '
        '"wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": "http://127.0.0.1:8080"}}',
    )
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_page_cache_can_be_switched_off_from_the_environment():
    code = "from django.conf import settings; print(settings.PAGE_CACHE_ENABLED)"
    for value, expected in (("0", "False"), ("1", "True")):
        result = dev_settings_print(code, PAGE_CACHE=value)
        assert result.stdout.strip() == expected, result.stderr


def test_embedded_page_cache_is_shared_between_processes():
    """Not per-process memory: the scheduler's purges must reach the web server's cache."""
    code = (
        "from django.conf import settings; c = settings.CACHES['pages'];"
        "print(c['BACKEND'], c['LOCATION'])"
    )
    result = dev_settings_print(code, drop=("REDIS_URL",), VAR_DIR="/tmp/zc-var-probe")
    backend, location = result.stdout.split()
    assert backend.endswith("FileBasedCache")
    assert Path(location) == Path("/tmp/zc-var-probe/cache/pages")
