from django.urls import path

from website.routes import api_routes, feed_routes

from . import api, unit_views, views
from .feeds import PublicityAtomFeed, PublicityRssFeed, publicity_calendar

app_name = "publicity"

urlpatterns = [
    path("publicity/period/", views.period, name="period"),
    path("publicity/unit/", unit_views.unit_publicity_view, name="unit_publicity"),
    path("publicity/objection-status/", views.objection_status, name="objection_status"),
    *api_routes("publicities", "publicity", api.publicity_list, api.publicity_detail),
    *feed_routes("publicity", PublicityRssFeed(), PublicityAtomFeed(), publicity_calendar),
]
