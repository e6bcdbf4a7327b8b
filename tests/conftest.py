"""Shared fixtures: a clean cache per test, eager Celery (tasks run in-process), factories."""

import os

import pytest
from django.core.cache import cache

from config.celery import app as celery_app


def pytest_collection_modifyitems(config, items):
    # The full suite runs against PostgreSQL; the smoke run is the only one on SQLite.
    if not os.environ.get("DATABASE_URL") and not config.getoption("-m", default=""):
        print("\nNOTE: DATABASE_URL is not set; tests run on SQLite. `make test` uses PostgreSQL.")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = previous
