"""Shared fixtures: a clean cache per test, eager Celery (tasks run in-process), factories."""

import os

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from tests.processes import broker  # noqa: F401 (a fixture for tests that start a real worker)


def pytest_collection_modifyitems(config, items):
    # The full suite runs against PostgreSQL; the smoke run is the only one on SQLite.
    if not os.environ.get("DATABASE_URL") and not config.getoption("-m", default=""):
        print("\nNOTE: DATABASE_URL is not set; tests run on SQLite. `make test` uses PostgreSQL.")


@pytest.fixture(autouse=True)
def _clean_cache():
    from deliberation.rooms.selectors import clear_snapshot_cache

    cache.clear()
    clear_snapshot_cache()  # rooms' shared hello parts, per process (a rolled-back room's pk comes back)
    yield
    cache.clear()
    clear_snapshot_cache()


@pytest.fixture(autouse=True)
def _eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Factories set a password on every user; PBKDF2 would make each one cost ~0.2 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production (DEBUG off) uses the manifest storage, which needs `collectstatic`; tests serve
    # static files from the apps' folders instead.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _cookies_over_plain_http(settings):
    # The live server of the browser tests speaks plain HTTP; production keeps secure cookies.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def client():
    """The test client reads pages in English, so assertions quote the message ids.

    Korean, the default for a browser that asks for nothing, is checked by tests/test_i18n.py, the
    smoke run and the browser journeys.
    """
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})
