"""budget.review: publishing and revising a department's review (every refusal, nothing stored) and its rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budget.models import ProjectEvent, ProjectReview, ReviewAnswer
from budget.review import rules, services
from budget.states import AnswerKind, CycleStage, ProjectState, ReviewCriterion
from tests.budget.factories import make_cycle, make_project
from tests.factories import ModeratorFactory, OfficerFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db
ALL_YES = {code: True for code in ReviewCriterion.values}


def finding(**overrides):
    return {"eligible": True, "criteria": dict(ALL_YES), "reasons": "시 권한 안의 일회성 사업입니다.",
            "reviewed_cost": 40_000_000, "cost_lines": [{"item": "설계", "amount": 10_000_000},
                                                       {"item": "", "amount": None},
                                                       {"item": "공사", "amount": 30_000_000}], **overrides}


@pytest.fixture
def project():
    return make_project(cycle=make_cycle(stage=CycleStage.REVIEW))


@pytest.fixture
def officer(project):
    return OfficerFactory(department=project.department)


def test_an_officer_publishes_an_eligible_review(project, officer):
    before = timezone.now()
    review = services.publish_review(project=project, actor=officer, **finding())
    project.refresh_from_db()
    assert project.state == ProjectState.ELIGIBLE and project.reviewed_cost == 40_000_000
    assert project.reviewed_at >= before
    assert project.answer_due_at == project.reviewed_at + timedelta(days=project.cycle.answer_days)
    assert review.criteria == ALL_YES and review.officer == officer
    assert review.cost_lines == [{"item": "설계", "amount": 10_000_000}, {"item": "공사", "amount": 30_000_000}]
    event = ProjectEvent.objects.get(project=project, to_state=ProjectState.ELIGIBLE)
    assert event.from_state == ProjectState.SUBMITTED and event.actor == officer and "일회성" in event.note


def test_an_ineligible_review_needs_no_cost(project, officer):
    criteria = {**ALL_YES, ReviewCriterion.NOT_FUNDED: False}
    services.publish_review(project=project, actor=officer,
                            **finding(eligible=False, criteria=criteria, reviewed_cost=None, cost_lines=[]))
    project.refresh_from_db()
    assert project.state == ProjectState.INELIGIBLE and project.reviewed_cost is None


def test_early_reviews_are_allowed_during_the_call():
    project = make_project(cycle=make_cycle(stage=CycleStage.CALL))
    officer = OfficerFactory(department=project.department)
    services.publish_review(project=project, actor=officer, **finding())
    assert ProjectReview.objects.filter(project=project).exists()


@pytest.mark.parametrize("overrides, field", [
    ({"reasons": "  "}, "reasons"),
    ({"reviewed_cost": None, "cost_lines": []}, "reviewed_cost"),
    ({"reviewed_cost": 1_000, "cost_lines": [{"item": "a", "amount": 1_000}]}, "eligible"),
    ({"reviewed_cost": 400_000_000, "cost_lines": [{"item": "a", "amount": 400_000_000}]}, "eligible"),
    ({"reviewed_cost": 0}, "reviewed_cost"),
    ({"reviewed_cost": 50_000_000}, "cost_lines"),
    ({"cost_lines": []}, "cost_lines"),
    ({"cost_lines": [{"item": "설계", "amount": None}]}, "cost_lines"),
    ({"cost_lines": [{"item": "", "amount": 40_000_000}]}, "cost_lines"),
    ({"criteria": {**ALL_YES, ReviewCriterion.FEASIBLE: False}}, "eligible"),
    ({"criteria": {ReviewCriterion.FEASIBLE: True}}, "criteria"),
    ({"eligible": False}, "criteria"),
])
def test_a_review_that_does_not_hold_together_is_refused_and_nothing_is_stored(project, officer, overrides, field):
    with pytest.raises(ValidationError) as refused:
        services.publish_review(project=project, actor=officer, **finding(**overrides))
    assert field in refused.value.error_dict
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED and project.reviewed_at is None
    assert not ProjectReview.objects.exists() and not ProjectEvent.objects.exists()


def test_a_cost_outside_the_limits_names_the_criterion(project, officer):
    with pytest.raises(ValidationError) as refused:
        services.publish_review(project=project, actor=officer,
                                **finding(reviewed_cost=400_000_000, cost_lines=[{"item": "a", "amount": 400_000_000}]))
    assert str(ReviewCriterion.WITHIN_LIMITS.label) in refused.value.error_dict["eligible"][0].message


@pytest.mark.parametrize("who", ["anonymous", "citizen", "author", "other_officer", "moderator"])
def test_only_the_department_or_staff_may_review(project, who):
    from django.contrib.auth.models import AnonymousUser
    people = {"anonymous": AnonymousUser(), "citizen": ResidentFactory(), "author": project.author,
              "other_officer": OfficerFactory(), "moderator": ModeratorFactory()}
    assert rules.review_refusal(people[who], project)
    with pytest.raises(ValidationError):
        services.publish_review(project=project, actor=people[who], **finding())
    assert not ProjectReview.objects.exists()
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED


def test_staff_may_review_any_department(project):
    services.publish_review(project=project, actor=UserFactory(is_staff=True), **finding())
    assert ProjectReview.objects.filter(project=project).exists()


@pytest.mark.parametrize("stage", [CycleStage.ANNOUNCED, CycleStage.DELIBERATION, CycleStage.VOTE])
def test_no_review_outside_the_call_and_the_review(stage):
    project = make_project(cycle=make_cycle(stage=stage))
    officer = OfficerFactory(department=project.department)
    with pytest.raises(ValidationError):
        services.publish_review(project=project, actor=officer, **finding())
    assert not ProjectReview.objects.exists()


def test_a_project_is_reviewed_once(project, officer):
    services.publish_review(project=project, actor=officer, **finding())
    with pytest.raises(ValidationError):
        services.publish_review(project=project, actor=officer, **finding(reasons="두 번째"))
    assert ProjectReview.objects.get().reasons != "두 번째"


def reviewed(state=ProjectState.ELIGIBLE, answer=AnswerKind.CLARIFY, stage=CycleStage.REVIEW):
    project = make_project(cycle=make_cycle(stage=stage), state=state)
    if answer:
        ReviewAnswer.objects.create(project=project, kind=answer, body="설명을 덧붙입니다.")
    return project, OfficerFactory(department=project.department)


def test_after_a_clarification_the_officer_revises_once_and_the_state_follows_the_finding():
    project, officer = reviewed()
    criteria = {**ALL_YES, ReviewCriterion.WITHIN_POWERS: False}
    review = services.revise_review(project=project, actor=officer,
                                    **finding(eligible=False, criteria=criteria, reasons="구청 사무입니다."))
    project.refresh_from_db()
    assert review.revised_at is not None and project.state == ProjectState.INELIGIBLE
    assert ProjectEvent.objects.filter(project=project, from_state=ProjectState.ELIGIBLE,
                                       to_state=ProjectState.INELIGIBLE).exists()
    with pytest.raises(ValidationError):
        services.revise_review(project=project, actor=officer, **finding())
    project.refresh_from_db()
    assert project.state == ProjectState.INELIGIBLE


def test_a_revision_keeping_the_finding_changes_the_cost_without_a_move():
    project, officer = reviewed()
    services.revise_review(project=project, actor=officer,
                           **finding(reviewed_cost=30_000_000, cost_lines=[{"item": "공사", "amount": 30_000_000}]))
    project.refresh_from_db()
    assert project.state == ProjectState.ELIGIBLE and project.reviewed_cost == 30_000_000
    assert not ProjectEvent.objects.filter(project=project).exists()


@pytest.mark.parametrize("state, answer, stage", [
    (ProjectState.ELIGIBLE, None, CycleStage.REVIEW),
    (ProjectState.ELIGIBLE, AnswerKind.ACCEPT, CycleStage.REVIEW),
    (ProjectState.SHORTLISTED, AnswerKind.CLARIFY, CycleStage.DELIBERATION),
    (ProjectState.ELIGIBLE, AnswerKind.CLARIFY, CycleStage.VOTE),
])
def test_no_revision_without_a_clarification_or_after_the_committee(state, answer, stage):
    project, officer = reviewed(state, answer, stage)
    with pytest.raises(ValidationError):
        services.revise_review(project=project, actor=officer, **finding(reasons="수정"))
    review = ProjectReview.objects.get(project=project)
    assert review.revised_at is None and review.reasons != "수정"


def test_an_officer_of_another_department_cannot_revise():
    project, _officer = reviewed()
    with pytest.raises(ValidationError):
        services.revise_review(project=project, actor=OfficerFactory(), **finding(reasons="수정"))
    assert ProjectReview.objects.get(project=project).revised_at is None
