"""Every column on a phone (390×844) and a desktop (1366×900): no page wider than the screen,
0 axe-core violations, search results on the first screen, the publicity filter without JS.

axe-core comes from the axe-playwright-python wheel (axe.min.js inside it): no network.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
#: Where screenshots go when SCREENSHOT_DIR is set (to look at them); otherwise none are kept.
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def public_paths() -> list[str]:
    """One page of each type, found in the demo data."""
    from approvals.models import Certificate
    from notices.models import NoticePage, TemplatePage
    from publicity.models import PublicityPage

    notice = NoticePage.objects.live().order_by("-review_year").first()
    template = TemplatePage.objects.live().filter(offer_xlsx=True).first()
    publicity = PublicityPage.objects.live().first()
    ended = (
        PublicityPage.objects.filter(expired=True).first()
        or PublicityPage.objects.filter(live=True, end_date__lt="2026-01-01").first()
    )
    certificate = Certificate.objects.public().first()
    paths = [
        "/",
        "/notices/",
        notice.url,
        "/notices/?series=1&year=2025",
        "/downloads/",
        template.url,
        "/publicity/",
        "/approvals/",
        "/verify/",
        f"/verify/?number={certificate.number}",
        "/search/?q=职称评审",
        "/keys/",
    ]
    if publicity is not None:
        paths.append(publicity.url)
    if ended is not None and ended.url not in paths:
        paths.append(ended.url)
    return paths


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_fits_and_has_no_axe_violations(live_server, browser, search_index, size):
    call_command("load_demo")
    viewport = PHONE if size == "phone" else DESKTOP
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", is_mobile=size == "phone", has_touch=size == "phone"
    )
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    problems = {}
    for path in public_paths():
        page.goto(live_server.url + path)
        page.wait_for_load_state()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"] + 1:
            problems[path] = f"{width} px wide"
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
        if SHOTS:
            name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_") or "home"
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{size}-{name[:60]}.png", full_page=False)
    assert problems == {}
    assert outside == []  # no request leaves the site
    context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_search_results_start_on_a_phones_first_screen(live_server, phone_page, search_index):
    call_command("load_demo")
    phone_page.goto(live_server.url + "/search/?q=职称评审")
    first = phone_page.locator(".search-result").first
    box = first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"] - 80


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_publicity_filter_works_without_javascript_and_is_a_link(live_server, browser):
    from publicity.models import PublicityPage

    call_command("load_demo")
    publicity = PublicityPage.objects.live().first()
    entries = list(publicity.entries.order_by("sort_order")[:2])
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + publicity.url)
    page.fill("#filter-name", entries[0].name)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert "name=" in page.url
    rows = page.locator("[data-filter-rows] tr")
    assert rows.count() >= 1
    assert entries[0].name in rows.first.inner_text()
    assert entries[1].name not in page.locator("[data-filter-rows]").inner_text()
    # The contact numbers can be tapped to call.
    assert page.locator('.publicity__contact a[href^="tel:"]').count() >= 1
    context.close()
