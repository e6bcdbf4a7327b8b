"""Voting pages (exports)."""

urlpatterns: list = []
