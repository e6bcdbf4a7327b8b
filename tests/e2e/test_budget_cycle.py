"""Issue 16's journey in Chromium over a real daphne, in Korean on phones, every step through the pages: a
citizen proposes a budget project (a cost above the cycle's limit first: what was typed is kept); the
department reviews it and lowers the cost with a breakdown; the citizen accepts; the parks sub-committee
scores it in its live room and the chair shortlists it there; staff create the vote from the shortlist;
a resident votes; the vote's close funds it; the department reports money spent; and the cycle's public
page shows decided against executed.

The starting world and the passing of time (a window's deadline reached, the vote's close) are made with
factories, the deadline columns and the sweeps the beat runs; the sub-committee is seated with the service
staff's page calls.
"""

import re
import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from budget.committee import services as committee_services
from budget.cycles import services as cycle_services
from budget.execution import services as execution_services
from budget.models import BudgetCycle, BudgetProject
from budget.states import CycleStage, ExecutionStage, ProjectState
from deliberation.rooms.services import clock as room_services
from tests.budget.factories import BudgetFieldFactory, make_cycle, make_project
from tests.factories import (AdminFactory, DepartmentFactory, FacilitatorFactory, OfficerFactory,
                             ResidentFactory)
from tests.governance.factories import CommitteeFactory, MemberFactory
from voting.models import Vote
from voting.services import lifecycle as vote_lifecycle

from .rooms import connected

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _submit(page, form: str = "main form") -> None:
    with page.expect_navigation():
        page.locator(f"{form} [type=submit]").first.click()


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _server_side(function):
    """Service calls that broadcast (async_to_sync) cannot run in Playwright's thread: run them in one of
    their own, and hand back their result or their exception."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error
        finally:
            connection.close()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the server-side step did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _time_passes(cycle, deadline: str) -> None:
    """The window's deadline is reached; the beat's sweep moves the cycle."""
    BudgetCycle.objects.filter(pk=cycle.pk).update(**{deadline: timezone.now() - timedelta(seconds=1)})
    _server_side(cycle_services.advance_due_cycles)


def test_from_a_citizen_s_project_to_the_money_spent(browser, signed_in_page, daphne_url):
    # -- the starting world -----------------------------------------------------------------------------
    parks_department = DepartmentFactory(code="parks", name="공원녹지정책과")
    parks = BudgetFieldFactory(slug="parks", name="공원·환경", name_en="Parks", department=parks_department)
    committee = CommitteeFactory(name="시민참여예산위원회", slug="pb", size=20)
    chair = MemberFactory(committee=committee, user=ResidentFactory(display_name="오위원장"), is_chair=True,
                          name="오위원장")
    member = MemberFactory(committee=committee, user=ResidentFactory(display_name="유위원"), name="유위원")
    cycle = make_cycle(stage=CycleStage.CALL, fields=[parks], committee=committee, slug="2027-seoul",
                       title="2027 서울시 시민참여예산", total_budget=500_000_000, cost_min=5_000_000,
                       cost_max=300_000_000)
    citizen = _verified(ResidentFactory(display_name="김제안", district="mapo"))
    officer = OfficerFactory(department=parks_department, display_name="공원담당")
    staff = AdminFactory(display_name="예산담당")
    facilitator = FacilitatorFactory(display_name="진행자")
    voter = _verified(ResidentFactory(display_name="이투표", district="mapo", birth_year=1980))
    other = make_project(cycle=cycle, field=parks, state=ProjectState.SUBMITTED, title="학교 숲 조성",
                         cost=30_000_000)

    # -- 1. a citizen proposes (over the cycle's limit first: the form comes back with what was typed) --
    proposer = signed_in_page(citizen)
    proposer.goto(f"/budget/{cycle.slug}/projects/new/")
    proposer.fill("input[name=title]", "한강공원 그늘막 설치")
    proposer.fill("textarea[name=description]", "산책로 쉼터 12곳에 접이식 그늘막을 설치합니다.")
    proposer.select_option("select[name=field]", str(parks.pk))
    proposer.fill("input[name=location]", "망원한강공원 산책로")
    proposer.fill("input[name=estimated_cost]", "900000000")
    proposer.fill("input[name=beneficiaries]", "산책하는 주민")
    _submit(proposer, "main form:has(input[name=title])")
    expect(proposer.locator("input[name=estimated_cost]")).to_have_value("900000000")
    expect(proposer.locator("input[name=title]")).to_have_value("한강공원 그늘막 설치")
    expect(proposer.locator("main")).to_contain_text("300,000,000")  # the limit, said in the refusal
    assert not BudgetProject.objects.filter(title="한강공원 그늘막 설치").exists()
    proposer.fill("input[name=estimated_cost]", "150000000")
    with proposer.expect_navigation():
        proposer.locator("button[name=action][value=submit]").click()
    project = BudgetProject.objects.get(title="한강공원 그늘막 설치")
    assert (project.state, project.number, project.department) == (ProjectState.SUBMITTED, 2, parks_department)
    assert proposer.url.endswith(f"/budget/projects/{project.pk}/")

    # -- 2. the call closes; the department reviews and lowers the cost, with its breakdown -------------
    _time_passes(cycle, "call_closes_at")
    reviewer = signed_in_page(officer)
    reviewer.goto("/budget/review/")
    with reviewer.expect_navigation():
        reviewer.get_by_role("link", name=re.compile("한강공원 그늘막 설치")).first.click()
    reviewer.check("input[name=eligible][value=yes]")
    for box in reviewer.locator("input[name^=criterion_][value=yes]").all():
        box.check()
    reviewer.fill("textarea[name=reasons]", "시 사무이며 한 번의 비용으로 마칠 수 있습니다. 그늘막 단가를 조달 가격으로 고쳤습니다.")
    reviewer.fill("input[name=reviewed_cost]", "120000000")
    reviewer.fill("input[name=item_0]", "그늘막 12개")
    reviewer.fill("input[name=amount_0]", "100000000")
    reviewer.fill("input[name=item_1]", "설치비")
    reviewer.fill("input[name=amount_1]", "20000000")
    _submit(reviewer, "[data-testid=review-form]")
    expect(reviewer.get_by_test_id("published-review")).to_contain_text("120,000,000")
    for reviewed in (other,):  # the other proposal of the field, reviewed as well
        reviewer.goto(f"/budget/projects/{reviewed.pk}/review/")
        reviewer.check("input[name=eligible][value=yes]")
        for box in reviewer.locator("input[name^=criterion_][value=yes]").all():
            box.check()
        reviewer.fill("textarea[name=reasons]", "기준을 모두 충족합니다.")
        reviewer.fill("input[name=reviewed_cost]", "30000000")
        reviewer.fill("input[name=item_0]", "나무 심기")
        reviewer.fill("input[name=amount_0]", "30000000")
        _submit(reviewer, "[data-testid=review-form]")

    # -- 3. the citizen reads the review on the project's page and accepts the reviewed cost -----------
    proposer.goto(f"/budget/projects/{project.pk}/")
    expect(proposer.get_by_test_id("review")).to_contain_text("그늘막 12개")
    expect(proposer.get_by_test_id("reviewed-cost")).to_contain_text("120,000,000")
    with proposer.expect_navigation():
        proposer.get_by_role("link", name="심사 결과에 답변하기").click()
    proposer.check("input[name=kind][value=accept]")
    _submit(proposer, "main form:has(input[name=kind])")
    expect(proposer.get_by_test_id("answer")).to_be_visible()

    # -- 4. deliberation: the parks sub-committee hears and scores in its live room; the chair shortlists
    _time_passes(cycle, "review_closes_at")
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.DELIBERATION

    def seat_and_open():
        sub = committee_services.create_sub_committee(cycle=cycle, field=parks, actor=staff,
                                                      facilitator=facilitator)
        committee_services.assign_members(sub_committee=sub, actor=staff, members=[chair, member])
        room_services.open_room(room=sub.room, actor=facilitator)
        committee_services.score_project(project=project, sub_committee=sub, user=member.user, score=8)
        committee_services.score_project(project=other, sub_committee=sub, user=member.user, score=7)
        return sub
    sub = _server_side(seat_and_open)
    host = signed_in_page(chair.user)
    host.goto(f"/rooms/{sub.room_id}/")
    connected(host)
    panel = host.get_by_test_id("budget-room-panel")
    expect(panel).to_contain_text("한강공원 그늘막 설치")
    for title, score in (("한강공원 그늘막 설치", "9"), ("학교 숲 조성", "6")):
        row = panel.locator("[data-testid=room-project]", has_text=title)
        row.locator("select[name=score]").select_option(score)
        with host.expect_navigation():
            row.locator("[data-testid=score-form] [type=submit]").click()
        connected(host)
    panel = host.get_by_test_id("budget-room-panel")
    expect(panel.locator("[data-testid=room-project]", has_text="한강공원 그늘막 설치")).to_contain_text("8.50")
    panel.get_by_test_id("room-shortlist").locator("summary").click()
    expect(panel.locator(f"input[name=projects][value='{project.pk}']")).to_be_checked()  # the method's tick
    expect(panel.locator(f"input[name=projects][value='{other.pk}']")).to_be_checked()
    panel.locator("textarea[name=reasons]").fill("제안자 발표를 듣고 시급성과 수혜 범위를 따졌습니다.")
    with host.expect_navigation():
        panel.locator("[data-testid=room-shortlist] [type=submit]").click()
    assert host.url.endswith(f"/rooms/{sub.room_id}/")  # back in the room
    expect(host.get_by_test_id("room-shortlist-published")).to_be_visible()
    project.refresh_from_db()
    assert project.state == ProjectState.SHORTLISTED and project.score_mean == 8.5

    # -- 5. staff create the vote from the shortlist; its evening comes; a resident votes --------------
    admin = signed_in_page(staff)
    admin.goto(f"/budget/{cycle.slug}/sub-committees/")
    with admin.expect_navigation():
        admin.get_by_role("button", name="선정 목록으로 주민투표 만들기").click()
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.VOTE and cycle.vote is not None
    assert admin.url.endswith(f"/votes/{cycle.vote_id}/")
    Vote.objects.filter(pk=cycle.vote_id).update(opens_at=timezone.now() - timedelta(minutes=1))
    _server_side(vote_lifecycle.sweep_votes)
    resident = signed_in_page(voter)
    resident.goto(f"/votes/{cycle.vote_id}/")
    project.refresh_from_db()
    resident.check(f"input[name=choice][value='{project.option.position}']")
    with resident.expect_navigation():
        resident.locator("form.ballot button[type=submit]").click()
    expect(resident.get_by_test_id("receipt-code")).to_be_visible()

    # -- 6. the vote closes: the tally funds the project, the cycle moves to execution ------------------
    Vote.objects.filter(pk=cycle.vote_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    _server_side(vote_lifecycle.sweep_votes)
    _server_side(execution_services.sync_tallied_cycles)
    project.refresh_from_db()
    cycle.refresh_from_db()
    assert (project.state, cycle.stage) == (ProjectState.FUNDED, CycleStage.EXECUTION)
    assert project.follow_up is not None and project.follow_up.department == parks_department

    # -- 7. the department reports money spent ----------------------------------------------------------
    reviewer.goto(f"/budget/{cycle.slug}/")
    with reviewer.expect_navigation():
        reviewer.locator(f"#project-{project.pk} [data-testid=report-link]").click()
    reviewer.fill("input[name=reported_on]", timezone.localdate().isoformat())
    reviewer.fill("input[name=amount]", "50000000")
    reviewer.select_option("select[name=stage]", ExecutionStage.UNDER_WAY)
    reviewer.fill("input[name=progress_percent]", "40")
    reviewer.fill("textarea[name=note]", "그늘막 5곳 설치를 마쳤습니다.")
    _submit(reviewer, "[data-testid=report-form]")

    # -- 8. anyone reads decided against executed on the cycle's page -----------------------------------
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR", base_url=daphne_url,
                                  extra_http_headers={"Accept-Language": "ko-KR"}).new_page()
    visitor.goto(f"/budget/{cycle.slug}/")
    row = visitor.locator(f"#project-{project.pk}")
    expect(row).to_contain_text("120,000,000")
    expect(row).to_contain_text("50,000,000")
    expect(row).to_contain_text("진행 중")
    expect(visitor.get_by_test_id("money")).to_contain_text("50,000,000")
    visitor.goto(f"/budget/projects/{project.pk}/")
    expect(visitor.get_by_test_id("record")).to_contain_text("선정")
    expect(visitor.locator("main")).to_contain_text("그늘막 5곳 설치를 마쳤습니다.")
    visitor.context.close()
