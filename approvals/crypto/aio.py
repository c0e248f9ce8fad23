"""pyHanko's synchronous API from any thread, a running event loop or not."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def run_outside_event_loop(work):
    """Run ``work()`` here, or in a helper thread when this thread already runs an asyncio loop:
    pyHanko's synchronous API calls asyncio.run(), which refuses to start inside a running loop
    (e.g. load_demo called from a Playwright test or an async view)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()

    def in_thread():
        try:
            return work()
        finally:
            # A connection opened in the helper thread would keep SQLite's shared cache locked.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()
