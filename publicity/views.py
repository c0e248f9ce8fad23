"""Public views: the publicity page (list, countdown), its objection form and the period API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import wraps
from html import escape, unescape

from django.db import transaction
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from website.formatting import cn_date
from website.models import Authority

from . import objections, workdays
from .forms import ObjectionForm, ObjectionStatusForm
from .models import Objection, PublicityPage
from .outcomes import publicity_outcome

# The objection address of an ended publicity answers 410 Gone: objections are closed for good.
# The publicity's own address stays a public record (200, noindex): its period, how many were
# listed and passed, the documents it led to — never the names, which were withdrawn.
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
        ended_label = f"公示已于{cn_date(page.end_date)}结束"
        if objection:
            return TemplateResponse(
                request,
                "publicity/publicity_ended.html",
                {"page": page, "ended_label": ended_label},
                status=ENDED_STATUS,
            )
        return TemplateResponse(
            request, "publicity/publicity_record.html", {**record(page), "ended_label": ended_label}
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
            "notice": public_notice(page),
            "outcome": publicity_outcome(page),
            "roster": roster,
            "is_running": page.is_running,
            "remaining_days": page.remaining_working_days(),
            "objection_url": page.objection_url(request),
        }
    )
    return TemplateResponse(request, page.get_template(request), context)


def public_notice(page: PublicityPage):
    """The live notice that opened this publicity's round, if any."""
    if not page.notice_id:
        return None
    notice = page.notice
    return notice if notice.live else None


def record(page: PublicityPage) -> dict:
    """The public record of an ended publicity: counts and outcome, no names."""
    return {
        "page": page,
        "notice": public_notice(page),
        "outcome": publicity_outcome(page),
        "listed_count": page.entries.count(),
        "approved_count": page.approved_entries().count(),
    }


@never_cache_response
def serve_objection(page: PublicityPage, request: HttpRequest):
    """异议: GET shows the form (``?entry=`` preselects a name), POST files while running."""
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
                data = form.cleaned_data
                objection = objections.find_duplicate(data["entry"], data["contact"], data["facts"])
                if objection is None:  # the same objection again keeps its first receipt
                    objection = _file_objection(form)
                objections.record_submission(key)  # a repeat still counts against the limit
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
    objection = Objection(
        entry=data["entry"],
        real_name=data["real_name"],
        contact=data["contact"].strip(),
        facts=data["facts"],
    )
    if data.get("attachment"):
        upload = data["attachment"]
        objection.attachment.save(upload.name, upload, save=False)
    objection.save()
    transaction.on_commit(lambda: objections.notify_authority(objection))
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
    #: Rows shown under the filter (?name=&unit=&specialty=); ``count`` when not filtered.
    shown: int = 0
    filters: dict = field(default_factory=dict)

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())


def roster_filters(request: HttpRequest | None) -> dict[str, str]:
    """?name=&unit=&specialty= : the filter as a shareable address that works without JS."""
    if request is None:
        return {"name": "", "unit": "", "specialty": ""}
    get = request.GET
    return {
        "name": "".join(get.get("name", "").split())[:40],
        "unit": get.get("unit", "").strip()[:200],
        "specialty": get.get("specialty", "").strip()[:200],
    }


def _rows(page: PublicityPage):
    # One query, plain tuples: no model instances for 3,000 rows.
    return page.entries.order_by("sort_order", "pk").values_list(*_ROW_FIELDS)


def build_roster(page: PublicityPage, request: HttpRequest | None = None, *, running: bool):
    """The list's rows (with an objection link each while ``running``) and filter choices."""
    link = page.objection_url(request) + "?entry=" if running else ""
    filters = roster_filters(request)
    want_name, want_unit, want_specialty = filters["name"], filters["unit"], filters["specialty"]
    parts = []
    units = set()
    specialties = set()
    append = parts.append
    number = 0
    shown = 0
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
        if (
            (want_name and want_name not in row[1])
            or (want_unit and want_unit != row[3])
            or (want_specialty and want_specialty != unescape(label))
        ):
            continue
        shown += 1
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
        shown=shown,
        filters=filters,
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
        if objections.lookup_limited(objections.client_key(request)):
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
