"""From the tallied vote to execution (funding, the cycle's stage) and the execution reports' service."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budget.execution import services
from budget.models import BudgetCycle, ExecutionReport, ProjectEvent
from budget.states import CycleStage, ExecutionStage, ProjectState
from proposals.models import FollowUp, FollowUpUpdate
from proposals.states import FollowUpState
from tests.budget.execution_helpers import cast_and_tally, funded_cycle, make_budget_vote, shortlisted_cycle
from tests.factories import AdminFactory, OfficerFactory, ResidentFactory
from voting.states import VoteState

pytestmark = pytest.mark.django_db


def test_the_tallied_vote_funds_the_selected_projects_and_moves_the_cycle_to_execution():
    cycle, projects, vote = funded_cycle()

    assert vote.state == VoteState.TALLIED and vote.result["selected"] == [1, 2]
    assert [p.state for p in projects] == [ProjectState.FUNDED, ProjectState.FUNDED, ProjectState.NOT_FUNDED]
    assert cycle.stage == CycleStage.EXECUTION
    follow_ups = {f.option_position: f.pk for f in FollowUp.objects.filter(vote=vote)}
    assert projects[0].follow_up_id == follow_ups[1] and projects[1].follow_up_id == follow_ups[2]
    assert projects[2].follow_up_id is None
    assert ProjectEvent.objects.filter(project=projects[0], to_state=ProjectState.FUNDED).count() == 1


def test_the_sweep_is_idempotent_and_catches_a_tally_the_receiver_missed(monkeypatch):
    cycle, projects = shortlisted_cycle()
    vote = make_budget_vote(cycle, projects)
    monkeypatch.setattr(services, "sync_cycle", lambda **kw: False)  # the receiver's run "fails" silently
    vote = cast_and_tally(vote)
    monkeypatch.undo()
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.VOTE

    assert services.sync_tallied_cycles() == 1
    assert services.sync_tallied_cycles() == 0  # twice: nothing left to do
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.EXECUTION
    assert sorted(cycle.projects.values_list("state", flat=True)) == [
        ProjectState.FUNDED, ProjectState.FUNDED, ProjectState.NOT_FUNDED]
    assert ProjectEvent.objects.filter(project__cycle=cycle, to_state=ProjectState.FUNDED).count() == 2


def test_a_follow_up_created_later_for_an_option_links_and_funds_its_project():
    cycle, projects = shortlisted_cycle()
    vote = make_budget_vote(cycle, projects)
    follow_up = FollowUp.objects.create(department=projects[2].department, vote=vote, option_position=3,
                                        title="late", due_at=timezone.now())
    projects[2].refresh_from_db()
    assert projects[2].follow_up_id == follow_up.pk and projects[2].state == ProjectState.FUNDED


def report(project, actor, **changes):
    values = dict(reported_on=timezone.localdate(), amount=10_000_000, stage=ExecutionStage.UNDER_WAY,
                  progress_percent=30, note="Works started on site.")
    values.update(changes)
    return services.add_report(actor=actor, project=project, **values)


def test_an_officers_report_updates_the_project_and_its_follow_up_queue():
    cycle, projects, _vote = funded_cycle()
    project = projects[0]
    officer = OfficerFactory(department=project.department)

    report(project, officer)
    report(project, officer, amount=5_000_000, progress_percent=60)

    project.refresh_from_db()
    assert project.spent == 15_000_000 and project.execution_stage == ExecutionStage.UNDER_WAY
    assert project.last_report_on == timezone.localdate()
    follow_up = FollowUp.objects.get(pk=project.follow_up_id)
    assert follow_up.state == FollowUpState.IN_PROGRESS and follow_up.progress_percent == 60
    assert list(follow_up.updates.values_list("kind", flat=True)) == [
        FollowUpUpdate.Kind.ANSWER, FollowUpUpdate.Kind.PROGRESS, FollowUpUpdate.Kind.PROGRESS]


def test_a_completed_report_completes_the_project_and_its_follow_up():
    cycle, projects, _vote = funded_cycle()
    project = projects[1]
    officer = OfficerFactory(department=project.department)

    report(project, officer, stage=ExecutionStage.COMPLETED, progress_percent=80, amount=190_000_000)

    project.refresh_from_db()
    assert project.state == ProjectState.COMPLETED and project.completed_on == timezone.localdate()
    assert FollowUp.objects.get(pk=project.follow_up_id).state == FollowUpState.COMPLETED
    with pytest.raises(PermissionDenied):  # a completed project takes no more reports
        report(project, officer)


def test_staff_may_report_and_the_follow_up_stays_the_departments():
    cycle, projects, _vote = funded_cycle()
    report(projects[0], AdminFactory())
    projects[0].refresh_from_db()
    assert projects[0].spent == 10_000_000
    assert FollowUp.objects.get(pk=projects[0].follow_up_id).updates.count() == 0


@pytest.mark.parametrize("changes, field", [
    ({"reported_on": timezone.localdate() + timedelta(days=1)}, "reported_on"),
    ({"reported_on": timezone.localdate() - timedelta(days=400)}, "reported_on"),
    ({"amount": -1}, "amount"),
    ({"amount": 221_000_000}, "amount"),  # 200M decided: at most 220M in all
    ({"note": "  "}, "note"),
    ({"progress_percent": 100}, "progress_percent"),
    ({"stage": ExecutionStage.NOT_STARTED}, "stage"),
], ids=["future", "before-the-vote", "negative", "overspent", "no-note", "100-not-completed", "not-started"])
def test_a_report_is_refused_with_a_reason_and_nothing_is_stored(changes, field):
    cycle, projects, _vote = funded_cycle()
    with pytest.raises(ValidationError) as refused:
        report(projects[0], OfficerFactory(department=projects[0].department), **changes)
    assert field in refused.value.message_dict
    assert ExecutionReport.objects.count() == 0
    projects[0].refresh_from_db()
    assert projects[0].spent == 0


@pytest.mark.parametrize("who", ["citizen", "other-officer", "not-funded"])
def test_a_report_by_someone_else_or_on_a_project_not_funded_is_refused(who):
    cycle, projects, _vote = funded_cycle()
    project = projects[2] if who == "not-funded" else projects[0]
    actor = {"citizen": ResidentFactory(), "other-officer": OfficerFactory(),
             "not-funded": OfficerFactory(department=project.department)}[who]
    with pytest.raises(PermissionDenied):
        report(project, actor)
    assert ExecutionReport.objects.count() == 0


def test_a_cycle_not_tallied_is_left_alone():
    cycle, projects = shortlisted_cycle()
    make_budget_vote(cycle, projects)
    assert services.sync_tallied_cycles() == 0
    assert BudgetCycle.objects.get(pk=cycle.pk).stage == CycleStage.VOTE
