"""The pages of governance.dashboard (namespace ``dashboard``)."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/wall/", views.wall, name="wall"),
    path("dashboard/<slug:code>.csv", views.indicator_csv, name="csv"),
]
