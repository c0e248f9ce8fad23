from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from website.meta import site_base_url


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for the process manager and load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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
