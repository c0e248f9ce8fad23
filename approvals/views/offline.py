"""Offline verification in the browser: the signed revocation list, the verifier page and the
service worker that keeps both (with the published keys) for use without a network."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from approvals.crypto.revocation_list import max_age_days, signed_revocation_list


@require_GET
def revoked_json(request):
    """/keys/revoked.json: revoked certificate numbers and revoked keys, signed by the CA."""
    try:
        document = signed_revocation_list()
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    response = JsonResponse(document)
    response["Access-Control-Allow-Origin"] = "*"
    # Short: a verifier online should see a revocation within minutes.
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def offline_page(request):
    """/verify/offline/: the verifier that runs entirely in the browser (and, kept by the
    service worker, answers /verify/t/<token> with no network)."""
    return render(request, "approvals/verify_offline.html", {"max_age_days": max_age_days()})


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """/verify-sw.js at the site root, so that its scope covers /verify/ (a worker's scope is
    at most the folder it is served from). Rendered so it names the hashed static files."""
    response = render(
        request, "approvals/verify_sw.js", content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/verify/"
    return response
