"""Thresholds crossed by support: the deliberation milestone, escalation, the mayor's level.

The factories' category has deliberation=2, escalation=3, mayor=5.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from proposals import services
from proposals.models import FollowUp, Proposal, TimelineEntry
from proposals.states import EscalationLevel, FollowUpState, State
from tests.factories import CategoryFactory, DepartmentFactory, ProposalFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    category = CategoryFactory(default_department=DepartmentFactory(code="transport"), answer_due_days=14)
    return ProposalFactory(published=True, category=category)


def _support(proposal, n: int) -> list:
    residents = ResidentFactory.create_batch(n)
    for resident in residents:
        services.add_support(proposal=proposal, user=resident)
    return residents


def _milestones(proposal, code: str) -> int:
    return TimelineEntry.objects.filter(proposal=proposal, kind=TimelineEntry.Kind.MILESTONE, code=code).count()


def test_below_the_first_threshold_nothing_happens(proposal):
    _support(proposal, 1)

    proposal.refresh_from_db()
    assert proposal.deliberation_marked_at is None
    assert proposal.state == State.PUBLISHED
    assert not proposal.timeline.exists()


def test_crossing_the_deliberation_threshold_records_a_milestone_once(proposal):
    residents = _support(proposal, 2)

    proposal.refresh_from_db()
    marked_at = proposal.deliberation_marked_at
    assert marked_at is not None
    assert proposal.state == State.PUBLISHED  # a milestone, not a state
    assert _milestones(proposal, "deliberation") == 1

    # Dropping below and crossing again does not record it twice.
    services.withdraw_support(proposal=proposal, user=residents[0])
    services.add_support(proposal=proposal, user=residents[0])

    proposal.refresh_from_db()
    assert proposal.deliberation_marked_at == marked_at
    assert _milestones(proposal, "deliberation") == 1


def test_crossing_the_escalation_threshold_escalates_to_the_category_department(proposal):
    before = timezone.now()
    _support(proposal, 3)
    after = timezone.now()

    proposal.refresh_from_db()
    assert proposal.state == State.ESCALATED
    assert proposal.escalation_level == EscalationLevel.DEPARTMENT
    assert before <= proposal.escalated_at <= after
    follow_up = FollowUp.objects.get(proposal=proposal)
    assert follow_up.department.code == "transport"
    assert (follow_up.level, follow_up.state, follow_up.title) == (
        EscalationLevel.DEPARTMENT, FollowUpState.OPEN, proposal.title,
    )
    assert follow_up.due_at == proposal.escalated_at + timedelta(days=14)
    entry = proposal.timeline.get(kind=TimelineEntry.Kind.TRANSITION)
    assert (entry.from_state, entry.to_state, entry.reason) == (State.PUBLISHED, State.ESCALATED, "3")


def test_crossing_the_mayor_threshold_raises_the_level(proposal):
    _support(proposal, 5)

    proposal.refresh_from_db()
    assert proposal.escalation_level == EscalationLevel.MAYOR
    assert proposal.state == State.ESCALATED
    follow_up = FollowUp.objects.get(proposal=proposal)  # still exactly one
    assert follow_up.level == EscalationLevel.MAYOR
    assert _milestones(proposal, "mayor") == 1


def test_one_support_can_cross_escalation_and_mayor_thresholds_together():
    category = CategoryFactory(deliberation_threshold=1, escalation_threshold=1, mayor_threshold=1)
    proposal = ProposalFactory(published=True, category=category)

    _support(proposal, 1)

    proposal.refresh_from_db()
    assert (proposal.state, proposal.escalation_level) == (State.ESCALATED, EscalationLevel.MAYOR)
    assert FollowUp.objects.get(proposal=proposal).level == EscalationLevel.MAYOR


def test_support_continues_after_escalation_while_the_window_is_open(proposal):
    _support(proposal, 3)

    result = services.add_support(proposal=proposal, user=ResidentFactory())

    assert result.support_count == 4
    proposal.refresh_from_db()
    assert proposal.state == State.ESCALATED
    assert proposal.is_support_open
    assert FollowUp.objects.filter(proposal=proposal).count() == 1


def test_withdrawing_below_a_threshold_does_not_de_escalate(proposal):
    residents = _support(proposal, 5)

    for resident in residents[:4]:
        services.withdraw_support(proposal=proposal, user=resident)

    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert (proposal.state, proposal.escalation_level) == (State.ESCALATED, EscalationLevel.MAYOR)
    assert proposal.deliberation_marked_at is not None
    assert FollowUp.objects.get(proposal=proposal).level == EscalationLevel.MAYOR


def test_crossing_escalation_again_after_withdrawals_creates_no_second_follow_up(proposal):
    residents = _support(proposal, 3)
    services.withdraw_support(proposal=proposal, user=residents[0])

    services.add_support(proposal=proposal, user=residents[0])

    assert FollowUp.objects.filter(proposal=proposal).count() == 1
    assert proposal.timeline.filter(to_state=State.ESCALATED).count() == 1


def test_crossing_mayor_again_after_withdrawals_records_it_once(proposal):
    residents = _support(proposal, 5)
    services.withdraw_support(proposal=proposal, user=residents[0])

    services.add_support(proposal=proposal, user=residents[0])

    assert _milestones(proposal, "mayor") == 1


def test_next_threshold_follows_the_count(proposal):
    assert proposal.next_threshold() == (2, "deliberation")
    _support(proposal, 3)

    assert Proposal.objects.get(pk=proposal.pk).next_threshold() == (5, "mayor")
