"""Public views: 证书下载 and 证书查验 (thin: the work is in approvals.verification)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from approvals import retrieval, verification
from pagecache import cacheable_page

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "APPROVALS_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


def client_id(request: HttpRequest) -> str:
    """The client's address (behind a proxy, the first X-Forwarded-For hop the proxy set)."""
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


class DownloadForm(forms.Form):
    number = forms.CharField(label="证书编号", max_length=40)
    name = forms.CharField(label="姓名", max_length=40)
    id_tail = forms.CharField(
        label="身份证号后六位",
        min_length=6,
        max_length=6,
        help_text="身份证号码的最后六位（末位X请输入X）",
        error_messages={
            "min_length": "请输入身份证号码的最后六位。",
            "max_length": "请输入身份证号码的最后六位。",
        },
    )


#: The example in the number field: the demo's first certificate (approvals.demo issues it),
#: so a visitor trying the example finds a certificate on the demo site.
EXAMPLE_NUMBER = "BAYINGOL-2023-000001"


class NumberForm(forms.Form):
    number = forms.CharField(
        label="证书编号",
        max_length=40,
        error_messages={
            "required": "请输入证书编号。",
            "max_length": "证书编号最多 40 个字符，请核对证书上的编号后重新输入。",
        },
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="证书或审批文件（PDF）",
        error_messages={
            "required": "请选择要查验的 PDF 文件。",
            "empty": "上传的文件是空的，请重新选择。",
            "invalid": "没有收到文件，请重新选择后上传。",
            "missing": "没有收到文件，请重新选择后上传。",
            "max_length": "文件名过长，请改短后再上传。",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def download(request: HttpRequest):
    """证书下载: number + name + last six ID characters; one message for any mismatch."""
    form = DownloadForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        limits = retrieval.download_limits()
        number = form.cleaned_data["number"].strip().upper()
        over_client = retrieval.rate_limited(f"dl:client:{client_id(request)}", *limits["client"])
        over_number = retrieval.rate_limited(f"dl:number:{number}", *limits["number"])
        if over_client or over_number:
            error, status = retrieval.RATE_LIMITED, 429
        else:
            certificate = retrieval.check_download(
                number, form.cleaned_data["name"], form.cleaned_data["id_tail"]
            )
            if certificate is not None:
                response = FileResponse(
                    certificate.pdf.open("rb"),
                    as_attachment=True,
                    filename=f"{certificate.number}.pdf",
                    content_type="application/pdf",
                )
                response["X-Content-Type-Options"] = "nosniff"
                return response
            error, status = retrieval.DOWNLOAD_FAILED, 400
    elif request.method == "POST":
        status = 400
    return render(request, "approvals/download.html", {"form": form, "error": error}, status=status)


# A verdict by number or QR token shows only public, masked data, the same for every visitor:
# the page cache may keep it, and a certificate saved (issued, revoked) purges every /verify/
# page at once (approvals/apps.py: approvals.Certificate → the "verify" group). Checking
# an uploaded PDF changes nothing and acts for nobody, like POST /api/v1/verify/pdf, so it needs
# no CSRF token, and the page carries none (a token would make it per visitor, uncacheable).
# The upload's answer itself is never cached.
@cacheable_page
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest, token: str = ""):
    """证书查验: by number (?number=), by QR token (/verify/t/<token> or ?token=), by upload."""
    response = _verify_page(request, token)
    if request.method == "POST":
        add_never_cache_headers(response)
    return response


def _verify_page(request: HttpRequest, token: str):
    result = None
    upload_error = ""
    number_form = NumberForm(request.GET if "number" in request.GET else None)
    upload_form = UploadForm()
    token = token or request.GET.get("token", "")
    status = 200
    if request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            if upload.size > max_upload_bytes():
                upload_error = (
                    f"文件过大：请上传不超过 {max_upload_bytes() // (1024 * 1024)} MB 的 PDF 文件。"
                )
                status = 413
            else:
                result = verification.verify_upload(upload.read())
        else:
            status = 400
    elif token:
        result = verification.verify_token(token)
    elif number_form.is_bound and number_form.is_valid():
        result = verification.verify_number(number_form.cleaned_data["number"])
    return render(
        request,
        "approvals/verify.html",
        {
            "number_form": number_form,
            "upload_form": upload_form,
            "upload_error": upload_error,
            "result": result,
            "max_upload_mb": max_upload_bytes() // (1024 * 1024),
            "example_number": EXAMPLE_NUMBER,
        },
        status=status,
    )


# --- JSON API ---------------------------------------------------------------------------------
