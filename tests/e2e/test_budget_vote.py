"""A participatory budget in real Chromium on a phone-sized page, in Korean.

A verified resident picks projects and watches the running total and its bar; a project that would
go over the budget is refused on the page; the ballot is cast and the receipt shown. After the close
the results page shows the funded projects, the vote's page shows the department's follow-up items,
and the department's officer finds them in the follow-up queue.
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import DepartmentFactory, OfficerFactory, ResidentFactory
from voting import services
from voting.models import Ballot, Option, Vote
from voting.selectors import turnout
from voting.states import BudgetRule, VoteKind, VoteState

from .conftest import login, screenshot

PASSWORD = "pw-for-tests-123"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROJECTS = [("어린이공원 그늘막", 600_000, "환경"), ("마을버스 정류장 온열의자", 500_000, "교통"),
            ("골목길 보안등", 300_000, "안전"), ("작은도서관 책 구입", 100_000, "문화")]


def _verified_email(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_a_resident_votes_in_a_participatory_budget_and_the_department_gets_the_projects(new_page):
    department = DepartmentFactory(code="budget", name="재정기획관")
    officer = _verified_email(OfficerFactory(email="officer@example.org", department=department))
    resident = _verified_email(ResidentFactory(email="resident@example.org", birth_year=1985, district="mapo"))
    now = timezone.now()
    vote = Vote.objects.create(
        title="2027 마포구 주민참여예산", question="어떤 사업에 예산을 쓸까요?", kind=VoteKind.BUDGET,
        state=VoteState.OPEN, budget=1_000_000, budget_rule=BudgetRule.GREEDY, department=department,
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1))
    for position, (label, cost, category) in enumerate(PROJECTS, start=1):
        Option.objects.create(vote=vote, position=position, label=label, cost=cost, category=category)

    page = new_page()
    login(page, resident.email, PASSWORD)
    page.goto(f"/votes/{vote.pk}/")
    expect(page.locator("h1")).to_have_text("2027 마포구 주민참여예산")
    expect(page.locator("[data-testid=eligible]")).to_be_visible()
    spent, bar = page.locator("[data-budget-spent]"), page.locator("[data-budget-bar]")
    expect(spent).to_have_text("0")

    page.check("input[name=choice][value='1']")
    expect(spent).to_have_text("600,000")
    expect(bar).to_have_attribute("style", "width: 60%;")
    # 600,000 + 500,000 would go over 1,000,000: the page refuses it and says by how much.
    page.locator("input[name=choice][value='2']").click()
    expect(page.locator("input[name=choice][value='2']")).not_to_be_checked()
    refusal = page.locator("[data-budget-refusal]")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("100,000")
    expect(spent).to_have_text("600,000")
    page.check("input[name=choice][value='3']")
    expect(spent).to_have_text("900,000")
    expect(bar).to_have_attribute("style", "width: 90%;")
    screenshot(page, "budget-vote-ballot")
    with page.expect_navigation():
        page.locator("form.ballot button[type=submit]").click()
    expect(page.locator("[data-testid=receipt-code]")).to_be_visible()
    expect(page.locator("[data-testid=voted]")).to_be_visible()
    assert turnout(vote) == 1 and not Ballot.objects.filter(vote=vote).exists()  # secret: sealed until the close

    # Two more residents vote; then the vote closes and the sweep tallies it.
    services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[1, 4])
    services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[2, 4])
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    services.sweep_votes()
    vote.refresh_from_db()
    # Votes: 1 and 4 have 2 each, 3 and 2 one each. Greedy: 4 (2 votes, cheaper), 1, 3 (fits), 2 does not fit.
    assert vote.result["selected"] == [4, 1, 3]

    page.goto(f"/votes/{vote.pk}/results/")
    funded = page.locator("[data-testid=result-row][data-selected]")
    expect(funded).to_have_count(3)
    for label in ("어린이공원 그늘막", "골목길 보안등", "작은도서관 책 구입"):
        expect(page.locator("[data-testid=result-row][data-selected]", has_text=label)).to_have_count(1)
    expect(page.locator("[data-testid=result-row]:not([data-selected])")).to_contain_text("마을버스 정류장 온열의자")
    expect(page.locator("[data-testid=follow-up]")).to_have_count(3)
    screenshot(page, "budget-vote-results")
    # a phone's page does not scroll sideways (wide tables scroll in their own region)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    officer_page = new_page()
    login(officer_page, officer.email, PASSWORD)
    officer_page.goto("/follow-ups/queue/")
    for label in ("어린이공원 그늘막", "골목길 보안등", "작은도서관 책 구입"):
        expect(officer_page.locator("main")).to_contain_text(label)
    expect(officer_page.locator("main")).not_to_contain_text("마을버스 정류장 온열의자")
