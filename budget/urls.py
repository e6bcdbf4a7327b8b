"""The participatory budget's pages: one URL namespace, ``budget:``, gathered from each package's urls.

The packages' paths are listed before execution's ``budget/<slug>/`` (the cycle's public page) so that
literal paths (``budget/review/``, ``budget/new/``) win over a cycle's address.
"""

from django.urls import include, path

app_name = "budget"

urlpatterns = [
    path("", include("budget.cycles.urls")),
    path("", include("budget.projects.urls")),
    path("", include("budget.review.urls")),
    path("", include("budget.committee.urls")),
    path("", include("budget.execution.urls")),
]
