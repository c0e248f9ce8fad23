"""Public views outside the page tree: the period API (the admin form's live preview) and the
objection status look-up.

The publicity page's own addresses (the list and ``objection/``) are routes on the page model.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from website.formatting import cn_date
from website.models import Authority

from . import objections, workdays
from .forms import ObjectionStatusForm
from .panels import period_details


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
            **period_details(result),
        }
    )


@never_cache
@require_http_methods(["GET", "POST"])
def objection_status(request: HttpRequest):
    """异议处理情况查询: receipt number plus the contact given. POST (the contact stays out of
    addresses and logs), never cached, rate-limited per client; one answer for any mismatch."""
    form = ObjectionStatusForm(request.POST if request.method == "POST" else None)
    found = None
    error = ""
    status = 200
    if request.method == "POST":
        if objections.lookup_limited(request):
            error = "查询过于频繁，请一小时后再试。"
            status = 429
        elif form.is_valid():
            found = objections.find_by_receipt(
                form.cleaned_data["receipt"], form.cleaned_data["contact"]
            )
            if found is None:
                error = "没有找到与该回执编号和联系方式相符的异议，请核对后重试。"
                status = 404
        else:
            status = 400
    return TemplateResponse(
        request,
        "publicity/objection_status.html",
        {"form": form, "found": found, "error": error},
        status=status,
    )
