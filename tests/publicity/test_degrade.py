"""Degrade, don't die: Redis unreachable and SMTP down leave pages 200 and objections accepted.

Redis: a real one on 127.0.0.1:6379 (db 15) for the working case, a closed port for the dead one.
SMTP: a real aiosmtpd server process started here, delivering to a maildir, then stopped.
"""

from __future__ import annotations

import datetime
import mailbox
import socket
import subprocess
import sys
import time

import pytest
import time_machine
from django.core.management import call_command

from publicity.models import Objection

from .conftest import at

pytestmark = pytest.mark.django_db
DURING = at(2023, 11, 2, 10)
DEAD_REDIS = "redis://127.0.0.1:6390/15"
LIVE_REDIS = "redis://127.0.0.1:6379/15"


def redis_caches(url: str, ignore_exceptions: bool = True) -> dict:
    """The production cache configuration (website.settings.production) pointed at `url`."""
    options = {
        "IGNORE_EXCEPTIONS": ignore_exceptions,
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
    }
    backend = "django_redis.cache.RedisCache"
    return {
        "default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "t", "OPTIONS": options},
        "pages": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "tp", "OPTIONS": options},
    }


@pytest.fixture
def running(make_publicity):
    return make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1, 8))


def post_objection(client, page):
    entry = page.entries.first()
    data = {
        "entry": entry.pk,
        "real_name": "李四",
        "contact": "13800000000",
        "facts": "该同志的业绩材料与实际不符。",
    }
    return client.post(page.objection_url(), data)


def test_redis_unreachable_pages_and_objections_still_work(client, running, settings):
    settings.CACHES = redis_caches(DEAD_REDIS)
    settings.PAGE_CACHE_ENABLED = True
    with time_machine.travel(DURING, tick=False):
        for path in ("/", running.url, running.objection_url(), "/robots.txt", "/no-such-page/"):
            response = client.get(path)
            assert response.status_code == (404 if "no-such" in path else 200), path
        response = post_objection(client, running)
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
    assert Objection.objects.count() == 1
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["cache"].startswith("error")
    assert health.json()["checks"]["database"] == "ok"


def test_live_redis_serves_cached_pages(client, running, settings):
    settings.CACHES = redis_caches(LIVE_REDIS)
    settings.PAGE_CACHE_ENABLED = True
    from django.core.cache import caches

    caches["pages"].clear()
    with time_machine.travel(DURING, tick=False):
        assert client.get(running.url)["X-Page-Cache"] == "miss"
        assert client.get(running.url)["X-Page-Cache"] == "hit"
    assert client.get("/healthz").json()["status"] == "ok"
    caches["pages"].clear()


class BrokenCache:
    """A cache whose every call raises, as a backend without IGNORE_EXCEPTIONS would."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_page_cache_errors_are_misses_even_without_ignore_exceptions(
    client, running, settings, monkeypatch
):
    from pagecache import middleware

    settings.PAGE_CACHE_ENABLED = True
    monkeypatch.setattr(middleware, "get_cache", lambda: BrokenCache())
    with time_machine.travel(DURING, tick=False):
        response = client.get(running.url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"


def test_rate_limit_fails_open_when_the_cache_raises(rf, monkeypatch):
    from website import ratelimit

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "get_usage", broken)
    request = rf.post("/")
    assert ratelimit.over_limit(request, "g", (1, 60)) is False
    assert ratelimit.limit_reached(request, "g", (1, 60)) is False


# ---- SMTP: a real server process -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self, maildir):
        self.maildir = maildir
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("aiosmtpd did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def messages(self):
        return list(mailbox.Maildir(self.maildir, create=False))


@pytest.fixture
def smtp(tmp_path, settings):
    server = SmtpServer(tmp_path / "maildir")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "queue": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    yield server
    server.stop()


def run_worker():
    call_command("db_worker", "--batch", "--backend", "queue", "--no-startup-delay",
                 "--queue-name", "*")  # fmt: skip


# The real worker closes its database connection between tasks: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_objection_mail_goes_through_the_queue_to_a_real_smtp_server(
    client, running, smtp, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    smtp.start()
    with time_machine.travel(DURING, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_objection(client, running)
    assert response.status_code == 302
    assert smtp.messages() == []  # not sent in the request
    assert DBTaskResult.objects.count() == 1
    run_worker()
    objection = Objection.objects.get()
    [message] = smtp.messages()
    assert objection.confirmation_number in message["Subject"] or objection.confirmation_number in (
        message.get_payload(decode=True).decode()
    )


@pytest.mark.django_db(transaction=True)
def test_smtp_down_objection_is_accepted_and_the_mail_retried(
    client, running, smtp, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from publicity.objections import notify_objection_task

    with time_machine.travel(DURING, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_objection(client, running)
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
    assert Objection.objects.count() == 1
    run_worker()  # the server is down: the attempt fails, the next one is queued for later
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "READY"]
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after is not None and retry.args_kwargs["args"][1] == 2
    smtp.start()
    objection_id = Objection.objects.get().pk
    notify_objection_task.call(objection_id, 2)  # what the worker does once run_after passes
    assert len(smtp.messages()) == 1
