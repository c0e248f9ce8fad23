"""The Content-Security-Policy middleware: django-csp's, with one exception for the admin.

Public pages allow no inline script at all (CONTENT_SECURITY_POLICY). Wagtail's admin writes
inline scripts with per-field data (date pickers, inline panels) that neither a nonce nor a hash
can cover without overriding its templates, so under /admin/ — signed-in editors only — inline
script is allowed; everything else (sources, frames, objects, forms) stays as strict.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase

ADMIN_PREFIX = "/admin/"


class SiteCSPMiddleware(CSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        if request.path.startswith(ADMIN_PREFIX) and getattr(response, "_csp_update", None) is None:
            response._csp_update = {"script-src": ["'unsafe-inline'"]}
        return super().process_response(request, response)
