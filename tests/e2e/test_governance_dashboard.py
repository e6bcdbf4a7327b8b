"""The dashboard in Chromium over a real daphne: a citizen's phone page shows a proposal's publication
live (figure and table, no reload), and a reconnecting page is brought up to date."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from proposals.services import lifecycle
from proposals.states import Scope
from tests.e2e.threads import in_a_thread
from tests.factories import CategoryFactory, UserFactory

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def publish(district: str = "mapo"):
    draft = lifecycle.save_draft(author=UserFactory(), title="마포 자전거길 그늘", body="가로수를 심어 주세요.",
                                 category=CategoryFactory(), scope=Scope.DISTRICT, district=district)
    lifecycle.publish_proposal(proposal=draft, actor=draft.author)


def test_a_published_proposal_reaches_an_open_dashboard_live(browser, daphne_url):
    context = browser.new_context(viewport=PHONE, locale="ko-KR", base_url=daphne_url,
                                  extra_http_headers={"Accept-Language": "ko-KR"})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/dashboard/?district=mapo")
    card = page.locator("[data-indicator='proposals-received']")
    expect(card.locator("[data-value]")).to_have_text("0")
    expect(page.locator("#dashboard")).to_have_attribute("data-live-state", "live")

    in_a_thread(publish)
    expect(card.locator("[data-value]")).to_have_text("1")  # pushed within the 3-second window
    this_month = timezone.localdate().month  # the table: a column per month of this year
    expect(card.locator("thead th").nth(this_month)).to_have_text(timezone.localdate().strftime("%Y-%m"))
    expect(card.locator("[data-rows] td").nth(this_month - 1)).to_have_text("1")

    wall = context.new_page()
    wall.goto("/dashboard/wall/?district=mapo")
    expect(wall.locator("[data-indicator='proposals-received'] [data-value]")).to_have_text("1")
    in_a_thread(publish)
    expect(wall.locator("[data-indicator='proposals-received'] [data-value]")).to_have_text("2")
    context.close()
