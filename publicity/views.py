"""Public views: the publicity page (list, countdown), its objection form and the period API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import wraps
from html import escape, unescape

from django.db import transaction
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from website.formatting import cn_date
from website.models import Authority

from . import objections, workdays
from .forms import ObjectionForm
from .models import Objection, PublicityPage
from .panels import period_details

# Ended publicity answers 410 Gone: the names were withdrawn on purpose and will not return.
ENDED_STATUS = 410


def never_cache_response(function):
    """Like Django's ``never_cache`` for a function taking (page, request): personal pages."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        response = function(*args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def serve_publicity(page: PublicityPage, request: HttpRequest, *, objection: bool = False):
    """The list (GET, the same for every visitor: cacheable) or, at ``objection/``, the
    objection form (per visitor: CSRF token, receipt; never cached)."""
    is_preview = getattr(request, "is_preview", False)
    if page.has_ended and not is_preview:
        return TemplateResponse(
            request,
            "publicity/publicity_ended.html",
            {"page": page, "ended_label": f"公示已于{cn_date(page.end_date)}结束"},
            status=ENDED_STATUS,
        )
    if objection:
        return serve_objection(page, request)
    if request.method not in ("GET", "HEAD") and not is_preview:
        # Objections are filed at the objection address; the list only answers GET.
        return HttpResponseNotAllowed(["GET", "HEAD"])
    roster = build_roster(page, request, running=page.is_running)
    context = page.get_context(request)
    context.update(
        {
            "roster": roster,
            "is_running": page.is_running,
            "remaining_days": page.remaining_working_days(),
            "objection_url": page.objection_url(request),
        }
    )
    return TemplateResponse(request, page.get_template(request), context)


@never_cache_response
def serve_objection(page: PublicityPage, request: HttpRequest):
    """异议: GET shows the form (``?entry=`` preselects a name), POST files while running."""
    form = None
    status = 200
    rate_limited = False
    if request.method == "POST" and page.is_running:
        if objections.rate_limited(request):
            rate_limited = True
            status = 429
            form = ObjectionForm(request.POST, page=page)
        else:
            form = ObjectionForm(request.POST, request.FILES, page=page)
            if form.is_valid():
                objection = _file_objection(form)
                objections.record_submission(request)
                return HttpResponseRedirect(
                    f"{page.objection_url(request)}?receipt={objection.confirmation_number}"
                )
            status = 400
    elif request.method == "POST":
        status = 403
    if form is None:
        form = ObjectionForm(page=page, initial={"entry": request.GET.get("entry", "")})
    try:
        selected = int(form["entry"].value() or 0)
    except (TypeError, ValueError):
        selected = 0
    receipt = request.GET.get("receipt", "")
    if (
        receipt
        and not Objection.objects.filter(
            confirmation_number=receipt, entry__publicity=page
        ).exists()
    ):
        receipt = ""
    context = page.get_context(request)
    context.update(
        {
            "is_running": page.is_running,
            "entry_options": entry_options_html(page, selected),
            "objection_form": form,
            "rate_limited": rate_limited,
            "receipt": receipt,
            "objection_url": page.objection_url(request),
        }
    )
    return TemplateResponse(request, "publicity/publicity_objection.html", context, status=status)


def _file_objection(form: ObjectionForm) -> Objection:
    data = form.cleaned_data
    objection = Objection(entry=data["entry"], contact=data["contact"], facts=data["facts"])
    if data.get("attachment"):
        upload = data["attachment"]
        objection.attachment.save(upload.name, upload, save=False)
    objection.save()
    # Mailed by the task worker after the commit: the receipt never waits for (or fails with)
    # the mail server.
    transaction.on_commit(lambda: objections.enqueue_objection_notice(objection.pk))
    return objection


# The list is built as one string: 3,000 rows through the template engine cost ~10 times more
# (a context lookup per cell), and the page must render uncached in well under 100 ms.
_ROW_FIELDS = (
    "pk",
    "name",
    "gender",
    "unit",
    "series",
    "specialty",
    "level",
    "qualification",
    "review_type",
)


_SEP = "\x1f"


@dataclass(frozen=True)
class Roster:
    """The publicity list, rendered: table rows and the filter's choices."""

    rows_html: SafeString
    count: int
    units: list[str]
    specialties: list[str]


def _rows(page: PublicityPage):
    # One query, plain tuples: no model instances for 3,000 rows.
    return page.entries.order_by("sort_order", "pk").values_list(*_ROW_FIELDS)


def build_roster(page: PublicityPage, request: HttpRequest | None = None, *, running: bool):
    """The list's rows (with an objection link each while ``running``) and filter choices."""
    link = page.objection_url(request) + "?entry=" if running else ""
    parts = []
    units = set()
    specialties = set()
    append = parts.append
    number = 0
    for number, row in enumerate(_rows(page), 1):
        pk = row[0]
        # One escape() per row instead of one per cell: join on a control character that
        # escape() leaves alone and that a name or unit cannot contain (form validation).
        name, gender, unit, series, specialty, level, qualification, review_type = escape(
            _SEP.join(row[1:])
        ).split(_SEP)
        label = "·".join(part for part in (series, specialty) if part)
        units.add(unit)
        specialties.add(label)
        append(
            f'<tr><td data-label="序号">{number}</td><td data-label="姓名">{name}</td>'
            f'<td data-label="性别">{gender}</td><td data-label="工作单位">{unit}</td>'
            f'<td data-label="系列/专业">{label or "—"}</td>'
            f'<td data-label="级别/资格">{level}/{qualification}</td>'
            f'<td data-label="评审类型">{review_type}</td>'
        )
        if running:
            append(f'<td data-label="异议"><a href="{link}{pk}">提出异议</a></td>')
        append("</tr>\n")
    return Roster(
        rows_html=mark_safe("".join(parts)),  # noqa: S308 - every value above is escaped
        count=number,
        # The filter compares these with the cells' text: unescape back to plain text (the
        # template escapes them again as <option>s).
        units=sorted(unescape(unit) for unit in units),
        specialties=sorted(unescape(label) for label in specialties - {""}),
    )


def entry_options_html(page: PublicityPage, selected: int = 0) -> SafeString:
    """The objection form's <option>s: every name with its unit, ``selected`` preselected."""
    options = []
    for pk, name, unit in page.entries.order_by("sort_order", "pk").values_list(
        "pk", "name", "unit"
    ):
        mark = " selected" if pk == selected else ""
        options.append(f'<option value="{pk}"{mark}>{escape(name)}（{escape(unit)}）</option>')
    return mark_safe("".join(options))  # noqa: S308 - names and units are escaped


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
