"""On a phone: download the demo certificate with its secret, then verify it by upload."""

import io
import re

import pytest
from django.core.management import call_command


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_download_demo_certificate_then_verify_it(live_server, phone_page, tmp_path):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    match = re.search(
        r"演示证书下载：编号 (\S+)，姓名 (\S+)，身份证号后六位 (\w{6})", out.getvalue()
    )
    assert match, out.getvalue()
    number, name, tail = match.groups()

    page = phone_page
    page.goto(live_server.url + "/certificates/download/")
    assert page.locator("h1").inner_text() == "证书下载"
    page.get_by_label("证书编号").fill(number)
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号后六位").fill(tail)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载证书").click()
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
    page.get_by_label("证书编号").fill(number)
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号后六位").fill("000000" if tail != "000000" else "111111")
    page.get_by_role("button", name="下载证书").click()
    assert "不匹配" in page.get_by_role("alert").inner_text()
