"""The Content-Security-Policy breaks nothing: Chromium reports no violation on the main pages,
the admin login and the admin's dashboard."""

import pytest
from django.core.management import call_command

# Recorded in the page itself: Playwright's init scripts are not subject to the page's CSP.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile
    + ":" + e.lineNumber);
});
"""


def visit(page, url, console):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status < 400, url
    assert "content-security-policy" in {k.lower() for k in response.headers}, url
    violations = page.evaluate("window.__csp") + [m for m in console if "Content Security" in m]
    assert violations == [], f"{url}: {violations}"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_no_csp_violations_on_main_pages_and_admin(live_server, browser, django_user_model):
    from notices.models import NoticePage
    from publicity.models import PublicityPage

    call_command("load_demo")
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    urls = ["/", "/verify/", "/search/?q=职称"]
    nav_links = []
    page.goto(live_server.url + "/")
    for link in page.get_by_role("navigation", name="主导航").get_by_role("link").all():
        nav_links.append(link.get_attribute("href"))
    urls += nav_links
    notice = NoticePage.objects.live().first()
    publicity = PublicityPage.objects.live().first()
    urls += [notice.url, publicity.url]
    for url in dict.fromkeys(urls):
        visit(page, live_server.url + url, console)

    # A publicity page's list filter and the print button still work (their script is static).
    page.goto(live_server.url + publicity.url)
    page.keyboard.press("Escape")
    assert page.evaluate("window.__csp") == []

    django_user_model.objects.create_superuser("csp-editor", "c@example.cn", "pw-csp-12345")
    visit(page, live_server.url + "/admin/login/", console)
    page.fill("#id_username", "csp-editor")
    page.fill("#id_password", "pw-csp-12345")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/admin/login" not in page.url
    visit(page, live_server.url + "/admin/", console)
    visit(page, live_server.url + "/admin/pages/", console)
    context.close()
