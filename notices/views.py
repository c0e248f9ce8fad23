"""Public views beside the pages: notice calendars, feeds and template downloads."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from .downloads import MIME_TYPES, filename, generated_file
from .feeds import chosen_notices
from .ics import calendar_response, column_calendar, notice_events
from .models import NoticePage, TemplatePage


def notice_calendar(request, page_id: int) -> HttpResponse:
    """/notices/<id>/calendar.ics: every dated phase of a live notice as all-day events."""
    notice = get_object_or_404(
        NoticePage.objects.live().public().select_related("authority"), pk=page_id
    )
    url = request.build_absolute_uri(notice.url)
    events = notice_events(notice, url, request.get_host().split(":")[0])
    return calendar_response(
        notice.title, events, f"notice-{notice.pk}.ics", notice.last_published_at
    )


def notices_calendar(request) -> HttpResponse:
    """/notices/calendar.ics?authority=&series=: the dated phases of every live notice."""

    def events(chosen, host):
        notices = chosen_notices(chosen).prefetch_related("phases").order_by("-review_year")
        return [
            event
            for notice in notices[:50]
            for event in notice_events(notice, chosen.base + notice.url, host)
        ]

    return column_calendar(request, "通知公告", "notices.ics", events)


def template_download(request, page_id: int, fmt: str) -> HttpResponse:
    """/downloads/<id>/<pdf|docx|xlsx>/: the template generated in the requested format."""
    page = get_object_or_404(TemplatePage.objects.live().public(), pk=page_id)
    if fmt not in page.formats():
        raise Http404("该模板不提供此格式。")
    response = HttpResponse(generated_file(page, fmt), content_type=MIME_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename(page, fmt))
    return response
