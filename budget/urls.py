"""The participatory budget's pages: one URL namespace per package."""

from django.urls import include, path

urlpatterns = [
    path("", include("budget.cycles.urls")),
    path("", include("budget.projects.urls")),
    path("", include("budget.review.urls")),
    path("", include("budget.committee.urls")),
    path("", include("budget.execution.urls")),
]
