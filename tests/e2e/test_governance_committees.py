"""A committee's open call in real Chromium on a phone, in Korean: a citizen applies (a too-short statement
keeps what was typed), the department closes and selects, and the public reads the selection and the
committee's composition against its rules (flagged when outside them)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from governance.states import OpenCallState
from tests.factories import UserFactory
from tests.governance.factories import CommitteeFactory, MemberFactory, OpenCallFactory

from .conftest import login

PASSWORD = "pw-for-tests-123"
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _user(**fields):
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_a_citizen_applies_the_department_selects_and_the_public_reads_it(new_page):
    committee = CommitteeFactory(name="야간교통위원회", slug="night-transport", size=4)
    MemberFactory(committee=committee, gender="male", name="박전문")
    MemberFactory(committee=committee, gender="male", name="최전문")  # 100 % men so far: outside the rule
    call = OpenCallFactory(committee=committee, title="야간버스 이용 시민 모집", seats=1,
                           closes_at=timezone.now() + timedelta(days=3))
    citizen = _user(email="rider@example.org", display_name="김야간", gender="female", district="mapo",
                    birth_year=1991)
    officer = _user(email="officer@example.org", role="officer", department=committee.department)

    page = new_page()
    page.goto("/committees/")
    expect(page.locator("[data-slug=night-transport] [data-testid=outside-rules]")).to_be_visible()

    login(page, citizen.email, PASSWORD)
    page.goto(f"/committees/calls/{call.pk}/")
    page.fill("textarea[name=statement]", "짧은 글")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page.locator("textarea[name=statement]")).to_have_value("짧은 글")
    page.fill("textarea[name=statement]", "매일 밤 N26 버스로 퇴근합니다. 정류장 조명이 어둡습니다.")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page.get_by_test_id("my-application")).to_be_visible()

    staff = new_page()
    login(staff, officer.email, PASSWORD)
    staff.goto(f"/committees/calls/{call.pk}/manage/")
    with staff.expect_navigation():
        staff.locator(f"form[action$='/calls/{call.pk}/close/'] button").click()
    staff.goto(f"/committees/calls/{call.pk}/select/")
    staff.select_option("select[name^=decision_]", "selected")
    staff.fill("textarea[name^=reason_]", "야간 이동 경험이 풍부합니다.")
    staff.fill("textarea[name=note]", "이용 경험을 기준으로 선정했습니다.")
    with staff.expect_navigation():
        staff.locator("[data-testid=selection-form] [type=submit]").click()
    call.refresh_from_db()
    assert call.state == OpenCallState.SELECTED

    public = new_page()
    public.goto(f"/committees/calls/{call.pk}/")
    expect(public.get_by_test_id("selected")).to_contain_text("김야간")
    expect(public.get_by_test_id("selection-note")).to_contain_text("이용 경험을 기준으로")
    expect(public.locator("main")).not_to_contain_text("N26")  # the statement is not published
    public.goto("/committees/night-transport/")
    expect(public.locator("[data-route=open_call]")).to_contain_text("김야간")
    expect(public.get_by_test_id("gender-share")).to_contain_text("66.7")
    expect(public.get_by_test_id("broken-rule")).to_have_count(1)
