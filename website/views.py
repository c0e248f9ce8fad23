from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from website import health
from website.meta import site_base_url


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache, queue and keys, for the process manager and load balancers: 200 when
    every dependency answers, 503 naming the one that does not. Never cached."""
    checks = health.run_checks()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )


#: Addresses crawlers have no business with: the admin, personal downloads, verification verdicts,
#: objection forms and the API. Public pages, feeds and documents stay crawlable.
DISALLOWED_PATHS = ("/admin/", "/certificates/", "/verify/t/", "/api/", "/*/objection/")


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED_PATHS)]
    lines.append(f"Sitemap: {site_base_url(request)}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico before reading the page's <link rel="icon">."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("website/img/favicon.ico"))
