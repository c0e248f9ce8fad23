"""Two people for a seal, in Chromium: the 经办 drafts a document from a roster file and submits
it, finds no way to approve it (no button; a direct POST is answered 403), and a 签发 of the same
authority approves it, which issues it."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import role_user
from website.roles import Role

PASSWORD = "pw-journey-123"

HEADER = [
    "序号", "姓名", "性别", "族别", "政治面貌", "身份证号码", "现任专业技术职务",
    "获现任专业技术职务时间", "拟晋升专业技术职务", "工作单位", "是否通过", "备注",
]  # fmt: skip


def roster_csv() -> bytes:
    from website.identity import check_digit, gender_of

    rows = []
    for i, name in enumerate(["王建国", "李秀梅"], 1):
        first17 = f"65010219850612{i:03d}"
        number = first17 + check_digit(first17)
        rows.append([str(i), name, gender_of(number), "汉族", "群众", number, "助理工程师",
                     "2018年6月", "工程师", "新疆天山建材工程有限公司", "是", "评审"])  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def log_in(browser, live_server, username):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return context, page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_clerk_submits_issuer_of_the_same_authority_approves(live_server, browser, tmp_path):
    from approvals.crypto.keys import create_signing_key, ensure_ca
    from approvals.models import ApprovalDocument, DocumentStatus
    from website.demo import ensure_authorities, ensure_home_page

    ensure_home_page()
    authority = ensure_authorities()["toutunhe"]
    ensure_ca()
    create_signing_key(authority)
    role_user("clerk", Role.PREPARE, authority=authority, full_name="李经办", password=PASSWORD)
    role_user("issuer", Role.ISSUE, authority=authority, full_name="王签发", password=PASSWORD)
    roster_file = tmp_path / "花名册.csv"
    roster_file.write_bytes(roster_csv())

    # 经办: draft from a roster file, then submit.
    clerk_context, page = log_in(browser, live_server, "clerk")
    page.goto(live_server.url + "/admin/approvals/documents/from-roster/")
    page.select_option("select[name=authority]", str(authority.pk))
    page.fill("input[name=date]", "2024-09-01")
    page.fill("input[name=series]", "工程系列")
    page.fill("input[name=specialty]", "建筑材料")
    page.set_input_files("input[name=file]", str(roster_file))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state()
    assert ApprovalDocument.objects.exists(), page.locator("main").inner_text()[:2000]
    document = ApprovalDocument.objects.get()
    assert "公示" not in document.body  # the roster path says what happened
    page.goto(f"{live_server.url}/admin/approvals/documents/inspect/{document.pk}/")
    page.locator("[data-action=submit]").click()
    page.wait_for_load_state()
    assert "已提交签发" in page.content()
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED

    # The clerk: no approve button, and a direct POST (with a valid CSRF token) gets 403.
    assert page.locator("[data-action=issue]").count() == 0
    status = page.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken='))
                .split('=')[1];
            const response = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token},
                                               credentials: 'same-origin'});
            return response.status;
        }""",
        f"/admin/approvals/documents/issue/{document.pk}/",
    )
    assert status == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED and document.number is None
    clerk_context.close()

    # 签发 of the same authority: approves, and it issues.
    issuer_context, page = log_in(browser, live_server, "issuer")
    page.goto(f"{live_server.url}/admin/approvals/documents/inspect/{document.pk}/")
    page.locator("[data-action=issue]").click()
    page.wait_for_load_state()
    page.locator("[data-action=approve]").click()
    page.wait_for_load_state()
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED
    assert document.issued_by.username == "issuer"
    assert document.number in page.content()
    issuer_context.close()
