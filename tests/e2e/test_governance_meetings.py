"""Committee meetings in real Chromium, on a phone, in Korean: the secretariat schedules a meeting, records
it as held and publishes the minutes; a visitor reads them; the published annual report prints without the
site's header and footer."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from governance.meetings import services
from tests.e2e.conftest import login
from tests.factories import UserFactory
from tests.governance.meetings_fixtures import make_committee, make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_runs_a_meeting_and_the_public_reads_it(new_page):
    secretary = UserFactory(email="secretary@example.org")
    EmailAddress.objects.create(user=secretary, email=secretary.email, verified=True, primary=True)
    committee = make_committee(secretaries=[secretary], name="도시숲 위원회")
    make_member(committee, name="김하늘")
    page = new_page()
    login(page, "secretary@example.org", "pw-for-tests-123")

    page.goto(f"/committees/{committee.slug}/meetings/new/")
    page.fill("input[name=title]", "가로수 정비 계획")
    page.fill("textarea[name=agenda]", "1. **가로수** 현황")
    page.fill("input[name=scheduled_at]", "2030-05-01T10:00")
    page.check("input[name=mode][value=in_person]")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page.locator("input[name=title]")).to_have_value("가로수 정비 계획")  # no place: kept, with the error
    assert not committee.meetings.exists()
    page.fill("input[name=place]", "서울시청 3층")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page.locator("main strong", has_text="가로수")).to_be_visible()  # the agenda, rendered
    meeting = committee.meetings.get()

    page.goto(f"/committees/meetings/{meeting.pk}/hold/")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    page.goto(f"/committees/meetings/{meeting.pk}/minutes/")
    page.fill("textarea[name=minutes]", "위원들은 *가로수* 정비에 합의했다.")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()

    visitor = new_page()
    visitor.goto(f"/committees/meetings/{meeting.pk}/")
    expect(visitor.get_by_test_id("minutes")).to_contain_text("정비에 합의했다")

    doc = services.generate_document(actor=secretary, committee=committee, year=timezone.localdate().year,
                                     kind="report")
    services.publish_document(actor=secretary, document=doc)
    visitor.goto(f"/committees/{committee.slug}/documents/{doc.year}/report/")
    expect(visitor.locator(".site-header")).to_be_visible()
    visitor.emulate_media(media="print")
    expect(visitor.locator(".site-header")).to_be_hidden()
    expect(visitor.locator(".site-footer")).to_be_hidden()
    expect(visitor.get_by_test_id("figures")).to_be_visible()
