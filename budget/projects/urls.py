"""budget.projects: its pages (namespace "budget_projects")."""

from django.urls import path  # noqa: F401

app_name = "budget_projects"

urlpatterns: list = []
