"""Public views beside the pages: notice calendars, feeds and template downloads."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header

from .downloads import MIME_TYPES, filename, generated_file
from .ics import build_calendar, notice_events
from .models import NoticePage, TemplatePage


def notice_calendar(request, page_id: int) -> HttpResponse:
    """/notices/<id>/calendar.ics: every dated phase of a live notice as all-day events."""
    notice = get_object_or_404(
        NoticePage.objects.live().public().select_related("authority"), pk=page_id
    )
    url = request.build_absolute_uri(notice.url)
    events = notice_events(notice, url, request.get_host().split(":")[0])
    stamp = notice.last_published_at or timezone.now()
    body = build_calendar(notice.title, events, stamp)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, f"notice-{notice.pk}.ics")
    return response


def notices_calendar(request) -> HttpResponse:
    """/notices/calendar.ics?authority=&series=: the dated phases of every live notice."""
    from website.feeds import feed_filter

    from .models import filter_scope

    chosen = feed_filter(request)
    notices = (
        NoticePage.objects.live().public().select_related("authority").prefetch_related("phases")
    )
    if chosen.authority is not None:
        notices = notices.filter(authority=chosen.authority)
    if chosen.series is not None:
        notices = filter_scope(notices, str(chosen.series.pk))
    host = request.get_host().split(":")[0]
    events = []
    for notice in notices.order_by("-review_year")[:50]:
        events += notice_events(notice, chosen.base + notice.url, host)
    body = build_calendar(f"通知公告{chosen.label()}", events, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "notices.ics")
    return response


def template_download(request, page_id: int, fmt: str) -> HttpResponse:
    """/downloads/<id>/<pdf|docx|xlsx>/: the template generated in the requested format."""
    page = get_object_or_404(TemplatePage.objects.live().public(), pk=page_id)
    if fmt not in page.formats():
        raise Http404("该模板不提供此格式。")
    response = HttpResponse(generated_file(page, fmt), content_type=MIME_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename(page, fmt))
    return response
