"""A citizen proposes a budget project in real Chromium on a phone-sized page, in Korean: while the title is
typed, similar projects already submitted are listed (budget/static/budget/projects/similar.js); the
citizen opens one and joins it instead, and the page counts the co-proposer."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from budget.models import CoProposer
from tests.budget.factories import make_cycle, make_project
from tests.factories import UserFactory

from .conftest import login, screenshot

PASSWORD = "pw-for-tests-123"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_similar_projects_are_listed_while_typing_and_one_is_joined(new_page):
    cycle = make_cycle()
    bench = make_project(cycle=cycle, title="어린이공원 벤치 설치")
    make_project(cycle=cycle, title="버스정류장 온열의자")
    citizen = UserFactory(email="citizen@example.org")
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)

    page = new_page()
    login(page, citizen.email, PASSWORD)
    page.goto(f"/budget/{cycle.slug}/projects/new/")
    box = page.locator("#similar-projects")
    expect(box).to_be_hidden()
    page.locator("#id_title").press_sequentially("공원 벤치", delay=30)
    expect(box).to_be_visible()
    expect(box.locator("li")).to_have_count(1)
    expect(box.locator("a")).to_have_text("1. 어린이공원 벤치 설치")
    screenshot(page, "budget-project-similar")
    page.locator("#id_title").fill("")
    page.locator("#id_title").press_sequentially("도서관", delay=30)
    expect(box).to_be_hidden()
    page.locator("#id_title").fill("공원 벤치 설치")
    expect(box).to_be_visible()

    box.locator("a").click()
    page.get_by_role("button", name="공동제안자로 함께하기").click()
    expect(page.locator("[data-testid=co-proposers]")).to_have_text("공동제안자 1명")
    screenshot(page, "budget-project-page")
    assert CoProposer.objects.filter(project=bench, user=citizen).exists()
