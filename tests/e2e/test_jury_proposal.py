"""A proposal written from a citizens' jury's recommendation, in real Chromium on a phone, in Korean (issue 13):
its byline names the jury (not the facilitator), its timeline says the jury sent it straight to the department,
and its support box promises no threshold it skipped ("50 supports for public deliberation")."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deliberation.juries import services as jury_services
from tests.e2e.threads import in_a_thread
from tests.factories import make_jury, vote_all

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_jury_proposal_tells_who_wrote_it_and_how_it_reached_the_department(new_page, settings):
    settings.JURY_MIN_SIZE = 2  # a small panel, as tests/deliberation/conftest.py
    made = {}

    def publish():  # the jury's services broadcast to its room (async_to_sync): not in Playwright's thread
        jury, facilitator, people = make_jury(stage="verdict")
        vote_all(jury, people, ["yes"] * len(people))
        jury.refresh_from_db()
        jury_services.save_recommendation(jury=jury, actor=facilitator, text="심야버스를 15분마다 운행해 주세요.")
        jury_services.open_adoption_vote(jury=jury, actor=facilitator)
        vote_all(jury, people, ["yes"] * len(people))
        jury_services.publish_recommendation(jury=jury, actor=facilitator)
        jury.refresh_from_db()
        made.update(jury=jury, facilitator=facilitator)

    in_a_thread(publish)
    jury, facilitator = made["jury"], made["facilitator"]
    proposal = jury.proposal
    assert proposal is not None and proposal.support_count == 0

    page = new_page()
    page.goto(reverse("proposals:detail", args=[proposal.pk]))
    head = page.locator("main header").first
    expect(head.locator("[data-testid=jury-origin]")).to_be_visible()  # the badge
    expect(head.get_by_role("link", name=jury.title)).to_have_attribute("href", reverse("juries:jury", args=[jury.pk]))
    expect(head).not_to_contain_text(str(facilitator.public_name))
    expect(page.locator("[data-testid=jury-origin-support]")).to_be_visible()  # the support box says why
    body = page.locator("main").inner_text()
    # the timeline: "recommended by a citizens' jury: sent directly to the department, without gathering supports"
    assert "시민배심원단의 권고로 공감을 모으지 않고 곧바로 담당 부서에 전달되었습니다." in body
    # not "reached N supports and was escalated", nor the public-deliberation threshold ahead of it
    for untrue in ("명에 도달해 담당부서로 회부되었습니다", "명에 도달해 공론화 대상이 되었습니다", "공론화 기준"):
        assert untrue not in body, untrue
