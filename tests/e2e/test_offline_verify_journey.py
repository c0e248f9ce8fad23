"""Offline verification in real Chromium: open /verify/ once online, go offline, then verify a
valid, a revoked and a forged QR token by opening their addresses, as a phone camera does."""

import re

import pytest


def _forge(token: str) -> str:
    """Change one character of the signed payload (the name field's bytes): same key id, same
    format, signature no longer matching."""
    import base64

    segment, signature = token.split(".")
    text = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()
    parts = text.split("|")
    parts[3] = "王大明" if parts[3] != "王大明" else "李大明"
    forged = base64.urlsafe_b64encode("|".join(parts).encode()).rstrip(b"=").decode()
    return f"{forged}.{signature}"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_verifier_works_offline_after_one_visit(live_server, browser):
    from approvals.crypto.keys import ensure_demo_keys
    from approvals.issuing.issue import issue_approval
    from approvals.issuing.revocation import revoke_certificate
    from tests.approvals.helpers import make_document
    from website.demo import ensure_authorities, ensure_home_page

    ensure_home_page()
    authority = ensure_authorities()["toutunhe"]
    ensure_demo_keys()
    document = issue_approval(make_document(authority, 2))
    valid, revoked = document.certificates.order_by("number")
    revoke_certificate(revoked, "以不正当手段取得", None)

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(live_server.url + "/verify/")
    assert page.locator("h1").inner_text() == "证书查验"
    # The worker is installed (its install step has cached the verifier, keys and list).
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    context.set_offline(True)
    try:
        page.goto(live_server.url + "/verify/t/" + valid.token)
        result = page.locator("#result")
        result.wait_for(state="visible")
        assert page.locator("h1").inner_text() == "证书离线查验"  # the kept page, not the server
        assert page.locator("#result-label").inner_text() == "有效", result.inner_text()
        shown = result.inner_text()
        assert valid.name in shown and valid.qualification in shown and "中级" in shown
        assert authority.name in shown
        assert "吊销列表更新于" in page.locator("#list-status").inner_text()
        assert page.locator("#list-warning").is_hidden()
        # Strict about what it shows: no ID-number characters, masked or not.
        masked_digits = re.sub(r"\D", "", valid.id_masked)
        assert masked_digits and masked_digits not in re.sub(r"\D", "", shown)

        page.goto(live_server.url + "/verify/t/" + revoked.token)
        page.locator("#result").wait_for(state="visible")
        assert page.locator("#result-label").inner_text() == "已撤销"

        page.goto(live_server.url + "/verify/t/" + _forge(valid.token))
        page.locator("#result").wait_for(state="visible")
        assert page.locator("#result-label").inner_text() == "签名无效"
        assert "王大明" not in page.locator("#result-fields").inner_text()

        # Ten days later, still offline: the kept list is past its age and the page says so.
        import datetime as dt

        page.clock.install(time=dt.datetime.now(dt.UTC) + dt.timedelta(days=10))
        page.goto(live_server.url + "/verify/t/" + valid.token)
        warning = page.locator("#list-warning")
        warning.wait_for(state="visible")
        assert "已超过 7 天未更新" in warning.inner_text()

        # The server really is out of reach: a page the worker does not keep fails to load.
        with pytest.raises(Exception):  # noqa: B017 - Playwright raises its own Error type
            page.goto(live_server.url + "/keys/")
    finally:
        context.set_offline(False)
        context.close()
