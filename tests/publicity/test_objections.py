"""Objections: filing while running, closed after, rate limit, attachments, admin, exclusion."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publicity.models import Objection, ObjectionStatus
from tests.factories import ObjectionFactory

from .conftest import at

pytestmark = pytest.mark.django_db
DURING = at(2023, 11, 2, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def running(make_publicity):
    return make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1, 8))


def post(client, page, entry, **extra):
    data = {
        "entry": entry.pk,
        "real_name": "李四",
        "contact": "13800000000",
        "facts": "该同志的业绩材料与实际不符。",
    }
    data.update(extra)
    return client.post(page.objection_url(), data)


def test_objection_is_filed_with_a_receipt_and_an_email(
    client, running, django_capture_on_commit_callbacks
):
    entry = running.entries.first()
    with time_machine.travel(DURING, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, running, entry)
        assert response.status_code == 302
        objection = Objection.objects.get()
        assert objection.entry == entry and objection.status == ObjectionStatus.RECEIVED
        assert re.fullmatch(r"YY20231102-[A-Z2-9]{6}", objection.confirmation_number)
        page = client.get(response["Location"])
    assert objection.confirmation_number in page.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["93749288@qq.com"]
    assert objection.confirmation_number in mail.outbox[0].body
    assert entry.name in mail.outbox[0].body
    # The link leads to where a decision is recorded (处理), not to a bare edit form.
    assert f"/admin/publicity/objections/{objection.pk}/decide/" in mail.outbox[0].body


# A contact of control characters only is no contact: cleaning leaves nothing.
@pytest.mark.parametrize("contact", ["", "\x1f\u202e"], ids=["empty", "control-characters"])
def test_contact_is_required(client, running, contact):
    with time_machine.travel(DURING, tick=False):
        response = post(client, running, running.entries.first(), contact=contact)
    assert response.status_code == 400
    assert "请填写联系方式" in response.content.decode()
    assert not Objection.objects.exists()


def test_entry_must_belong_to_this_publicity(client, running, make_publicity):
    other = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1, 8))
    with time_machine.travel(DURING, tick=False):
        response = post(client, running, other.entries.first())
    assert response.status_code == 400
    assert "不在本次公示名单中" in response.content.decode()


def test_pdf_attachment_goes_to_private_storage(client, running):
    with time_machine.travel(DURING, tick=False):
        response = post(
            client, running, running.entries.first(),
            attachment=SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf"),
        )  # fmt: skip
    assert response.status_code == 302
    objection = Objection.objects.get()
    path = objection.attachment.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_disguised_attachment_is_refused(client, running):
    with time_machine.travel(DURING, tick=False):
        response = post(
            client, running, running.entries.first(),
            attachment=SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf"),
        )  # fmt: skip
    assert response.status_code == 400
    assert "附件只能是 PDF 文件或 JPG、PNG 图片" in response.content.decode()
    assert not Objection.objects.exists()


def test_oversized_attachment_is_refused(client, running, settings):
    settings.PUBLICITY_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    with time_machine.travel(DURING, tick=False):
        response = post(client, running, running.entries.first(),
                        attachment=SimpleUploadedFile("大.pdf", big))  # fmt: skip
    assert response.status_code == 400
    assert "附件不能超过 1 MB" in response.content.decode()


def test_rate_limit_per_client(client, running, settings):
    settings.PUBLICITY_OBJECTION_RATE = (3, 3600)
    entry = running.entries.first()
    with time_machine.travel(DURING, tick=False):
        # Three different objections (an identical one would keep its first receipt).
        for n in range(3):
            assert post(client, running, entry, facts=f"第{n + 1}条异议理由。").status_code == 302
        response = post(client, running, entry, facts="第4条异议理由。")
        assert response.status_code == 429
        assert "提交过于频繁" in response.content.decode()
    assert Objection.objects.count() == 3


def test_rate_limit_is_per_address(client, running, settings):
    settings.PUBLICITY_OBJECTION_RATE = (1, 3600)
    entry = running.entries.first()
    data = {"entry": entry.pk, "real_name": "李四", "contact": "x", "facts": "y"}
    with time_machine.travel(DURING, tick=False):
        assert client.post(running.objection_url(), data, REMOTE_ADDR="10.0.0.1").status_code == 302
        assert client.post(running.objection_url(), data, REMOTE_ADDR="10.0.0.1").status_code == 429
        assert client.post(running.objection_url(), data, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_closed_after_the_period(client, running):
    with time_machine.travel(at(2023, 11, 8, 0, 0), tick=False):
        response = post(client, running, running.entries.first())
    assert response.status_code == 410
    assert 'name="contact"' not in response.content.decode()
    assert not Objection.objects.exists()


def test_upheld_objection_excludes_entry_and_approved_entries(running):
    first, second, third = list(running.entries.order_by("sort_order"))[:3]
    upheld = ObjectionFactory(entry=first)
    ObjectionFactory(entry=second, status=ObjectionStatus.CHECKING)
    ObjectionFactory(entry=third, status=ObjectionStatus.REJECTED)
    upheld.status = ObjectionStatus.UPHELD
    upheld.save()
    first.refresh_from_db()
    assert first.excluded
    approved = list(running.approved_entries())
    assert first not in approved and second not in approved and third in approved
    assert len(approved) == running.entries.count() - 2
    upheld.status = ObjectionStatus.REJECTED
    upheld.save()
    first.refresh_from_db()
    assert not first.excluded


def test_editor_sets_status_in_admin(admin_client, running):
    entry = running.entries.first()
    objection = ObjectionFactory(entry=entry, attachment=SimpleUploadedFile("a.pdf", PDF))
    listing = admin_client.get(reverse("wagtailsnippets_publicity_objection:list"))
    assert objection.confirmation_number in listing.content.decode()
    url = reverse("publicity_admin:decide_objection", args=[objection.pk])
    response = admin_client.post(url, {"to_status": "成立", "reason": "经核查属实。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.excluded
    download = admin_client.get(
        reverse("publicity_admin:objection_attachment", args=[objection.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_attachment_is_not_public(client, running):
    objection = ObjectionFactory(
        entry=running.entries.first(), attachment=SimpleUploadedFile("a.pdf", PDF)
    )
    url = reverse("publicity_admin:objection_attachment", args=[objection.pk])
    assert client.get(url).status_code in (302, 403)


def test_each_row_links_to_the_objection_form_with_the_name_preselected(client, running):
    entry = running.entries.order_by("sort_order", "pk")[1]
    with time_machine.travel(DURING, tick=False):
        listing = client.get(running.url).content.decode()
        link = f"{running.objection_url()}?entry={entry.pk}"
        assert f'href="{link}"' in listing
        assert "csrfmiddlewaretoken" not in listing  # the list is the same for every visitor
        response = client.get(link)
    content = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in content
    assert f'<option value="{entry.pk}" selected>{entry.name}（{entry.unit}）</option>' in content
    assert content.count(" selected>") == 1
    # Personal (a token, a receipt): never stored by this site's cache or a proxy.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_list_address_does_not_take_posts(client, running):
    data = {"entry": running.entries.first().pk, "real_name": "李四", "contact": "x", "facts": "y"}
    with time_machine.travel(DURING, tick=False):
        response = client.post(running.url, data)
    assert response.status_code == 405
    assert not Objection.objects.exists()


def test_no_objection_form_before_the_publicity_goes_live(client, make_publicity):
    page = make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 10, 25))
    with time_machine.travel(at(2023, 10, 26), tick=False):  # scheduled, not live yet
        assert client.get(page.objection_url()).status_code == 404


@pytest.fixture
def one_per_client(client, running, settings):
    """Post an objection as (REMOTE_ADDR, X-Forwarded-For); one allowed per client."""
    settings.PUBLICITY_OBJECTION_RATE = (1, 3600)
    settings.TRUSTED_PROXIES = ["10.9.9.9"]
    data = {"entry": running.entries.first().pk, "real_name": "李四", "contact": "x", "facts": "y"}

    def send(remote: str, forwarded: str = ""):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        with time_machine.travel(DURING, tick=False):
            return client.post(running.objection_url(), data, REMOTE_ADDR=remote, **extra)

    return send


def test_spoofed_forwarded_for_does_not_escape_the_limit(one_per_client):
    # An untrusted peer: its X-Forwarded-For is ignored, whatever it claims.
    assert one_per_client("10.0.0.1").status_code == 302
    assert one_per_client("10.0.0.1", "1.1.1.1").status_code == 429


def test_trusted_proxy_forwards_each_clients_address(one_per_client):
    assert one_per_client("10.9.9.9", "1.1.1.1").status_code == 302
    assert one_per_client("10.9.9.9", "1.1.1.1").status_code == 429
    # A client cannot pose as another by prepending a hop: the proxy appended its own.
    assert one_per_client("10.9.9.9", "2.2.2.2, 1.1.1.1").status_code == 429
    assert one_per_client("10.9.9.9", "2.2.2.2").status_code == 302


def test_control_and_bidi_characters_are_stripped_from_the_objection(client, running):
    with time_machine.travel(DURING, tick=False):
        response = post(
            client,
            running,
            running.entries.first(),
            contact="138\u202e0000\x1f0000",
            facts="业绩\x01材料\u2066不实\n第二段",
        )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.contact == "13800000000"
    assert objection.facts == "业绩材料不实\n第二段"
