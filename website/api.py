"""What every app's read-only JSON API (/api/v1/…) shares: JSON answers, methods, the schema.

Each app serves its own endpoints and describes them to the OpenAPI schema through the
``register_api_schema`` hook: a function returning ``{"paths": {...}, "schemas": {...}}``,
merged into /api/v1/openapi.json (assembled by approvals, which serves it).
"""

from __future__ import annotations

from functools import wraps

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from wagtail import hooks

SCHEMA_HOOK = "register_api_schema"
PAGE_SIZE = 20


def json_response(data: dict, status: int = 200, *, cache: bool = True) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    if not cache:
        response["Cache-Control"] = "no-store"
    return response


def api_methods(*methods: str):
    """Accept only `methods`; anything else is a JSON 405 with Allow, never an HTML page.

    The API acts for nobody (it reads or checks, never changes anything), so it needs no CSRF
    token; without the exemption a DELETE would meet the CSRF check's HTML 403 first.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                response = json_response(
                    {"error": f"不支持 {request.method} 方法。"}, 405, cache=False
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


#: A read-only endpoint: GET and HEAD.
api_get = api_methods("GET", "HEAD")


def not_found(message: str) -> JsonResponse:
    return json_response({"error": message}, 404)


def paginated(request: HttpRequest, items, serialise) -> dict:
    """{"count", "page", "pages", "results"}: ?page=N, PAGE_SIZE a page (a bad page is page 1
    or the last, never an error)."""
    paginator = Paginator(items, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [serialise(item) for item in page.object_list],
    }


def list_schema(item_ref: str) -> dict:
    """The schema of a paginated list of ``item_ref`` (a components/schemas name)."""
    return {
        "type": "object",
        "required": ["count", "page", "pages", "results"],
        "properties": {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item_ref}"}},
        },
    }


PAGE_PARAMETER = {
    "name": "page",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1},
    "description": "页码，每页 20 条",
}
AUTHORITY_PARAMETER = {
    "name": "authority",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "发文机关代码（如 toutunhe）",
}
SERIES_PARAMETER = {
    "name": "series",
    "in": "query",
    "required": False,
    "schema": {"type": "integer"},
    "description": "系列编号（面向各系列的通知也会列出）",
}
YEAR_PARAMETER = {
    "name": "year",
    "in": "query",
    "required": False,
    "schema": {"type": "integer"},
    "description": "年度",
}
ERROR_RESPONSE = {
    "description": "未找到",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def json_ok(ref: str, description: str = "成功") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def detail_operation(summary: str, operation_id: str, ref: str) -> dict:
    """The OpenAPI `get` of a ``…/{id}`` detail endpoint answering ``ref`` (404 when unknown)."""
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {"200": json_ok(ref), "404": ERROR_RESPONSE},
        }
    }


def contributed_schema() -> dict:
    """The paths and component schemas every app registered, merged."""
    merged: dict = {"paths": {}, "schemas": {}}
    for hook in hooks.get_hooks(SCHEMA_HOOK):
        part = hook()
        merged["paths"].update(part.get("paths", {}))
        merged["schemas"].update(part.get("schemas", {}))
    return merged
