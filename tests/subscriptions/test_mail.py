"""E-mail subscriptions against a real SMTP server (aiosmtpd on 127.0.0.1): double opt-in,
filters by authority and series, one mail per item, one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import email
import re
import socket
from email.policy import default as default_policy

import pytest

pytestmark = pytest.mark.django_db


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str):
        return [m for rcpts, m in self.messages if address in rcpts]


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port (the controller's own check needs a real one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link(message, kind: str) -> str:
    url = re.search(rf"https?://\S+/subscribe/{kind}/\S+/", body(message)).group(0)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_double_opt_in_filters_and_one_click_unsubscribe(
    client, home_page, smtp, django_capture_on_commit_callbacks
):
    from notices.demo import ensure_index_pages
    from subscriptions.models import Subscription
    from tests.notices.conftest import import_seed
    from website.models import Authority, Series

    ensure_index_pages()
    bayingol = Authority.objects.get(slug="bayingol")
    teachers = Series.objects.get(name="中小学教师系列")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/subscribe/", {"email": "Wang@Example.CN", "kinds": ["notice"], "authority": ""}
        )
        client.post(
            "/subscribe/",
            {"email": "li@example.cn", "kinds": ["notice"], "authority": bayingol.pk},
        )
        client.post(
            "/subscribe/",
            {"email": "zhao@example.cn", "kinds": ["notice"], "series": teachers.pk},
        )
    assert response.status_code == 200 and "请确认订阅" in response.content.decode()
    (confirmation,) = smtp.to("wang@example.cn")
    assert "确认" in confirmation["Subject"]
    assert str(confirmation["List-Unsubscribe"]).strip().startswith("<http")

    # Unconfirmed: nothing is sent about a new notice.
    with django_capture_on_commit_callbacks(execute=True):
        import_seed("2023-bayingol-engineering-notice.txt", "bayingol")
    assert len(smtp.to("wang@example.cn")) == 1

    for address in ("wang@example.cn", "li@example.cn", "zhao@example.cn"):
        confirm_path = link(smtp.to(address)[0], "confirm")
        assert "已确认" in client.get(confirm_path).content.decode()
    assert Subscription.objects.filter(confirmed_at__isnull=False).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        notice = import_seed("2025-urumqi-all-series-notice.txt", "urumqi")
        notice.save_revision().publish()  # published again: still one mail
    (mail,) = smtp.to("wang@example.cn")[1:]
    assert notice.title in mail["Subject"] and notice.url in body(mail)
    assert str(mail["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    # li follows bayingol only; zhao follows 中小学教师, which the 各系列 notice covers.
    assert len(smtp.to("li@example.cn")) == 1
    assert len(smtp.to("zhao@example.cn")) == 2

    # One click in the mail client: a POST with no session or CSRF token.
    unsubscribe = str(mail["List-Unsubscribe"]).strip().strip("<>")
    path = "/" + unsubscribe.split("://", 1)[1].split("/", 1)[1]
    assert "确认退订" in client.get(path).content.decode()  # GET only asks
    assert Subscription.objects.get(email="wang@example.cn").unsubscribed_at is None
    csrf_client = type(client)(enforce_csrf_checks=True)
    response = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscription.objects.get(email="wang@example.cn").unsubscribed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        import_seed("2024-toutunhe-ftz-notice.txt", "toutunhe")
    assert len(smtp.to("wang@example.cn")) == 2  # nothing after unsubscribing


def test_subscribe_form_errors_are_chinese(client, home_page):
    response = client.post("/subscribe/", {"email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "电子邮箱格式不正确" in html and "请至少选择一项订阅内容" in html
    assert client.get("/subscribe/confirm/nope/").status_code == 404
    assert client.post("/subscribe/unsubscribe/nope/").status_code == 404
