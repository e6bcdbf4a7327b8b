"""Voting pages (public)."""

urlpatterns: list = []
