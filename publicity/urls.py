from django.urls import path

from . import api, unit_views, views
from .feeds import PublicityAtomFeed, PublicityRssFeed, publicity_calendar

app_name = "publicity"

urlpatterns = [
    path("publicity/period/", views.period, name="period"),
    path("publicity/unit/", unit_views.unit_publicity_view, name="unit_publicity"),
    path("publicity/objection-status/", views.objection_status, name="objection_status"),
    path("api/v1/publicities/", api.publicity_list, name="api_publicities"),
    path("api/v1/publicities/<int:pk>", api.publicity_detail, name="api_publicity"),
    path("publicity/feed/rss/", PublicityRssFeed(), name="feed_rss"),
    path("publicity/feed/atom/", PublicityAtomFeed(), name="feed_atom"),
    path("publicity/calendar.ics", publicity_calendar, name="calendar"),
]
