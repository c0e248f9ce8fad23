"""Compressed responses for the pages the site renders, cached or not.

The page cache stores and sends its entries gzipped; a page it does not keep (the cache off, a
form, a logged-in editor, a 3,000-name publicity rendered on a miss by another process) went out
as it was rendered: 4.3 MB for a 10,000-name list. This is Django's GZipMiddleware (with its
BREACH mitigation: random bytes in every gzip header) limited to what compresses: text the site
generates. Static files never reach it (WhiteNoise answers them before, precompressed), and
downloads (PDF, Word, images: compressed already, and streamed) pass untouched.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/javascript",
)


class GeneratedTextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming or not response.get("Content-Type", "").startswith(
            COMPRESSIBLE_TYPES
        ):
            return response
        return super().process_response(request, response)
