"""Browser journey: the editor opens the dashboard, watches an issuance progress live (the panel
polls the progress endpoint) and follows an open objection's link to decide it."""

import datetime

import pytest

from .conftest import admin_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(home_page, authority, settings, django_user_model):
    from publicity.demo import ensure_index
    from tests.factories import (
        ApprovalDocumentFactory,
        ObjectionFactory,
        PublicityEntryFactory,
        PublicityPageFactory,
    )

    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**conf, "AUTO_UPDATE": False}
        for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    django_user_model.objects.create_superuser("kezhang", "kz@example.cn", "pw-desk-12345")
    index = ensure_index(home_page)
    page = index.add_child(
        instance=PublicityPageFactory.build(
            authority=authority, title="工程系列中级评审结果公示", start_date=datetime.date.today()
        )
    )
    page.save_revision().publish()
    entry = PublicityEntryFactory(publicity=page, name="赵晓梅")
    objection = ObjectionFactory(entry=entry)
    document = ApprovalDocumentFactory(
        authority=authority,
        status="issuing",
        number="新经开人社〔2026〕5号",
        progress_done=2,
        progress_total=10,
    )
    return {"page": page, "objection": objection, "document": document}


def test_dashboard_progress_and_objection(live_server, browser, desk):
    from playwright.sync_api import expect

    from approvals.models import ApprovalDocument
    from publicity.models import Objection

    context, page = admin_page(browser, live_server, "kezhang", "pw-desk-12345")
    expect(page.locator("#dashboard-publicity-section")).to_contain_text("工程系列中级评审结果公示")
    progress = page.locator("[data-issuing-progress] [data-progress-text]")
    expect(progress).to_have_text("已生成 2/10 份证书")

    # The worker stores another batch: the panel follows without a reload.
    ApprovalDocument.objects.filter(pk=desk["document"].pk).update(progress_done=7)
    expect(progress).to_have_text("已生成 7/10 份证书", timeout=10_000)

    # An open objection, oldest first, links to its 处理 form: decide it there (recorded).
    objections = page.locator("#dashboard-objections-section")
    expect(objections).to_contain_text("赵晓梅")
    objections.get_by_role("link", name=desk["objection"].confirmation_number).click()
    page.select_option("#id_to_status", "不成立")
    page.fill("#id_reason", "经核查，申报业绩属实。")
    page.get_by_role("button", name="记录处理决定").click()
    expect(page.locator(".messages")).to_contain_text("已记录异议")
    objection = Objection.objects.get(pk=desk["objection"].pk)
    assert objection.status == "不成立"

    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#dashboard-objections-section")).to_contain_text("没有待处理的异议")
    context.close()
