"""django-axes' view of who is logging in: the site's one client-address rule.

``website.ratelimit.client_ip`` may answer "unknown" (no REMOTE_ADDR, e.g. a test client's
force_login); axes stores addresses in an IP column (PostgreSQL ``inet``), so that is None.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from website.ratelimit import client_ip


def axes_client_ip(request: HttpRequest) -> str | None:
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
