from django.urls import path

from . import unit_views, views

app_name = "publicity"

urlpatterns = [
    path("publicity/period/", views.period, name="period"),
    path("publicity/unit/", unit_views.unit_publicity_view, name="unit_publicity"),
]
