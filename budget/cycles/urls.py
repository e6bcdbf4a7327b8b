"""budget.cycles: its pages (namespace "budget")."""

from django.urls import path  # noqa: F401

app_name = "budget"

urlpatterns: list = []
