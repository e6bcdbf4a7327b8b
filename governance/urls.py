"""The governance app's pages: one URL namespace per package."""

from django.urls import include, path

urlpatterns = [
    path("", include("governance.committees.urls")),
    path("", include("governance.meetings.urls")),
    path("", include("governance.monitoring.urls")),
    path("", include("governance.dashboard.urls")),
    path("", include("governance.api.urls")),
]
