"""budget.committee: its pages (namespace "budget_committee")."""

from django.urls import path  # noqa: F401

app_name = "budget_committee"

urlpatterns: list = []
