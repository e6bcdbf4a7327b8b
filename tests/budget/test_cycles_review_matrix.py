"""Authorization over HTTP for budget.cycles and budget.review: every role against every action.

A POST is allowed when its effect is in the database afterwards and refused when nothing changed; a page is
allowed when it answers 200. The server never answers 500.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budget.models import BudgetCycle, ProjectReview, ReviewAnswer
from budget.states import AnswerKind, CycleStage, ProjectState, ReviewCriterion
from tests.budget.factories import BudgetFieldFactory, calendar, make_cycle, make_project
from tests.factories import OfficerFactory, ResidentFactory, UserFactory

ROLES = ["anonymous", "citizen", "author", "officer", "other_officer", "staff"]
ALLOWED = {
    "cycle_new": {"staff"},
    "cycle_manage": {"staff"},
    "cycle_move": {"staff"},
    "cycle_list": set(ROLES),
    "review_queue": {"officer", "other_officer", "staff"},
    "review_page": {"officer", "staff"},
    "review_publish": {"officer", "staff"},
    "review_revise": {"officer", "staff"},
}


def cycle_post(field, **overrides) -> dict:
    dates = calendar(CycleStage.ANNOUNCED)
    data = {"year": 2035, "district": "", "slug": "", "title": "2035 시민참여예산", "description": "안내",
            "total_budget": 1_000_000_000, "cost_min": 1_000_000, "cost_max": 300_000_000, "fields": [field.pk],
            "committee": "", "answer_days": 14, "budget_rule": "greedy", "score_min": 1, "score_max": 10,
            "scoring_method": "", "school_sessions_required": 1,
            "execution_due_on": dates.pop("execution_due_on").isoformat()}
    data.update({k: timezone.localtime(v).strftime("%Y-%m-%dT%H:%M") for k, v in dates.items()})
    data.update(overrides)
    return data


def review_post(**overrides) -> dict:
    data = {"eligible": "yes", "reasons": "기준을 모두 충족합니다.", "reviewed_cost": "40000000",
            "item_0": "공사", "amount_0": "40000000"}
    data.update({f"criterion_{c}": "yes" for c in ReviewCriterion.values})
    data.update(overrides)
    return data


@pytest.fixture
def world(db):
    cycle = make_cycle(stage=CycleStage.REVIEW)
    project = make_project(cycle=cycle)
    answered = make_project(cycle=cycle, state=ProjectState.ELIGIBLE)
    ReviewAnswer.objects.create(project=answered, kind=AnswerKind.CLARIFY, body="설명")
    officer = OfficerFactory(department=project.department)
    people = {"anonymous": None, "citizen": ResidentFactory(), "author": project.author, "officer": officer,
              "other_officer": OfficerFactory(), "staff": UserFactory(is_staff=True)}
    return {"cycle": cycle, "project": project, "answered": answered, "people": people,
            "announced": make_cycle(stage=CycleStage.ANNOUNCED)}


def _act(action, client, w):
    cycle, project, answered = w["cycle"], w["project"], w["answered"]
    if action == "cycle_new":
        response = client.post(reverse("budget:new"), cycle_post(BudgetFieldFactory()))
        return response.status_code, BudgetCycle.objects.filter(year=2035).exists()
    if action == "cycle_manage":
        data = cycle_post(cycle.fields.first(), title="바뀐 제목", **{
            k: timezone.localtime(v).strftime("%Y-%m-%dT%H:%M") for k, v in calendar(CycleStage.REVIEW).items()
            if k != "execution_due_on"})
        data["execution_due_on"] = cycle.execution_due_on.isoformat()
        response = client.post(reverse("budget:manage", args=[cycle.slug]), data)
        cycle.refresh_from_db()
        return response.status_code, cycle.title == "바뀐 제목"
    if action == "cycle_move":
        announced = w["announced"]
        response = client.post(reverse("budget:move", args=[announced.slug]), {"to": CycleStage.CALL})
        announced.refresh_from_db()
        return response.status_code, announced.stage == CycleStage.CALL
    if action == "review_publish":
        response = client.post(reverse("budget:review", args=[project.pk]), review_post())
        return response.status_code, ProjectReview.objects.filter(project=project).exists()
    if action == "review_revise":
        response = client.post(reverse("budget:review", args=[answered.pk]), review_post(reasons="수정한 검토"))
        review = ProjectReview.objects.get(project=answered)
        return response.status_code, review.revised_at is not None and review.reasons == "수정한 검토"
    names = {"cycle_list": ("budget:list", []), "review_queue": ("budget:review_queue", []),
             "review_page": ("budget:review", [project.pk])}
    name, args = names[action]
    response = client.get(reverse(name, args=args))
    return response.status_code, response.status_code == 200


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(world, role, action):
    client = Client()
    if world["people"][role] is not None:
        client.force_login(world["people"][role])
    status, done = _act(action, client, world)
    assert status < 500
    assert done == (role in ALLOWED[action]), f"{role} {action}: status {status}"


def test_another_departments_officer_is_told_why_in_korean(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(world["people"]["other_officer"])
    response = client.post(reverse("budget:review", args=[world["project"].pk]), review_post())
    assert response.status_code == 403
    assert "부서" in response.content.decode()
    assert not ProjectReview.objects.filter(project=world["project"]).exists()
