from django.urls import path

from . import api, views
from .feeds import NoticeAtomFeed, NoticeRssFeed

app_name = "notices"

urlpatterns = [
    path("notices/feed/rss/", NoticeRssFeed(), name="feed_rss"),
    path("notices/feed/atom/", NoticeAtomFeed(), name="feed_atom"),
    path("api/v1/notices/", api.notice_list, name="api_notices"),
    path("api/v1/notices/<int:pk>", api.notice_detail, name="api_notice"),
    path("notices/calendar.ics", views.notices_calendar, name="column_calendar"),
    path("notices/<int:page_id>/calendar.ics", views.notice_calendar, name="calendar"),
    path(
        "downloads/<int:page_id>/<str:fmt>/",
        views.template_download,
        name="template_download",
    ),
]
