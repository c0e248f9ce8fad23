"""On a phone: download the demo certificate with name + ID number, then verify it by upload."""

import io
import re

import pytest
from django.core.management import call_command


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_download_demo_certificate_then_verify_it(live_server, phone_page, tmp_path):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    match = re.search(r"演示证书下载：姓名 (\S+)，身份证号 (\w{18})", out.getvalue())
    assert match, out.getvalue()
    name, id_number = match.groups()

    page = phone_page
    page.goto(live_server.url + "/certificates/download/")
    assert page.locator("h1").inner_text() == "证书下载"
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_role("button", name="查询我的证书").click()
    page.wait_for_load_state()
    links = page.locator(".holder-certificates a")
    assert links.count() >= 1
    number = links.first.inner_text().strip()
    with page.expect_download() as download_info:
        links.first.click()
    download = download_info.value
    assert download.suggested_filename == f"{number}.pdf"
    saved = tmp_path / "certificate.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    page.goto(live_server.url + "/verify/")
    assert page.locator("h1").inner_text() == "证书查验"
    page.locator("#id_file").set_input_files(str(saved))
    page.get_by_role("button", name="上传并查验").click()
    page.wait_for_load_state()
    verdict = page.locator(".verdict__label")
    assert verdict.inner_text() == "有效"
    assert number in page.locator(".verdict").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    # A wrong secret: the same message whatever was wrong, and no download.
    page.goto(live_server.url + "/certificates/download/")
    page.get_by_label("姓名").fill(name + "甲")
    page.get_by_label("身份证号码").fill(id_number)
    page.get_by_role("button", name="查询我的证书").click()
    assert "不匹配" in page.get_by_role("alert").inner_text()
