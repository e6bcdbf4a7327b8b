"""A citizens' jury in three phone browsers over a real daphne: the facilitator (staff) draws the panel
with the announced public values and sends the invitations, the two people drawn confirm on their
phones and so take their seats; then the hearing, the private room, a first verdict that fails its rule
and a second round, the draft reaching a juror live, its adoption by secret ballot, a juror's signed
minority opinion, and the published page shows the recommendation, the tally, the opinion and the proposal it became.

The issue's jury has 10 to 20 jurors; this test lowers the minimum with ``settings.JURY_MIN_SIZE = 2``
(deliberation.juries.rules reads the setting at each call). The jury is created in the test process,
where the override applies; everything after that runs in the browsers against daphne.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deliberation.panels import services as panel_services
from deliberation.juries import services as jury_services
from deliberation import tasks
from deliberation.juries.models import Jury
from tests.factories import AdminFactory, CategoryFactory, ResidentFactory

from .conftest import screenshot
from .rooms import connected as _connected

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


def test_jury_from_the_invitation_to_the_published_recommendation(signed_in_page, settings):
    settings.JURY_MIN_SIZE = 2
    facilitator = AdminFactory(display_name="진행자")  # staff: runs the draw too
    first = ResidentFactory(display_name="배심원하나", gender="female", district="mapo", birth_year=1985)
    second = ResidentFactory(display_name="배심원둘", gender="male", district="gangnam", birth_year=1962)
    for person in (first, second):
        panel_services.volunteer(user=person, answers={})
    draw = panel_services.prepare_draw(pool=panel_services.standing_pool(), title="심야버스 배심원단", size=2, actor=facilitator,
                                 quotas_text="feature,value,min,max\ngender,female,1,1\ngender,male,1,1\n")
    tasks.compute_draw_distribution(draw.pk)  # maximin's job (a worker's, in production); a no-op if it ran
    jury = jury_services.create_jury(facilitator=facilitator, kind="jury", title="심야버스 배차", size=2,
                                question="심야버스를 15분마다 운행해야 할까요?", verdict_rule="majority",
                                category=CategoryFactory(), draw=draw)
    host, juror, dissenter = signed_in_page(facilitator), signed_in_page(first), signed_in_page(second)

    # The draw with the announced public values, then the invitations with their deadline
    host.goto(f"/draws/{draw.pk}/")
    host.fill("#public-values", "9319/2 5 8 10 12")
    with host.expect_navigation():
        host.get_by_role("button", name=re.compile("Draw the panel|패널 추첨")).click()
    expect(host.locator("[data-testid=draw-state]")).to_contain_text(re.compile("Drawn|추첨 완료"))
    host.fill("input[name=deadline_at]", (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    with host.expect_navigation():
        host.locator(f"form[action='/draws/{draw.pk}/invitations/'] button[type=submit]").click()

    # Each juror finds the invitation on their phone and confirms: that seats them in the jury
    for page in (juror, dissenter):
        page.goto("/invitations/")
        card = page.locator("[data-testid=invitation]")
        expect(card).to_contain_text("심야버스 배심원단")
        with page.expect_navigation():
            card.locator("button[name=answer][value=confirm]").click()
        expect(page.locator("[data-testid=invitation] form")).to_have_count(0)  # answered: no buttons left
    host.goto(f"/juries/{jury.pk}/manage/")
    expect(host.locator("[data-testid=seated]")).to_contain_text("2")
    juror.goto(f"/rooms/{jury.private_room_id}/")
    assert juror.locator("#chat-form").count() == 0  # the private room is not open yet: no room page

    # The hearing: the facilitator starts the briefing, the juror sees it live
    _post_action(host, "start_hearing")
    briefing = jury.room.rounds.order_by("position").first().title
    host.goto(f"/rooms/{jury.room_id}/")
    juror.goto(f"/rooms/{jury.room_id}/")
    _connected(juror)
    host.locator("[data-frame='clock.start']").click()
    expect(juror.locator("#round-title")).to_have_text(briefing)

    # Private deliberation; the first verdict (1 yes, 1 no) does not meet the majority rule
    host.goto(f"/juries/{jury.pk}/manage/")
    _post_action(host, "start_deliberation")
    juror.goto(f"/rooms/{jury.private_room_id}/")
    _connected(juror)
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
    juror.goto(f"/rooms/{jury.private_room_id}/")
    _connected(juror)
    expect(juror.locator("#draft-link")).to_be_hidden()
    _vote(dissenter, jury, "yes")  # the last ballot closes the vote: the rule is met, the jury moves on
    assert _state(jury) == "drafting" and jury.verdicts.get(number=2).met is True
    expect(juror.locator("#draft-link")).to_be_visible()  # jury.state, live
    expect(juror.locator("#jury-stage")).to_have_text("권고안 작성")

    # The draft reaches the juror's private room live
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
