"""A live room in two phone browsers over a real daphne: the clock, the chat and +1 minute reach both.

The e2e conftest's live server speaks WSGI only, so this test starts daphne (HTTP and WebSockets) on
the test database; that needs PostgreSQL (another process must see the data) and Redis (the channel
layer): tests/services/with-services.sh provides both. Sessions are made with the test client and
handed to the browsers as cookies, because the test settings' fast password hasher is not the server's.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from playwright.sync_api import expect

from tests.deliberation.test_two_processes import _free_port, _wait_for_port
from tests.factories import RoomFactory, UserFactory
from tests.processes import subprocess_database_url

from .conftest import PHONE, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def daphne_url(tmp_path):
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL for the daphne process"
    port, log = _free_port(), tmp_path / "daphne.log"
    origin = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": subprocess_database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DEBUG": "1", "SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "CSRF_TRUSTED_ORIGINS": origin}
    daphne = str(Path(sys.executable).parent / "daphne")
    with open(log, "ab") as out:
        process = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                                   cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        yield origin
    finally:
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def signed_in_page(browser, daphne_url):
    """A phone-sized Korean page on the daphne server, already signed in as ``user``."""
    contexts = []

    def make(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=PHONE, locale="ko-KR", base_url=daphne_url,
                                      extra_http_headers={"Accept-Language": "ko-KR"})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": daphne_url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _seconds(page) -> int:
    text = page.locator("#room-clock").inner_text().strip()
    match = re.fullmatch(r"(?:(\d+):)?(\d+):(\d\d)", text)
    assert match, f"the clock shows {text!r}"
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def test_citizen_follows_the_facilitators_clock_and_chat_live(signed_in_page):
    room = RoomFactory(title="그늘 있는 거리", rounds=[
        {"kind": "discussion", "title": "여는 토론", "duration_seconds": 600},
        {"kind": "qa", "title": "질의응답", "duration_seconds": 300},
    ])
    citizen = UserFactory(display_name="김시민")
    path = f"/rooms/{room.pk}/"

    facilitator_page = signed_in_page(room.facilitator)
    facilitator_page.goto(path)
    with facilitator_page.expect_navigation():
        facilitator_page.locator(f"form[action='/rooms/{room.pk}/open/'] button").click()
    start = facilitator_page.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()  # connected

    citizen_page = signed_in_page(citizen)
    citizen_page.goto(path)
    expect(citizen_page.locator("#chat-form button")).to_be_enabled()
    assert citizen_page.locator("[data-frame]").count() == 0

    start.click()
    expect(citizen_page.locator("#round-title")).to_have_text("여는 토론")
    expect(citizen_page.locator("#room-clock")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
    first = _seconds(citizen_page)
    time.sleep(2.2)
    assert _seconds(citizen_page) < first, "the countdown does not move"

    citizen_page.fill("#chat-body", "나무를 여름 전에 심을 수 있을까요? <b>꼭</b>")
    citizen_page.locator("#chat-form button").click()
    message = facilitator_page.locator("#chat-list li").filter(has_text="나무를 여름 전에")
    expect(message).to_contain_text("김시민")
    expect(message.locator(".chat-body")).to_have_text("나무를 여름 전에 심을 수 있을까요? <b>꼭</b>")
    assert facilitator_page.locator("#chat-list b").count() == 0  # escaped, not markup

    before = _seconds(citizen_page)
    facilitator_page.locator("[data-frame='clock.adjust'][data-seconds='60']").click()
    expect(citizen_page.locator("#room-clock")).not_to_have_text(re.compile(r"^[0-9]:"))  # 10:xx again
    jump = _seconds(citizen_page) - before
    assert 55 <= jump <= 61, jump
    screenshot(citizen_page, "room-citizen-phone")
