"""Public keys at stable addresses, so anyone can verify our PDFs and QR tokens offline."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from approvals.crypto.crl import current_crl
from approvals.crypto.keys import key_set
from approvals.models import PlatformCA, SigningKey

PEM_CONTENT_TYPE = "application/x-pem-file"


def _pem_response(pem: str, filename: str) -> HttpResponse:
    response = HttpResponse(pem, content_type=PEM_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def ca_pem(request):
    """/keys/ca.pem: the platform CA certificate (import it to trust our signatures)."""
    ca = PlatformCA.objects.order_by("created").first()
    if ca is None:
        raise Http404("尚未创建平台根证书。")
    return _pem_response(ca.certificate_pem, "ca.pem")


@require_GET
def ca_crl(request):
    """/keys/ca.crl: the CA's revocation list (DER), named in every signing certificate."""
    # The stored list (signed by `manage.py refresh_crl`), re-signed here only when missing or
    # expired: the root key is not decrypted per request.
    data = current_crl()
    if data is None:
        raise Http404("尚未创建平台根证书。")
    response = HttpResponse(data, content_type="application/pkix-crl")
    response["Content-Disposition"] = 'inline; filename="ca.crl"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


@csrf_exempt
@require_POST
def ocsp(request):
    """/keys/ocsp: the CA's OCSP responder (RFC 6960, POST application/ocsp-request)."""
    from approvals.crypto.ltv import answer_ocsp

    body = request.read(4097)
    if len(body) > 4096:
        return HttpResponse("请求过大。", status=413, content_type="text/plain; charset=utf-8")
    return HttpResponse(answer_ocsp(body), content_type="application/ocsp-response")


@require_GET
def tsa_pem(request):
    """/keys/tsa.pem: the active time-stamp authority certificate."""
    from approvals.models import TimeStampKey

    key = TimeStampKey.objects.filter(is_active=True).first()
    if key is None:
        raise Http404("尚未创建时间戳服务证书。")
    return _pem_response(key.certificate_pem, "tsa.pem")


@require_GET
def key_pem(request, key_id: str):
    """/keys/<key_id>.pem: one signing certificate, active or retired."""
    key = SigningKey.objects.filter(key_id=key_id).first()
    if key is None:
        raise Http404("没有这个密钥。")
    return _pem_response(key.certificate_pem, f"{key_id}.pem")


@require_GET
def keys_json(request):
    """/keys/keys.json: the key set (JWK + certificate per key) for offline verifiers."""
    response = JsonResponse(key_set(), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def key_index(request):
    """/keys/: the human page listing the CA and every signing key."""
    ca = PlatformCA.objects.order_by("created").first()
    keys = SigningKey.objects.select_related("authority").order_by("authority__name", "-created")
    return render(request, "approvals/keys_index.html", {"ca": ca, "signing_keys": keys})
