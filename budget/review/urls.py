"""budget.review: its pages (namespace "budget_review")."""

from django.urls import path  # noqa: F401

app_name = "budget_review"

urlpatterns: list = []
