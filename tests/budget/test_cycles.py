"""budget.cycles: creating and editing a cycle (every refusal, nothing stored), stage moves through the table,
and the deadline sweep (one late run moves a cycle, a second changes nothing)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budget.cycles import rules, services, tasks
from budget.models import BudgetCycle, BudgetProject
from budget.states import CycleStage, ProjectState
from tests.budget.factories import BudgetFieldFactory, calendar, make_cycle, make_project
from tests.factories import OfficerFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def values(**overrides):
    now = timezone.now()
    dates = calendar(CycleStage.ANNOUNCED, now)
    return {"year": 2031, "district": "", "slug": "", "title": "2031 시민참여예산", "description": "# 안내\n본문",
            "total_budget": 1_000_000_000, "cost_min": 1_000_000, "cost_max": 300_000_000, "committee": None,
            "answer_days": 14, "budget_rule": "greedy", "score_min": 1, "score_max": 10, "scoring_method": "",
            "school_sessions_required": 1, **dates, **overrides}


def test_staff_create_a_draft_cycle_with_a_derived_address_and_rendered_description(staff):
    field = BudgetFieldFactory()
    cycle = services.create_cycle(actor=staff, fields=[field], **values())
    assert (cycle.slug, cycle.stage, cycle.created_by) == ("2031-seoul", CycleStage.DRAFT, staff)
    assert "<h3>" in cycle.description_html and list(cycle.fields.all()) == [field]
    district = services.create_cycle(actor=staff, fields=[field], **values(district="mapo"))
    assert district.slug == "2031-mapo"


@pytest.mark.parametrize("overrides, field", [
    ({"call_closes_at": "call_opens_at"}, "call_closes_at"),
    ({"review_closes_at": "call_closes_at"}, "review_closes_at"),
    ({"deliberation_closes_at": "review_closes_at"}, "deliberation_closes_at"),
    ({"vote_opens_at": "deliberation_closes_at"}, "vote_opens_at"),
    ({"vote_closes_at": "vote_opens_at"}, "vote_closes_at"),
    ({"cost_min": 5_000_000, "cost_max": 4_000_000}, "cost_max"),
    ({"cost_max": 2_000_000_000}, "cost_max"),
    ({"score_min": 5, "score_max": 5}, "score_max"),
    ({"slug": "review"}, "slug"),
    ({"slug": "new"}, "slug"),
    ({"slug": "mine"}, "slug"),
])
def test_a_bad_cycle_is_refused_by_field_and_nothing_is_stored(staff, overrides, field):
    data = values()
    for key, value in overrides.items():
        data[key] = data[value] if isinstance(value, str) and value in data else value
    with pytest.raises(ValidationError) as refused:
        services.create_cycle(actor=staff, fields=[], **data)
    assert field in refused.value.error_dict
    assert not BudgetCycle.objects.exists()


def test_execution_due_before_the_vote_closes_is_refused(staff):
    data = values()
    data["execution_due_on"] = data["vote_closes_at"].date() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.create_cycle(actor=staff, fields=[], **data)
    assert "execution_due_on" in refused.value.error_dict


def test_a_second_cycle_of_the_same_year_and_scope_or_address_is_refused(staff):
    services.create_cycle(actor=staff, fields=[], **values())
    with pytest.raises(ValidationError) as refused:
        services.create_cycle(actor=staff, fields=[], **values())
    assert "year" in refused.value.error_dict and "slug" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.create_cycle(actor=staff, fields=[], **values(year=2032, slug="2031-seoul"))
    assert list(refused.value.error_dict) == ["slug"]
    assert BudgetCycle.objects.count() == 1


@pytest.mark.parametrize("person", [ResidentFactory, OfficerFactory])
def test_only_staff_create_cycles(person):
    with pytest.raises(ValidationError):
        services.create_cycle(actor=person(), fields=[], **values())
    assert not BudgetCycle.objects.exists()


def test_identity_is_fixed_once_announced_but_the_calendar_can_change(staff):
    cycle = make_cycle(stage=CycleStage.CALL)
    data = {**values(), **calendar(CycleStage.CALL), "year": 2040, "slug": "other", "title": "새 제목"}
    services.update_cycle(cycle=cycle, actor=staff, fields=list(cycle.fields.all()), **data)
    cycle.refresh_from_db()
    assert cycle.title == "새 제목" and cycle.slug != "other" and cycle.year != 2040


def test_next_moves_offer_the_table_less_the_moves_made_elsewhere(staff):
    assert rules.next_moves(staff, make_cycle(stage=CycleStage.ANNOUNCED)) == [
        (CycleStage.DRAFT, CycleStage.DRAFT.label), (CycleStage.CALL, CycleStage.CALL.label)]
    assert rules.next_moves(staff, make_cycle(stage=CycleStage.DELIBERATION)) == []
    assert rules.next_moves(staff, make_cycle(stage=CycleStage.VOTE)) == []
    assert rules.next_moves(ResidentFactory(), make_cycle(stage=CycleStage.CALL)) == []


@pytest.mark.parametrize("stage, to", [
    (CycleStage.DELIBERATION, CycleStage.VOTE), (CycleStage.VOTE, CycleStage.EXECUTION),
    (CycleStage.CALL, CycleStage.DELIBERATION), (CycleStage.CLOSED, CycleStage.DRAFT), (CycleStage.CALL, "bogus"),
])
def test_moves_outside_the_offer_are_refused_and_nothing_changes(staff, stage, to):
    cycle = make_cycle(stage=stage)
    with pytest.raises(ValidationError):
        services.move_cycle(cycle=cycle, to=to, actor=staff)
    cycle.refresh_from_db()
    assert cycle.stage == stage


def test_a_cycle_without_fields_cannot_be_announced(staff):
    cycle = make_cycle(stage=CycleStage.DRAFT, fields=[])
    with pytest.raises(ValidationError):
        services.move_cycle(cycle=cycle, to=CycleStage.ANNOUNCED, actor=staff)
    cycle.fields.set([BudgetFieldFactory()])
    assert services.move_cycle(cycle=cycle, to=CycleStage.ANNOUNCED, actor=staff).stage == CycleStage.ANNOUNCED


def test_one_late_sweep_moves_a_cycle_through_every_ended_window_and_a_second_changes_nothing():
    # Announced, but the call opened and closed and the review ended while nothing ran.
    cycle = make_cycle(stage=CycleStage.ANNOUNCED, **calendar(CycleStage.DELIBERATION))
    draft = make_project(cycle=cycle, state=ProjectState.DRAFT)
    submitted = make_project(cycle=cycle, state=ProjectState.SUBMITTED)
    assert tasks.advance_due_cycles() == 3
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.DELIBERATION and cycle.stage_changed_at is not None
    assert tasks.advance_due_cycles() == 0
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.DELIBERATION
    assert BudgetProject.objects.get(pk=draft.pk).state == ProjectState.DRAFT
    assert BudgetProject.objects.get(pk=submitted.pk).state == ProjectState.SUBMITTED


@pytest.mark.parametrize("stage, expected", [
    (CycleStage.ANNOUNCED, CycleStage.CALL), (CycleStage.CALL, CycleStage.REVIEW),
    (CycleStage.REVIEW, CycleStage.DELIBERATION),
])
def test_each_window_closes_on_its_date_only(stage, expected):
    now = timezone.now()
    # The calendar of the next stage: the window of ``stage`` has just ended.
    cycle = make_cycle(stage=stage, **calendar(expected, now))
    assert services.advance_due_cycles(now=now) == 1
    cycle.refresh_from_db()
    assert cycle.stage == expected
    # A cycle whose window is still open is left alone.
    open_cycle = make_cycle(stage=expected)
    services.advance_due_cycles(now=now)
    open_cycle.refresh_from_db()
    assert open_cycle.stage == expected


@pytest.mark.parametrize("stage", [CycleStage.DRAFT, CycleStage.DELIBERATION, CycleStage.VOTE, CycleStage.EXECUTION])
def test_the_sweep_moves_no_other_stage(stage):
    cycle = make_cycle(stage=stage, **calendar(CycleStage.CLOSED))
    assert services.advance_due_cycles() == 0
    cycle.refresh_from_db()
    assert cycle.stage == stage
