"""Voting pages (manage)."""

urlpatterns: list = []
