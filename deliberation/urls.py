"""The deliberation app's pages: one URL namespace per package (rooms, panels, juries, deliberative_polls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("deliberation.rooms.urls")),
    path("", include("deliberation.panels.urls")),
    path("", include("deliberation.juries.urls")),
    path("", include("deliberation.deliberative_polls.urls")),
]
