"""Citizen monitoring in real Chromium, in Korean on a phone: a monitor's rating (a mistake first, what was
typed kept), the department's reply from its work page, and the public card and item page showing both."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.governance.monitoring_world import world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, user, live_server):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return page


def test_a_monitor_rates_the_department_replies_and_everyone_sees_both(new_page, live_server):
    w = world()
    monitor = _as(new_page(), w.assigned.user, live_server)
    monitor.goto(reverse("monitoring:mine"))
    note = monitor.get_by_label("의견")
    note.fill("공사 안내판만 있고 작업자가 없습니다")
    monitor.get_by_role("button", name="내 평가 공개").click()
    expect(monitor.locator(".form-errors")).to_be_visible()
    expect(monitor.get_by_label("의견")).to_have_value("공사 안내판만 있고 작업자가 없습니다")
    monitor.get_by_label("지연").check()
    monitor.get_by_role("button", name="내 평가 공개").click()
    expect(monitor.get_by_text("평가를 공개했습니다.")).to_be_visible()

    officer = _as(new_page(), w.officer, live_server)
    work = reverse("proposals:follow_up_work", args=[w.item.pk])
    officer.goto(work)
    form = officer.get_by_test_id("reply-form")
    form.get_by_label("담당부서 답변").fill("다음 주에 공사를 시작합니다.")
    form.get_by_role("button", name="답변 공개").click()
    expect(officer.get_by_text("답변을 공개했습니다.")).to_be_visible()
    assert officer.url.endswith(work)
    expect(officer.get_by_test_id("reply-form")).to_have_count(0)

    public = new_page()
    public.goto(w.item.proposal.get_absolute_url())
    panel = public.get_by_test_id("monitoring-panel")
    expect(panel.get_by_test_id("latest-rating")).to_have_text("지연")
    panel.get_by_role("link", name="모든 평가와 담당부서 답변").click()
    expect(public.get_by_test_id("rating")).to_contain_text("공사 안내판만 있고 작업자가 없습니다")
    expect(public.get_by_test_id("reply")).to_contain_text("다음 주에 공사를 시작합니다.")
