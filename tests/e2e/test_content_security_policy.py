"""The main pages run under the Content-Security-Policy in Chromium without a single violation.

Every page listens for ``securitypolicyviolation`` (recorded by an init script) and the console for
CSP errors, while it loads, runs its script, opens its WebSocket (room, live vote) and posts a form.
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from tests.e2e.threads import in_a_thread
from tests.factories import ProposalFactory, ResidentFactory, RoomFactory
from voting.models import Option, Vote, VoteKind, VoteState

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
"""



def _watch(page) -> list[str]:
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    return console


def _violations(page, console: list[str]) -> list[str]:
    return console + page.evaluate("window.__cspViolations || []")


def test_main_pages_load_and_run_with_no_csp_violation(signed_in_page, daphne_url):
    proposal = ProposalFactory(published=True, title="그늘 있는 거리")
    now = timezone.now()
    vote = Vote.objects.create(
        title="한강공원 야간 개방", question="한강공원을 밤 12시까지 열까요?", kind=VoteKind.SINGLE, state=VoteState.OPEN,
        live_results=True, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1))
    for position, label in enumerate(("찬성", "반대"), start=1):
        Option.objects.create(vote=vote, position=position, label=label)
    rooms = []
    in_a_thread(lambda: rooms.append(RoomFactory(stage="live")))  # opening broadcasts: not in Playwright's loop
    room = rooms[0]
    resident = ResidentFactory()
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)

    page = signed_in_page(resident)
    console = _watch(page)
    seen = {}
    for path in ["/", "/proposals/", f"/proposals/{proposal.pk}/", "/follow-ups/", f"/votes/{vote.pk}/",
                 f"/rooms/{room.pk}/", "/me/profile/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        seen[path] = _violations(page, console)
        console.clear()

    # A form post under form-action 'self' (the room's and the vote's sockets were opened above).
    page.goto(f"/votes/{vote.pk}/")
    page.check("input[name=choice][value='1']")
    with page.expect_navigation():
        page.locator("form.ballot button[type=submit]").click()
    seen["ballot post"] = _violations(page, console)

    anonymous = signed_in_page(ResidentFactory())
    anonymous.context.clear_cookies()
    console_anon = _watch(anonymous)
    for path in ["/accounts/login/", "/accounts/signup/"]:
        assert anonymous.goto(path).status == 200
        anonymous.wait_for_load_state("networkidle")
        seen[path] = _violations(anonymous, console_anon)
        console_anon.clear()

    print("\n" + "\n".join(f"{path}: {len(found)} violations" for path, found in seen.items()))
    assert {path: found for path, found in seen.items() if found} == {}
