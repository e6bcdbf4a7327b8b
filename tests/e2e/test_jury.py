"""A citizens' jury in three phone browsers over a real daphne: the facilitator seats two jurors, runs the
hearing, opens the private room, a first verdict fails its rule and a second round follows, the draft
reaches a juror live, it is adopted by secret ballot, a juror writes a signed minority opinion, and the
published page shows the recommendation, the tally, the opinion and the proposal it became.

The issue's jury has 10 to 20 jurors; this test lowers the minimum with ``settings.JURY_MIN_SIZE = 2``
(deliberation.jury_rules reads the setting at each call). The jury is created in the test process,
where the override applies; everything after that runs in the browsers against daphne.
"""

import re

import pytest
from playwright.sync_api import expect

from deliberation import services
from deliberation.jury_models import Jury
from tests.factories import CategoryFactory, FacilitatorFactory, UserFactory

from .conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post_action(page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"button[name=action][value={action}]").click()


def _state(jury: Jury) -> str:
    jury.refresh_from_db()
    return jury.state


def _vote(page, jury: Jury, choice: str) -> None:
    page.goto(f"/juries/{jury.pk}/verdict/")
    page.locator(f"input[name=choice][value={choice}]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=voted]")).to_be_visible()


def test_jury_from_seating_to_the_published_recommendation(signed_in_page, settings):
    settings.JURY_MIN_SIZE = 2
    facilitator = FacilitatorFactory(display_name="진행자")
    first, second = UserFactory(display_name="배심원하나"), UserFactory(display_name="배심원둘")
    jury = services.create_jury(facilitator=facilitator, kind="jury", title="심야버스 배차", size=2,
                                question="심야버스를 15분마다 운행해야 할까요?", verdict_rule="majority",
                                category=CategoryFactory())
    host, juror, dissenter = signed_in_page(facilitator), signed_in_page(first), signed_in_page(second)

    # Seating, by email on the facilitator's page
    host.goto(f"/juries/{jury.pk}/manage/")
    for person in (first, second):
        host.fill("input[name=email]", person.email)
        _post_action(host, "add_juror")
    expect(host.locator("[data-testid=seated]")).to_contain_text("2")
    juror.goto(f"/rooms/{jury.private_room_id}/")
    assert juror.locator("#chat-form").count() == 0  # the private room is not open yet: no room page

    # The hearing: the facilitator starts the briefing, the juror sees it live
    _post_action(host, "start_hearing")
    briefing = jury.room.rounds.order_by("position").first().title
    host.goto(f"/rooms/{jury.room_id}/")
    juror.goto(f"/rooms/{jury.room_id}/")
    expect(juror.locator("#chat-form button")).to_be_enabled()
    host.locator("[data-frame='clock.start']").click()
    expect(juror.locator("#round-title")).to_have_text(briefing)

    # Private deliberation; the first verdict (1 yes, 1 no) does not meet the majority rule
    host.goto(f"/juries/{jury.pk}/manage/")
    _post_action(host, "start_deliberation")
    juror.goto(f"/rooms/{jury.private_room_id}/")
    expect(juror.locator("#chat-form button")).to_be_enabled()
    expect(juror.locator("#verdict-link")).to_be_hidden()
    _post_action(host, "open_verdict")
    expect(juror.locator("#verdict-link")).to_be_visible()  # verdict.opened, live
    _vote(juror, jury, "yes")
    _vote(dissenter, jury, "no")
    assert _state(jury) == "verdict" and jury.verdicts.get(number=1).met is False

    host.goto(f"/juries/{jury.pk}/manage/")
    host.fill("#id_round_title", "한 번 더 숙의")
    _post_action(host, "add_round")
    assert jury.private_room.rounds.order_by("-position").first().title == "한 번 더 숙의"
    _post_action(host, "open_verdict")
    _vote(juror, jury, "yes")
    _vote(dissenter, jury, "yes")
    assert _state(jury) == "drafting" and jury.verdicts.get(number=2).met is True

    # The draft reaches the juror's private room live
    juror.goto(f"/rooms/{jury.private_room_id}/")
    expect(juror.locator("#chat-form button")).to_be_enabled()
    host.goto(f"/juries/{jury.pk}/draft/")
    host.fill("textarea[name=text]", "심야버스를 15분 간격으로 운행할 것을 권고합니다.")
    with host.expect_navigation():
        host.locator("main form button[type=submit]").click()
    expect(juror.locator("#recommendation-text")).to_have_text("심야버스를 15분 간격으로 운행할 것을 권고합니다.")
    expect(juror.locator("#recommendation-version")).to_have_text("1")

    # A signed minority opinion, then the adoption vote
    dissenter.goto(f"/juries/{jury.pk}/minority/")
    dissenter.fill("textarea[name=text]", "재원 대책이 먼저입니다.")
    dissenter.locator("input[name=signed]").check()
    with dissenter.expect_navigation():
        dissenter.locator("main form button[type=submit]").click()
    host.goto(f"/juries/{jury.pk}/manage/")
    _post_action(host, "open_adoption")
    _vote(juror, jury, "yes")
    _vote(dissenter, jury, "yes")
    assert _state(jury) == "adopted"

    # Published: the recommendation, its tally, the opinion with its author, and the proposal
    host.goto(f"/juries/{jury.pk}/manage/")
    _post_action(host, "publish")
    assert _state(jury) == "published" and jury.proposal is not None
    juror.goto(f"/juries/{jury.pk}/")
    published = juror.locator("[data-testid=published-recommendation]")
    expect(published).to_contain_text("심야버스를 15분 간격으로 운행할 것을 권고합니다.")
    expect(published.locator(".minority-opinion")).to_contain_text("재원 대책이 먼저입니다.")
    expect(published.locator(".minority-opinion footer")).to_have_text("배심원둘")
    expect(published.locator(".tally").first).to_contain_text(re.compile(r"2\D+0\D+0"))
    screenshot(juror, "jury-published")
    with juror.expect_navigation():
        published.locator("[data-testid=jury-proposal]").click()
    expect(juror.locator("h1")).to_contain_text("심야버스 배차")
    assert jury.proposal.state == "escalated"
