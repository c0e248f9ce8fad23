"""pyHanko's synchronous API runs asyncio.run(); signing must also work when the
calling thread already runs an event loop (load_demo from a Playwright test, an async view)."""

import asyncio

from approvals.crypto.signing import sign_rendered
from approvals.pdf.certificate import render_certificate
from approvals.verification import Verdict, verify_pdf_bytes

from . import pdf_samples


def test_sign_inside_a_running_event_loop(signing_key, monkeypatch):
    # As under Playwright's sync API: an event loop runs and Django allows ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    async def inside_loop():
        rendered = render_certificate(pdf_samples.certificate())
        return sign_rendered(rendered, signing_key, reason="测试")

    signed = asyncio.run(inside_loop())
    assert verify_pdf_bytes(signed).verdict == Verdict.VALID
