"""A proposal's whole journey in real Chromium on phone-sized pages, in Korean.

A citizen writes and publishes a proposal; three verified residents support it in their own
browsers; the third support escalates it; the department officer finds it in the queue and
publishes an answer; a visitor without an account reads the answer on the public page in Korean.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from proposals.models import FollowUp, Proposal
from tests.factories import CategoryFactory, DepartmentFactory, OfficerFactory, ResidentFactory, UserFactory

from .conftest import login, screenshot

PASSWORD = "pw-for-tests-123"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _verified_email(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").first.click()


def test_citizen_proposal_is_escalated_answered_and_published_in_korean(new_page):
    department = DepartmentFactory(code="transport", name="교통정책과")
    CategoryFactory(code="transport", name="교통", default_department=department,
                    deliberation_threshold=2, escalation_threshold=3, mayor_threshold=10)
    author = _verified_email(UserFactory(email="author@example.org", display_name="김제안"))
    residents = [_verified_email(ResidentFactory(email=f"resident{i}@example.org")) for i in range(3)]
    officer = _verified_email(OfficerFactory(email="officer@example.org", department=department))

    # The citizen writes the proposal and publishes it.
    page = new_page()
    login(page, author.email, PASSWORD)
    page.goto("/proposals/new/")
    page.fill("input[name=title]", "학교 앞 자전거도로 연결")
    page.fill("textarea[name=body]", "초등학교 앞 **300m** 구간의 자전거도로가 끊겨 있습니다.")
    page.select_option("select[name=category]", label="교통")
    with page.expect_navigation():
        page.click("button[name=action][value=publish]")
    expect(page.locator("h1")).to_contain_text("학교 앞 자전거도로 연결")
    proposal = Proposal.objects.get(title="학교 앞 자전거도로 연결")
    assert proposal.state == "published"
    detail_path = f"/proposals/{proposal.pk}/"

    # Three verified residents support it, each in their own browser context.
    for resident in residents:
        resident_page = new_page()
        login(resident_page, resident.email, PASSWORD)
        resident_page.goto(detail_path)
        _submit(resident_page, "form:has(input[name=action][value=add])")
        expect(resident_page.locator("form:has(input[name=action][value=withdraw])")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.support_count == 3
    assert proposal.state == "escalated"
    follow_up = FollowUp.objects.get(proposal=proposal)
    assert follow_up.department == department

    # The officer finds it in the department's queue and publishes the answer.
    officer_page = new_page()
    login(officer_page, officer.email, PASSWORD)
    officer_page.goto("/follow-ups/queue/")
    with officer_page.expect_navigation():
        officer_page.get_by_role("link", name="학교 앞 자전거도로 연결").click()
    officer_page.check("form:has(input[name=form][value=answer]) input[name=answer-verdict][value=accepted]")
    officer_page.fill("form:has(input[name=form][value=answer]) textarea[name=answer-body]",
                      "내년 3월까지 300m 구간을 연결하겠습니다.")
    _submit(officer_page, "form:has(input[name=form][value=answer])")
    follow_up.refresh_from_db()
    assert follow_up.state == "answered"

    # Anyone, signed in or not, reads the answer on the public page, in Korean.
    visitor = new_page()
    visitor.goto(detail_path)
    expect(visitor.locator("html")).to_have_attribute("lang", "ko")
    body = visitor.locator("main")
    expect(body).to_contain_text("내년 3월까지 300m 구간을 연결하겠습니다.")
    expect(body).to_contain_text("채택")  # the verdict "Accepted"
    expect(body).to_contain_text("답변 완료")  # the state "Answered"
    expect(body).to_contain_text(re.compile("교통정책과"))
    screenshot(visitor, "proposal-answered-ko")
