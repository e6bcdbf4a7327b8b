"""Playwright in Debian's Chromium against a live server of the project.

The live server is pytest-django's (a real HTTP server in a thread, on the test database).
Playwright's sync API runs an event loop in the test thread, so the ORM calls made by the tests
themselves need DJANGO_ALLOW_ASYNC_UNSAFE; the server thread is unaffected.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from playwright.sync_api import sync_playwright

from tests.servers import daphne_server
from tests.processes import subprocess_database_url

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    # Per module, not per session: Playwright's sync API keeps an event loop running in the main
    # thread while it is open, and tests collected after the browser ones (async_to_sync in
    # tests/voting/test_live.py) cannot run in a thread with a running loop.
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh phone-sized browser context (its own cookies) per person in the journey."""
    contexts = []

    def make(locale: str = "ko-KR"):
        context = browser.new_context(viewport=PHONE, locale=locale, base_url=live_server.url,
                                      extra_http_headers={"Accept-Language": locale})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action$='/accounts/login/'] [type=submit], main form [type=submit]").first.click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- A real daphne (HTTP and WebSockets) on the test database: live rooms, live vote results -------

@pytest.fixture
def daphne_url(tmp_path):
    """A daphne per test, stopped before the test's tables are flushed. One per module was tried (issue 12): the
    server's own writes as the closed pages' sockets went away deadlocked with the flush between tests."""
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL for the daphne process"
    env = {**os.environ, "DATABASE_URL": subprocess_database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DEBUG": "1", "SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    with daphne_server(env, tmp_path / "daphne.log") as origin:
        yield origin


@pytest.fixture
def signed_in_page(browser, daphne_url):
    """A phone-sized Korean page on the daphne server, already signed in as ``user``."""
    contexts = []

    def make(user, javascript: bool = True):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=PHONE, locale="ko-KR", base_url=daphne_url,
                                      java_script_enabled=javascript,
                                      extra_http_headers={"Accept-Language": "ko-KR"})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": daphne_url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
