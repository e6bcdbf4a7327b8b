"""Issue 15's journey in Chromium over a real daphne, every step through the pages, in Korean on phones:
a citizen applies to a committee's open call (a mistake first: what was typed is kept), the department
selects and publishes; the secretary schedules an online meeting and the committee meets in its live room;
the meeting is recorded held with its attendance and minutes, which a visitor reads; the committee adopts
a recommendation for another department, whose officer answers it from the queue; staff assign a monitor,
who rates it, and the department replies. Meanwhile an anonymous page stays open on /dashboard/ and sees
each step's figure change live, without a reload.

Only the starting world is made with services: departments, the committee with its secretary and one
appointed member, a standing-pool member who volunteers as a monitor, the users.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deliberation.panels import services as panel_services
from governance.models import Meeting
from governance.monitoring import services as monitoring_services
from governance.states import MemberCategory
from proposals.models import FollowUp
from tests.factories import (AdminFactory, DepartmentFactory, FacilitatorFactory, OfficerFactory,
                             ResidentFactory)
from tests.governance.factories import CommitteeFactory, MemberFactory, OpenCallFactory

from .conftest import PHONE
from .rooms import connected, say, tab

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LIVE = 10_000  # ms: the dashboard coalesces to one notice per indicator per 3 s


def _submit(page, form: str = "main form") -> None:
    with page.expect_navigation():
        page.locator(f"{form} [type=submit]").first.click()


def test_from_an_open_call_to_a_monitors_rating_with_the_dashboard_live(browser, signed_in_page, daphne_url):
    # -- the starting world ---------------------------------------------------------------------------
    culture = DepartmentFactory(code="culture", name="문화정책과")
    transport = DepartmentFactory(code="transport", name="교통정책과")
    secretary = FacilitatorFactory(display_name="간사")  # runs the meeting's live room
    committee = CommitteeFactory(name="야간문화위원회", slug="night-culture", department=culture, size=5,
                                 term_start=date.today() - timedelta(days=30))
    committee.secretaries.set([secretary])
    MemberFactory(committee=committee, name="박전문", gender="male", category=MemberCategory.EXPERT)
    call = OpenCallFactory(committee=committee, title="야간 공연장 이용 시민 모집", seats=1)
    citizen = ResidentFactory(display_name="김시민", gender="female", district="mapo", birth_year=1990)
    culture_officer = OfficerFactory(department=culture, display_name="문화담당")
    transport_officer = OfficerFactory(department=transport, display_name="교통담당")
    staff = AdminFactory(display_name="협치담당")
    watcher = ResidentFactory(display_name="이모니터", gender="male", district="jongno", birth_year=1970)
    panel_services.volunteer(user=watcher, answers={})  # the standing pool
    monitor = monitoring_services.volunteer(user=watcher)

    # -- a second page: the public dashboard, open all along ----------------------------------------
    context = browser.new_context(viewport=PHONE, locale="ko-KR", base_url=daphne_url,
                                  extra_http_headers={"Accept-Language": "ko-KR"})
    context.set_default_timeout(15_000)
    board = context.new_page()
    board.goto("/dashboard/")
    expect(board.locator("#dashboard")).to_have_attribute("data-live-state", "live")
    board.evaluate("window.__notReloaded = true")

    def figure(code: str):
        return board.locator(f"[data-indicator='{code}'] [data-value]")

    expect(figure("committee-citizen-share")).to_have_text("0.0")  # one expert
    expect(figure("committee-gender-balance")).to_have_text("0.0")  # one man: above 60 %
    expect(figure("meetings-held")).to_have_text("0")
    expect(figure("meeting-attendance")).to_have_text("–")
    expect(figure("minutes-on-time")).to_have_text("–")
    expect(figure("follow-ups-on-time")).to_have_text("–")
    expect(figure("monitor-ratings")).to_have_text("0")

    # -- 1. a citizen applies (a too-short statement first: the form comes back with what was typed) -
    applicant = signed_in_page(citizen)
    applicant.goto("/committees/night-culture/")
    with applicant.expect_navigation():
        applicant.get_by_role("link", name=re.compile("야간 공연장 이용 시민 모집")).first.click()
    assert applicant.url.endswith(f"/committees/calls/{call.pk}/")
    applicant.fill("textarea[name=statement]", "금요일 밤마다")  # under 20 characters
    _submit(applicant, "main form:has(textarea[name=statement])")
    expect(applicant.locator("textarea[name=statement]")).to_have_value("금요일 밤마다")
    expect(applicant.locator("textarea[name=statement]")).to_have_attribute("aria-invalid", "true")
    applicant.fill("textarea[name=statement]", "매주 금요일 밤 홍대 공연장을 찾습니다. 막차가 일러 귀가가 어렵습니다.")
    _submit(applicant, "main form:has(textarea[name=statement])")
    expect(applicant.get_by_test_id("my-application")).to_be_visible()

    # -- 2. the department closes the call and selects, with a reason ---------------------------------
    officer = signed_in_page(culture_officer)
    officer.goto(f"/committees/calls/{call.pk}/manage/")
    expect(officer.locator("main")).to_contain_text("막차가 일러")  # the statement, to the department only
    _submit(officer, f"form[action$='/calls/{call.pk}/close/']")
    officer.goto(f"/committees/calls/{call.pk}/select/")
    officer.select_option("select[name^=decision_]", "selected")
    officer.fill("textarea[name^=reason_]", "야간 문화시설 이용 경험이 풍부합니다.")
    officer.fill("textarea[name=note]", "이용 경험을 기준으로 선정했습니다.")
    _submit(officer, "[data-testid=selection-form]")
    visitor = context.new_page()  # anonymous, beside the dashboard
    visitor.goto(f"/committees/calls/{call.pk}/")
    expect(visitor.get_by_test_id("selected")).to_contain_text("김시민")
    expect(visitor.get_by_test_id("selection-note")).to_contain_text("이용 경험을 기준으로")
    expect(visitor.locator("main")).not_to_contain_text("막차가 일러")  # the statement stays private
    visitor.goto("/committees/night-culture/")
    expect(visitor.locator("[data-route=open_call]")).to_contain_text("김시민")
    expect(figure("committee-citizen-share")).to_have_text("50.0", timeout=LIVE)
    expect(figure("committee-gender-balance")).to_have_text("100.0", timeout=LIVE)

    # -- 3. the secretary schedules an online meeting; the committee meets in its live room -----------
    host = signed_in_page(secretary)
    host.goto("/committees/night-culture/meetings/new/")
    host.fill("input[name=title]", "심야 공연장 교통 대책")
    host.fill("textarea[name=agenda]", "1. 막차 시간 연장")
    host.fill("input[name=scheduled_at]", (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    host.check("input[name=mode][value=online]")
    _submit(host)
    meeting = Meeting.objects.get(committee=committee)
    assert host.url.endswith(f"/committees/meetings/{meeting.pk}/")
    with host.expect_navigation():
        host.get_by_test_id("meeting-room").click()
    with host.expect_navigation():
        host.locator(f"form[action='/rooms/{meeting.room_id}/open/'] button").click()
    start = host.locator("[data-frame='clock.start']")
    expect(start).to_be_enabled()
    start.click()

    applicant.goto(f"/committees/meetings/{meeting.pk}/")
    with applicant.expect_navigation():
        applicant.get_by_test_id("meeting-room").click()
    connected(applicant)
    expect(applicant.locator("#chat-form [type=submit]")).to_be_enabled()  # the round runs, seen live
    say(applicant, "금요일 막차를 새벽 2시까지 늘려 주세요")
    expect(host.locator("#chat-list")).to_contain_text("새벽 2시까지")
    tab(host, "people")  # the secretary sees who is in the room
    expect(host.locator(f"#presence-list li[data-user-id='{citizen.pk}']")).to_be_visible()
    tab(host, "chat")
    say(host, "다음 안건으로 넘어가겠습니다")
    expect(applicant.locator("#chat-list")).to_contain_text("다음 안건으로")
    expect(figure("room-sessions")).to_have_text("0")
    host.once("dialog", lambda dialog: dialog.accept())  # "end the room?"
    tab(host, "run")
    host.locator("[data-frame='room.end']").click()
    expect(figure("room-sessions")).to_have_text("1", timeout=LIVE)
    expect(figure("room-participants")).to_have_text("2")  # the secretary and the new member

    # -- 4. held, attendance, minutes; a visitor reads them ------------------------------------------
    host.goto(f"/committees/meetings/{meeting.pk}/hold/")
    _submit(host)
    expect(host.get_by_test_id("meeting-state")).to_contain_text("개최됨")
    expect(figure("meetings-held")).to_have_text("1", timeout=LIVE)
    host.goto(f"/committees/meetings/{meeting.pk}/attendance/")
    member_select = host.get_by_label("김시민")
    expect(member_select).to_have_value("online")  # she was in the live room
    host.get_by_label("박전문").select_option("absent")
    _submit(host)
    expect(figure("meeting-attendance")).to_have_text("50.0", timeout=LIVE)
    host.goto(f"/committees/meetings/{meeting.pk}/minutes/")
    host.fill("textarea[name=minutes]", "위원회는 **금요일 막차 연장**을 교통정책과에 권고하기로 했다.")
    _submit(host)
    expect(figure("minutes-on-time")).to_have_text("100.0", timeout=LIVE)

    visitor.goto(f"/committees/meetings/{meeting.pk}/")
    expect(visitor.get_by_test_id("minutes")).to_contain_text("금요일 막차 연장")
    expect(visitor.get_by_test_id("minutes").locator("strong")).to_have_count(1)

    # -- 5. a recommendation for the transport department; its officer answers it from the queue -----
    host.goto(f"/committees/meetings/{meeting.pk}/recommend/")
    host.fill("input[name=title]", "금요일 심야버스 연장 운행")
    host.fill("textarea[name=body]", "금요일 심야버스를 새벽 2시까지 운행할 것을 권고한다.")
    host.select_option("select[name=department]", str(transport.pk))
    _submit(host)
    follow_up = FollowUp.objects.get(department=transport)
    answerer = signed_in_page(transport_officer)
    answerer.goto("/follow-ups/queue/")
    with answerer.expect_navigation():
        answerer.get_by_role("link", name="금요일 심야버스 연장 운행").click()
    answer = "form:has(input[name=form][value=answer])"
    answerer.check(f"{answer} input[name=answer-verdict][value=accepted]")
    answerer.fill(f"{answer} textarea[name=answer-body]", "다음 달부터 N62 노선을 새벽 2시까지 연장합니다.")
    _submit(answerer, answer)
    expect(figure("follow-ups-on-time")).to_have_text("100.0", timeout=LIVE)
    visitor.goto(f"/committees/meetings/{meeting.pk}/")
    expect(visitor.locator(f"#recommendation-{follow_up.committee_recommendation.pk}")).to_contain_text("N62 노선")

    # -- 6. staff assign a monitor; the monitor rates; the department replies --------------------------
    admin = signed_in_page(staff)
    admin.goto("/monitoring/manage/")
    admin.select_option("select[name=monitor]", str(monitor.pk))
    admin.select_option("select[name=follow_up]", str(follow_up.pk))
    _submit(admin, "form:has(select[name=monitor])")
    expect(admin.get_by_test_id("assignments")).to_contain_text("금요일 심야버스 연장 운행")

    rater = signed_in_page(watcher)
    rater.goto("/monitoring/mine/")
    rater.get_by_label("의견").fill("안내문만 붙었고 배차표는 그대로입니다")
    rater.get_by_label("지연").check()
    rater.get_by_role("button", name="내 평가 공개").click()
    expect(rater.get_by_text("평가를 공개했습니다.")).to_be_visible()
    expect(figure("monitor-ratings")).to_have_text("1", timeout=LIVE)

    answerer.goto(f"/follow-ups/{follow_up.pk}/work/")
    form = answerer.get_by_test_id("reply-form")
    form.get_by_label("담당부서 답변").fill("배차표는 다음 주 월요일에 바뀝니다.")
    form.get_by_role("button", name="답변 공개").click()
    expect(answerer.get_by_text("답변을 공개했습니다.")).to_be_visible()
    rater.goto("/monitoring/mine/")
    expect(rater.locator("main")).to_contain_text("배차표는 다음 주 월요일에 바뀝니다.")

    # the dashboard page was never reloaded: every figure above arrived over its socket
    assert board.evaluate("window.__notReloaded") is True
    expect(figure("committee-citizen-share")).to_have_text("50.0")
    context.close()
