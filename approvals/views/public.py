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
from website import identity

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "APPROVALS_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


class DownloadForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(
        label="身份证号码",
        max_length=24,
        help_text="本人18位居民身份证号码（末位X请输入X）",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def clean_id_number(self) -> str:
        # A malformed number is refused before any look-up (it says nothing about anyone).
        try:
            return identity.validate(self.cleaned_data["id_number"])
        except identity.InvalidIdNumber as error:
            raise forms.ValidationError(str(error)) from error


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


def _too_many(request: HttpRequest, template: str, context: dict, seconds: int):
    context["error"] = retrieval.rate_limited_message(seconds)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(seconds)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def download(request: HttpRequest):
    """证书下载: name + whole ID number → every certificate of that person, with signed links."""
    form = DownloadForm(request.POST or None)
    context = {"form": form, "error": "", "links": None}
    if request.method != "POST":
        return render(request, "approvals/download.html", context)
    if not form.is_valid():
        return render(request, "approvals/download.html", context, status=400)
    wait = retrieval.retrieval_wait(request)
    if wait:
        return _too_many(request, "approvals/download.html", context, wait)
    certificates = retrieval.holder_certificates(
        form.cleaned_data["name"], form.cleaned_data["id_number"]
    )
    if not certificates:
        retrieval.record_failure(request)
        context["error"] = retrieval.RETRIEVAL_FAILED
        return render(request, "approvals/download.html", context, status=400)
    retrieval.record_success(request)
    context["links"] = retrieval.download_links(certificates)
    context["link_minutes"] = retrieval.retrieval_limits()["link_seconds"] // 60
    # A fresh, empty form: the ID number is never echoed back into the page.
    context["form"] = DownloadForm()
    return render(request, "approvals/download.html", context)


@never_cache
@require_http_methods(["GET"])
def download_file(request: HttpRequest, token: str):
    """One certificate's PDF through a signed link from :func:`download` (a few minutes)."""
    certificate = retrieval.certificate_for_link(token)
    if certificate is None:
        context = {"form": DownloadForm(), "error": retrieval.LINK_EXPIRED, "links": None}
        return render(request, "approvals/download.html", context, status=410)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


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
    wait = 0
    if request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES)
        wait = retrieval.upload_wait(request)
        if wait:
            upload_error, status = retrieval.rate_limited_message(wait), 429
        elif upload_form.is_valid():
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
        wait = retrieval.token_lookup_wait(request)
        if not wait:
            result = verification.verify_token(token)
    elif number_form.is_bound and number_form.is_valid():
        # Throttled per client so that sequential numbers cannot be walked fast.
        wait = retrieval.number_lookup_wait(request)
        if not wait:
            result = verification.verify_number(number_form.cleaned_data["number"])
    lookup_error = ""
    if wait and request.method == "GET":
        lookup_error, status = retrieval.rate_limited_message(wait), 429
    response = render(
        request,
        "approvals/verify.html",
        {
            "number_form": number_form,
            "upload_form": upload_form,
            "upload_error": upload_error,
            "result": result,
            "max_upload_mb": max_upload_bytes() // (1024 * 1024),
            "lookup_error": lookup_error,
            "example_number": EXAMPLE_NUMBER,
        },
        status=status,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


# --- JSON API ---------------------------------------------------------------------------------
