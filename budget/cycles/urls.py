"""budget.cycles: its pages, in the ``budget:`` namespace (budget/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
