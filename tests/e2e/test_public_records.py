"""Public records people can find (issue 13), in real Chromium, as an anonymous visitor in Korean: from the
Rooms menu to an ended public room's record, and from a budget vote's page to a project's page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deliberation.rooms.models import Room
from deliberation.rooms.states import RoomState
from tests.factories import DepartmentFactory, RoomFactory
from voting.models import Option, Vote
from voting.states import BudgetRule, VoteKind, VoteState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}  # the header's menu is not what this test is about


def _ended_public_room():
    # Written directly: the room services broadcast through async_to_sync, which cannot run in the thread
    # where Playwright's loop runs. The record of an ended room with its agenda is what this test reads.
    now = timezone.now()
    room = RoomFactory(title="망원천 그늘 토론")
    Room.objects.filter(pk=room.pk).update(state=RoomState.ENDED, opened_at=now - timedelta(hours=2),
                                           ended_at=now - timedelta(hours=1))
    hidden = RoomFactory(title="비공개 모임", access="invited")
    Room.objects.filter(pk=hidden.pk).update(state=RoomState.ENDED, ended_at=now)
    return room


def _budget_vote():
    now = timezone.now()
    vote = Vote.objects.create(
        title="2027 마포구 주민참여예산", question="어떤 사업에 예산을 쓸까요?", kind=VoteKind.BUDGET,
        state=VoteState.OPEN, budget=1_000_000, budget_rule=BudgetRule.GREEDY,
        department=DepartmentFactory(name="재정기획관"), opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1))
    Option.objects.create(vote=vote, position=1, label="어린이공원 그늘막", cost=600_000, category="환경",
                          description="망원 어린이공원 놀이터에 그늘막 네 개를 설치합니다.", district="mapo")
    Option.objects.create(vote=vote, position=2, label="골목길 보안등", cost=300_000, category="안전")
    return vote


def test_an_anonymous_visitor_finds_a_room_record_and_a_budget_project(browser, live_server):
    room, vote = _ended_public_room(), _budget_vote()
    context = browser.new_context(viewport=DESKTOP, locale="ko-KR", base_url=live_server.url,
                                  extra_http_headers={"Accept-Language": "ko-KR"})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/")
        page.locator("header a[href='/rooms/']").first.click()
        page.wait_for_url("**/rooms/")
        ended = page.locator("#rooms-ended")
        expect(ended).to_contain_text("망원천 그늘 토론")
        expect(page.locator("main")).not_to_contain_text("비공개 모임")
        ended.get_by_role("link", name="망원천 그늘 토론").click()
        page.wait_for_url(f"**/rooms/{room.pk}/record/")
        expect(page.locator("#record-title")).to_contain_text("망원천 그늘 토론")

        page.goto(f"/votes/{vote.pk}/")
        projects = page.locator("#options [data-testid=project]")
        expect(projects).to_have_count(2)
        projects.get_by_role("link", name="어린이공원 그늘막").click()
        page.wait_for_url(f"**/votes/{vote.pk}/projects/1/")
        expect(page.locator("h1")).to_have_text("어린이공원 그늘막")
        expect(page.locator("main")).to_contain_text("망원 어린이공원 놀이터에 그늘막 네 개를 설치합니다.")
        expect(page.locator("main")).to_contain_text("600,000")
        expect(page.locator("#execution")).to_be_visible()
    finally:
        context.close()
