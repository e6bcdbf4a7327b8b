"""The browser modules with production's hashed static names, in Chromium over a real daphne.

collectstatic runs as production does (DEBUG off: whitenoise's manifest storage with
support_js_module_import_aggregation, frontend/storage.py) into a fresh STATIC_ROOT, and daphne serves
it with DEBUG off. The room page and a live budget vote then load their hashed entry modules, which
import hashed modules only, under the Content-Security-Policy, and run: the room connects (its hello
arrives over socket.js), the vote's turnout follows a ballot live, the budget helper shows its
translated running total (ballot.js). Unit check of the rewrite: tests/frontend/test_static_modules.py.
"""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.servers import daphne_server
from tests.e2e.threads import in_a_thread
from tests.factories import ResidentFactory, RoomFactory, UserFactory
from tests.processes import subprocess_database_url
from voting.models import BudgetRule, Option, Vote, VoteKind, VoteState

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HASHED = re.compile(r"/static/frontend/(?:room/)?[a-z0-9_]+\.[0-9a-f]{12}\.js$")
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective));
"""


@pytest.fixture
def production_url(tmp_path):
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    static_root = tmp_path / "static"
    env = {**os.environ, "DATABASE_URL": subprocess_database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DEBUG": "0", "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "STATIC_ROOT": str(static_root)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=settings.BASE_DIR, env=env,
                   check=True, capture_output=True)
    with daphne_server(env, tmp_path / "daphne.log") as origin:
        yield origin


def _page(browser, origin, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, locale="ko-KR", base_url=origin,
                                  extra_http_headers={"Accept-Language": "ko-KR"})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": origin,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    scripts, errors = [], []
    page.on("response", lambda r: scripts.append((r.url, r.status)) if r.url.endswith(".js") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, scripts, errors


def _check_scripts(page, scripts, errors, expected: set[str]):
    loaded = {re.sub(r"\.[0-9a-f]{12}\.js$", ".js", url.split("/static/", 1)[1]) for url, _ in scripts}
    assert expected <= loaded, loaded
    for url, status in scripts:
        assert status == 200 and HASHED.search(url), (url, status)
    assert errors == [] and page.evaluate("window.__cspViolations") == []


def test_room_and_live_vote_run_from_hashed_module_files(browser, production_url):
    rooms = []
    in_a_thread(lambda: rooms.append(RoomFactory(stage="live")))
    room = rooms[0]
    page, scripts, errors = _page(browser, production_url, UserFactory(display_name="김시민"))
    page.goto(f"/rooms/{room.pk}/")
    entry = page.locator("script[type=module][src*='/room.']").get_attribute("src")
    assert HASHED.search(entry), entry
    expect(page.locator("#room-status")).to_have_text("연결되었습니다.")  # the hello came: socket.js runs
    expect(page.locator("#presence-count")).not_to_be_empty()
    _check_scripts(page, scripts, errors, {
        "frontend/room.js", "frontend/socket.js", "frontend/i18n.js", "frontend/room/common.js",
        "frontend/room/chat.js", "frontend/room/clock.js", "frontend/room/queue.js", "frontend/room/tables.js",
        "frontend/room/polls.js", "frontend/room/questions.js", "frontend/room/presence.js",
        "frontend/room/jury.js", "frontend/room/tabs.js", "frontend/site_menu.js"})

    now = timezone.now()
    vote = Vote.objects.create(
        title="주민참여예산", question="어떤 사업에?", kind=VoteKind.BUDGET, state=VoteState.OPEN,
        budget=1_000_000, budget_rule=BudgetRule.GREEDY, live_results=True,
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1))
    for position, (label, cost) in enumerate((("가로수", 600_000), ("쉼터", 300_000)), start=1):
        Option.objects.create(vote=vote, position=position, label=label, cost=cost)
    resident = ResidentFactory()
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)
    voter, scripts, errors = _page(browser, production_url, resident)
    voter.goto(f"/votes/{vote.pk}/")
    expect(voter.locator("[data-budget-left]")).to_have_text(re.compile(r"1,000,000"))  # ballot.js, translated
    voter.check("input[name=choice][value='1']")
    expect(voter.locator("[data-budget-spent]")).to_have_text("600,000")
    watcher, watcher_scripts, watcher_errors = _page(browser, production_url, UserFactory())
    watcher.goto(f"/votes/{vote.pk}/")
    expect(watcher.locator("[data-live-turnout]")).to_have_text("0")
    watcher.wait_for_timeout(500)  # the socket is open (vote.snapshot)
    with voter.expect_navigation():
        voter.locator("form.ballot button[type=submit]").click()
    expect(watcher.locator("[data-live-turnout]")).to_have_text("1")  # live over socket.js
    _check_scripts(voter, scripts, errors, {"frontend/ballot.js", "frontend/i18n.js", "frontend/vote_live.js",
                                            "frontend/socket.js"})
    _check_scripts(watcher, watcher_scripts, watcher_errors, {"frontend/vote_live.js", "frontend/socket.js"})
