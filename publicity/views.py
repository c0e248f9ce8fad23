"""Public views: the publicity page itself (list, countdown, objection form) and the period API."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from website.formatting import cn_date
from website.models import Authority

from . import objections, workdays
from .forms import ObjectionForm
from .models import Objection, PublicityPage

# Ended publicity answers 410 Gone: the names were withdrawn on purpose and will not return.
ENDED_STATUS = 410


def serve_publicity(page: PublicityPage, request: HttpRequest):
    """GET shows the list; POST files an objection while the publicity runs."""
    is_preview = getattr(request, "is_preview", False)
    if page.has_ended and not is_preview:
        return TemplateResponse(
            request,
            "publicity/publicity_ended.html",
            {"page": page, "ended_label": f"公示已于{cn_date(page.end_date)}结束"},
            status=ENDED_STATUS,
        )
    form = None
    status = 200
    rate_limited = False
    if request.method == "POST" and page.is_running:
        key = objections.client_key(request)
        if objections.rate_limited(key):
            rate_limited = True
            status = 429
            form = ObjectionForm(request.POST, page=page)
        else:
            form = ObjectionForm(request.POST, request.FILES, page=page)
            if form.is_valid():
                objection = _file_objection(form)
                objections.record_submission(key)
                return HttpResponseRedirect(
                    f"{page.url}?receipt={objection.confirmation_number}#objection"
                )
            status = 400
    elif request.method == "POST":
        status = 403
    context = page.get_context(request)
    context.update(_page_context(page, request, form, rate_limited))
    return TemplateResponse(request, page.get_template(request), context, status=status)


def _file_objection(form: ObjectionForm) -> Objection:
    data = form.cleaned_data
    objection = Objection(entry=data["entry"], contact=data["contact"], facts=data["facts"])
    if data.get("attachment"):
        upload = data["attachment"]
        objection.attachment.save(upload.name, upload, save=False)
    objection.save()
    transaction.on_commit(lambda: objections.notify_authority(objection))
    return objection


def _page_context(page: PublicityPage, request: HttpRequest, form, rate_limited: bool) -> dict:
    # One query for the list; the template reads nothing else per row.
    entries = list(page.entries.order_by("sort_order", "pk"))
    receipt = request.GET.get("receipt", "")
    if (
        receipt
        and not Objection.objects.filter(
            confirmation_number=receipt, entry__publicity=page
        ).exists()
    ):
        receipt = ""
    form = form if form is not None else ObjectionForm(page=page)
    try:
        selected_entry = int(form["entry"].value() or 0)
    except (TypeError, ValueError):
        selected_entry = 0
    return {
        "entries": entries,
        "selected_entry": selected_entry,
        "is_running": page.is_running,
        "units": sorted({entry.unit for entry in entries}),
        "specialties": sorted({entry.specialty_label for entry in entries} - {""}),
        "remaining_days": page.remaining_working_days(),
        "objection_form": form,
        "rate_limited": rate_limited,
        "receipt": receipt,
    }


@require_GET
def period(request: HttpRequest) -> JsonResponse:
    """The end date for ?start=YYYY-MM-DD&days=N&authority=ID (the admin form's live preview)."""
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        return JsonResponse({"error": "开始日期格式应为 年-月-日，如 2023-11-01。"}, status=400)
    try:
        days = int(request.GET.get("days") or 5)
    except ValueError:
        return JsonResponse({"error": "工作日数必须是整数。"}, status=400)
    if not 5 <= days <= 60:
        return JsonResponse({"error": "公示期应为5至60个工作日。"}, status=400)
    region = None
    authority_id = request.GET.get("authority", "")
    if authority_id.isdigit():
        region = Authority.objects.filter(pk=authority_id).values_list("region", flat=True).first()
    try:
        result = workdays.count_period(start, days, region)
    except workdays.CalendarUnavailable as error:
        return JsonResponse({"error": str(error)}, status=400)
    go_live, expire = workdays.period_bounds(start, result.end)
    return JsonResponse(
        {
            "start": start.isoformat(),
            "end": result.end.isoformat(),
            "end_label": cn_date(result.end),
            "label": f"{cn_date(start)}至{cn_date(result.end)}（{days}个工作日）",
            "go_live_at": go_live.isoformat(),
            "expire_at": expire.isoformat(),
            "counted": [day.isoformat() for day in result.counted],
            "skipped": [{"date": day.isoformat(), "reason": why} for day, why in result.skipped],
        }
    )
