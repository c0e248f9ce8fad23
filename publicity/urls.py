from django.urls import path

from . import views

app_name = "publicity"

urlpatterns = [
    path("publicity/period/", views.period, name="period"),
]
