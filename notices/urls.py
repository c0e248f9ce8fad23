from django.urls import path

from . import views
from .feeds import NoticeAtomFeed, NoticeRssFeed

app_name = "notices"

urlpatterns = [
    path("notices/feed/rss/", NoticeRssFeed(), name="feed_rss"),
    path("notices/feed/atom/", NoticeAtomFeed(), name="feed_atom"),
    path("notices/<int:page_id>/calendar.ics", views.notice_calendar, name="calendar"),
    path(
        "downloads/<int:page_id>/<str:fmt>/",
        views.template_download,
        name="template_download",
    ),
]
