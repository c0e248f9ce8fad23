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


def detail(items, pk: int, missing: str, data, *, shown=None, cache: bool = True) -> JsonResponse:
    """``data(item)`` for the one of ``items`` with ``pk``, or a 404 saying ``missing`` (also
    when ``shown(item)`` says the item is not public yet)."""
    item = items.filter(pk=pk).first()
    if item is None or (shown is not None and not shown(item)):
        return not_found(missing)
    return json_response(data(item), cache=cache)


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


def filter_listing(request: HttpRequest, items, *, year_field: str | None = None):
    """``items`` narrowed by ?authority=<slug> and, where the list has years, ?year=N (on
    ``year_field``); a year that is not a number is ignored, as a list never errs on it."""
    year = request.GET.get("year", "")
    if year_field and year.isdigit():
        items = items.filter(**{year_field: int(year)})
    authority = request.GET.get("authority", "").strip()
    if authority:
        items = items.filter(authority__slug=authority)
    return items


def authority_ref(authority) -> dict:
    """An authority as every answer names it (schema ``AuthorityRef``)."""
    return {"slug": authority.slug, "name": authority.name}


def page_ref(page) -> dict | None:
    """A linked page (a notice, a publicity) as {id, title, url}, or None (schema ``PAGE_REF``)."""
    if page is None:
        return None
    return {"id": page.pk, "title": page.title, "url": page.full_url}


def object_schema(properties: dict, required=None, **extra) -> dict:
    """An object of ``properties``; ``required`` names the keys always present (``True``: all)."""
    schema: dict = {"type": "object", **extra}
    if required is not None:
        schema["required"] = list(properties if required is True else required)
    schema["properties"] = properties
    return schema


def array_of(items: dict, **extra) -> dict:
    """An array of ``items`` (a schema: see ``object_schema``)."""
    return {"type": "array", "items": items, **extra}


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


def query_parameter(name: str, schema: dict, description: str) -> dict:
    """An optional ``?name=`` of a list endpoint."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGE_PARAMETER = query_parameter("page", {"type": "integer", "minimum": 1}, "页码，每页 20 条")
AUTHORITY_PARAMETER = query_parameter(
    "authority", {"type": "string"}, "发文机关代码（如 toutunhe）"
)
SERIES_PARAMETER = query_parameter(
    "series", {"type": "integer"}, "系列编号（面向各系列的通知也会列出）"
)
YEAR_PARAMETER = query_parameter("year", {"type": "integer"}, "年度")
PAGE_REF = object_schema(
    {"id": {"type": "integer"}, "title": {"type": "string"}, "url": {"type": "string"}},
    nullable=True,
)
ERROR_RESPONSE = {
    "description": "未找到",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def json_ok(ref: str, description: str = "成功") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def list_operation(summary: str, operation_id: str, parameters: list, ref: str) -> dict:
    """The OpenAPI `get` of a paginated list endpoint answering ``ref`` (see ``list_schema``)."""
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": parameters,
            "responses": {"200": json_ok(ref)},
        }
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
