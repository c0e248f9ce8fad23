from django.urls import path

from website.routes import api_routes, feed_routes

from . import api, views
from .feeds import NoticeAtomFeed, NoticeRssFeed

app_name = "notices"

urlpatterns = [
    *feed_routes(
        "notices",
        NoticeRssFeed(),
        NoticeAtomFeed(),
        views.notices_calendar,
        calendar_name="column_calendar",
    ),
    *api_routes("notices", "notice", api.notice_list, api.notice_detail),
    path("notices/<int:page_id>/calendar.ics", views.notice_calendar, name="calendar"),
    path(
        "downloads/<int:page_id>/<str:fmt>/",
        views.template_download,
        name="template_download",
    ),
]
