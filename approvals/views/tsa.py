"""/tsa: the platform's RFC 3161 time-stamp service over HTTP (RFC 3161 §3.4).

POST a DER ``TimeStampReq`` with ``Content-Type: application/timestamp-query``; the answer is a
DER ``TimeStampResp`` (``application/timestamp-reply``), granted or with a rejection status.
No cookies, no CSRF token (a request acts for nobody and changes nothing), a small size cap
and a per-client rate limit, since each answer costs a signature.
"""

from __future__ import annotations

import logging

from asn1crypto import tsp
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from approvals.crypto import tsa
from website import ratelimit

logger = logging.getLogger(__name__)

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"


def tsa_limit() -> tuple[int, int]:
    """(requests, seconds) per client: ``SIGNING_TSA_RATE_LIMIT``, default 60 a minute."""
    return tuple(getattr(settings, "SIGNING_TSA_RATE_LIMIT", (60, 60)))


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@csrf_exempt
@require_POST
def timestamp(request: HttpRequest) -> HttpResponse:
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != QUERY_TYPE:
        return _text(f"请以 Content-Type: {QUERY_TYPE} 提交 RFC 3161 时间戳请求。", 415)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > tsa.MAX_REQUEST_BYTES:
        return _text("请求过大。", 413)
    wait = ratelimit.throttle(request, "approvals:tsa", tsa_limit())
    if wait:
        response = _text("请求过于频繁，请稍后再试。", 429)
        response["Retry-After"] = str(wait)
        return response
    body = request.read(tsa.MAX_REQUEST_BYTES + 1)
    parsed = tsa.parse_request(body)
    # A malformed request gets a rejection TimeStampResp, as RFC 3161 asks, not an HTML error.
    answer = parsed if isinstance(parsed, tsp.TimeStampResp) else tsa.answer(parsed)
    return HttpResponse(answer.dump(), content_type=REPLY_TYPE)
