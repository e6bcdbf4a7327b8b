"""Finding things and following them, in real Chromium on a phone, in Korean, with no JavaScript needed:
the site-wide search, following a proposal, notification settings by kind, publishing a profile."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from proposals.models import Follow, NotificationSetting
from tests.factories import ProposalFactory, UserFactory

from .conftest import login

PASSWORD = "pw-for-tests-123"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_finds_a_proposal_follows_it_tunes_notifications_and_publishes_a_profile(new_page):
    author = UserFactory(display_name="김제안")
    ProposalFactory(published=True, author=author, title="공공자전거 대여소 확충", body="따릉이가 부족합니다.")
    citizen = UserFactory(email="finder@example.org", display_name="이찾기")
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)

    page = new_page()
    page.goto("/search/?q=없는낱말")
    expect(page.get_by_test_id("search-nothing")).to_be_visible()

    page.fill("#site-search-q", "자전거")  # inside "공공자전거": a substring, not a prefix
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("#site-search-q")).to_have_value("자전거")
    expect(page.get_by_test_id("count-proposals")).to_have_text("1")
    with page.expect_navigation():
        page.get_by_role("link", name="공공자전거 대여소 확충").click()

    # The author's profile is not published: the name links nowhere.
    expect(page.get_by_role("link", name="김제안")).to_have_count(0)

    login(page, citizen.email, PASSWORD)
    page.goto("/search/?q=자전거")
    with page.expect_navigation():
        page.get_by_role("link", name="공공자전거 대여소 확충").click()
    with page.expect_navigation():
        page.get_by_role("button", name="팔로우").click()
    expect(page.get_by_role("button", name="팔로우 중: 그만하기")).to_be_visible()
    assert Follow.objects.filter(user=citizen).count() == 1

    page.goto("/notifications/")
    with page.expect_navigation():
        page.get_by_role("link", name="알림 설정: 사이트와 이메일로 받을 알림의 종류를 고르세요.").click()
    page.locator("#email_escalated").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="저장").click()
    expect(page.locator("#email_escalated")).not_to_be_checked()
    expect(page.locator("#in_site_escalated")).to_be_checked()
    assert NotificationSetting.objects.get(user=citizen).kind == "escalated"

    page.goto("/me/profile/")
    page.get_by_label("내 표시 이름으로 프로필 페이지 공개").check()
    page.get_by_label("프로필 주소 (선택)").fill("finder")
    with page.expect_navigation():
        page.get_by_role("button", name="공개 설정 저장").click()
    page.goto("/people/finder/")
    expect(page.locator("h1")).to_have_text("이찾기")
