"""Objection receipts that lead somewhere: status by receipt number plus contact, the same
objection sent twice keeps one receipt, the objector's real name is asked and kept private."""

import datetime

import pytest
import time_machine

from publicity.models import Objection, ObjectionStatus

from .conftest import at

pytestmark = pytest.mark.django_db
DURING = at(2023, 11, 2, 10)
STATUS_URL = "/publicity/objection-status/"


@pytest.fixture
def running(make_publicity):
    return make_publicity(start=datetime.date(2023, 11, 1), now=at(2023, 11, 1, 8))


def file(client, page, **extra):
    data = {
        "entry": page.entries.first().pk,
        "real_name": "李四",
        "contact": "138 0000 0000",
        "facts": "该同志的业绩材料与实际不符。",
        **extra,
    }
    return client.post(page.objection_url(), data)


def test_real_name_is_required_and_kept(client, running):
    with time_machine.travel(DURING, tick=False):
        response = file(client, running, real_name="")
        assert response.status_code == 400
        assert "请填写您的真实姓名" in response.content.decode()
        assert file(client, running).status_code == 302
    assert Objection.objects.get().real_name == "李四"
    # Never on the public page.
    assert "李四" not in client.get(running.url).content.decode()


def test_the_same_objection_twice_keeps_one_receipt(client, running, mailoutbox):
    with time_machine.travel(DURING, tick=False):
        first = file(client, running)
    with time_machine.travel(DURING + datetime.timedelta(seconds=9), tick=False):
        # A reload or double tap: same entry, contact and text (spacing aside).
        second = file(client, running, facts="该同志的业绩材料与实际不符。  ")
        assert second["Location"] == first["Location"]
        third = file(client, running, facts="另一条不同的异议理由。")
        assert third["Location"] != first["Location"]
    assert Objection.objects.count() == 2
    with time_machine.travel(DURING + datetime.timedelta(days=2), tick=False):
        # Outside the window it is a new objection.
        assert file(client, running)["Location"] != first["Location"]
    assert Objection.objects.count() == 3


def test_status_by_receipt_and_contact(client, running):
    with time_machine.travel(DURING, tick=False):
        file(client, running)
    objection = Objection.objects.get()
    receipt = objection.confirmation_number

    page = client.get(STATUS_URL)
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    response = client.post(STATUS_URL, {"receipt": receipt.lower(), "contact": "13800000000"})
    html = response.content.decode()
    assert response.status_code == 200 and "处理情况：已收到" in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert running.title in html
    # Neither the facts nor the person objected to are shown: only the status.
    assert objection.facts not in html and objection.entry.name not in html

    objection.status = ObjectionStatus.REJECTED
    objection.save()
    html = client.post(STATUS_URL, {"receipt": receipt, "contact": "13800000000"}).content.decode()
    assert "处理情况：不成立" in html

    # A wrong contact and a wrong number get the same answer.
    wrong_contact = client.post(STATUS_URL, {"receipt": receipt, "contact": "13900000000"})
    wrong_number = client.post(STATUS_URL, {"receipt": "YY20231102-ZZZZZZ", "contact": "x"})
    assert wrong_contact.status_code == wrong_number.status_code == 404
    message = "没有找到与该回执编号和联系方式相符的异议"
    assert message in wrong_contact.content.decode() and message in wrong_number.content.decode()
    empty = client.post(STATUS_URL, {"receipt": "", "contact": ""})
    assert empty.status_code == 400 and "请填写回执编号" in empty.content.decode()


def test_status_look_up_is_rate_limited(client, running, settings):
    settings.PUBLICITY_STATUS_LOOKUP_RATE = (3, 3600)
    data = {"receipt": "YY20231102-ABCDEF", "contact": "x"}
    codes = [client.post(STATUS_URL, data, REMOTE_ADDR="10.0.0.9").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    assert client.post(STATUS_URL, data, REMOTE_ADDR="10.0.0.8").status_code == 404


def test_receipt_page_links_to_the_status_look_up(client, running):
    with time_machine.travel(DURING, tick=False):
        location = file(client, running)["Location"]
        html = client.get(location).content.decode()
    assert f'href="{STATUS_URL}"' in html and "查询处理情况" in html
