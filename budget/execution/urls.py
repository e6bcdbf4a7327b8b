"""budget.execution: its pages (namespace "budget_execution")."""

from django.urls import path  # noqa: F401

app_name = "budget_execution"

urlpatterns: list = []
