"""The public JSON API (/api/v1/): certificate look-up and PDF/token verification.

Thin: verdicts come from approvals.verification; the schema from approvals.views.openapi.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse

from approvals import retrieval, verification
from approvals.views.openapi import openapi_schema
from approvals.views.public import max_upload_bytes
from website.api import api_methods


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _rate_limited(seconds: int) -> JsonResponse:
    response = _json(
        {"error": retrieval.rate_limited_message(seconds), "retry_after": seconds}, 429
    )
    response["Retry-After"] = str(seconds)
    return response


@api_methods("GET", "HEAD")
def api_certificate(request: HttpRequest, number: str):
    # Throttled per client so that sequential numbers cannot be walked fast.
    wait = retrieval.number_lookup_wait(request)
    if wait:
        return _rate_limited(wait)
    result = verification.verify_number(number)
    return _json(result.as_dict(), 200 if result.certificate else 404)


@api_methods("POST")
def api_verify_pdf(request: HttpRequest):
    """POST a PDF as multipart field `file` or as the raw body (Content-Type application/pdf)."""
    wait = retrieval.upload_wait(request)
    if wait:
        return _rate_limited(wait)
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > max_upload_bytes():
            return _json({"error": "文件过大", "max_bytes": max_upload_bytes()}, 413)
        data = upload.read()
    else:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > max_upload_bytes():
            return _json({"error": "文件过大", "max_bytes": max_upload_bytes()}, 413)
        data = request.body
    if not data:
        return _json({"error": "请上传 PDF 文件（multipart 字段 file）。"}, 400)
    return _json(verification.verify_upload(data).as_dict())


@api_methods("GET", "HEAD", "POST")
def api_verify_token(request: HttpRequest):
    """Token as ?token=, form field `token`, or JSON body {"token": "..."}."""
    wait = retrieval.token_lookup_wait(request)
    if wait:
        return _rate_limited(wait)
    token = request.GET.get("token") or request.POST.get("token", "")
    if not token and request.content_type == "application/json":
        try:
            token = str(json.loads(request.body or b"{}").get("token", ""))
        except (ValueError, AttributeError):
            return _json({"error": "请求体不是有效的 JSON。"}, 400)
    if not token:
        return _json({"error": "缺少 token 参数。"}, 400)
    return _json(verification.verify_token(token).as_dict())


@api_methods("GET", "HEAD")
def api_openapi(request: HttpRequest):
    return _json(openapi_schema(request.build_absolute_uri("/").rstrip("/")))


def api_not_found(request: HttpRequest, rest: str = ""):
    """Unknown addresses under /api/ answer in JSON like the rest of the API."""
    return _json({"error": "没有这个接口。", "schema": "/api/v1/openapi.json"}, 404)
