"""The two lifecycles as tables: every pair of states is allowed exactly when TRANSITIONS lists it."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from proposals import services
from proposals.models import FollowUp, TimelineEntry
from proposals.states import FOLLOW_UP_TRANSITIONS, TRANSITIONS, FollowUpState, State, Verdict
from tests.factories import FollowUpFactory, ModeratorFactory, ProposalFactory

pytestmark = pytest.mark.django_db

STATE_PAIRS = list(itertools.product(State.values, repeat=2))
FOLLOW_UP_PAIRS = list(itertools.product(FollowUpState.values, repeat=2))


def _proposal_in(state: str, *, before_hidden: str = ""):
    # published_at is set for every state so the database constraint never gets in the way of the test.
    return ProposalFactory(
        state=state, state_before_hidden=before_hidden, published_at=timezone.now(),
        support_closes_at=timezone.now() + timedelta(days=30),
    )


@pytest.mark.parametrize(("from_state", "to_state"), STATE_PAIRS, ids=[f"{a}->{b}" for a, b in STATE_PAIRS])
def test_proposal_transition_is_allowed_exactly_when_listed(from_state, to_state):
    before_hidden = ""
    if from_state == State.HIDDEN:
        # A hidden proposal may only go back to where it was; point it at the target when that is listed.
        before_hidden = to_state if to_state in TRANSITIONS[State.HIDDEN] else State.PUBLISHED
    proposal = _proposal_in(from_state, before_hidden=before_hidden)
    actor = ModeratorFactory()

    if to_state in TRANSITIONS[from_state]:
        services.transition(proposal=proposal, to=to_state, actor=actor, reason="why")
        proposal.refresh_from_db()
        assert proposal.state == to_state
        entry = TimelineEntry.objects.get(proposal=proposal)
        assert (entry.kind, entry.from_state, entry.to_state, entry.actor_id, entry.reason) == (
            TimelineEntry.Kind.TRANSITION, from_state, to_state, actor.pk, "why",
        )
    else:
        with translation.override("en"), pytest.raises(services.TransitionError) as excinfo:
            services.transition(proposal=proposal, to=to_state, actor=actor, reason="why")
        assert excinfo.value.code == "illegal_transition"
        with translation.override("en"):
            message = excinfo.value.messages[0]
            assert str(State(from_state).label) in message
            assert str(State(to_state).label) in message
        proposal.refresh_from_db()
        assert proposal.state == from_state
        assert proposal.state_before_hidden == before_hidden
        assert not TimelineEntry.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("state", sorted(TRANSITIONS[State.HIDDEN] - {State.ESCALATED}))
def test_hidden_proposal_restores_only_to_the_state_it_had(state):
    proposal = _proposal_in(State.HIDDEN, before_hidden=State.ESCALATED)

    with translation.override("en"), pytest.raises(services.TransitionError) as excinfo:
        services.transition(proposal=proposal, to=state, actor=ModeratorFactory())

    with translation.override("en"):
        assert str(State.ESCALATED.label) in excinfo.value.messages[0]
    proposal.refresh_from_db()
    assert (proposal.state, proposal.state_before_hidden) == (State.HIDDEN, State.ESCALATED)
    assert not TimelineEntry.objects.filter(proposal=proposal).exists()


def test_hiding_remembers_the_interrupted_state_and_restoring_forgets_it():
    proposal = _proposal_in(State.ANSWERED)

    services.transition(proposal=proposal, to=State.HIDDEN)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.state_before_hidden) == (State.HIDDEN, State.ANSWERED)

    services.transition(proposal=proposal, to=State.ANSWERED)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.state_before_hidden) == (State.ANSWERED, "")
    assert list(proposal.timeline.values_list("from_state", "to_state")) == [
        (State.ANSWERED, State.HIDDEN), (State.HIDDEN, State.ANSWERED),
    ]


def test_unknown_target_state_is_refused():
    proposal = _proposal_in(State.PUBLISHED)

    with pytest.raises(ValueError):
        services.transition(proposal=proposal, to="archived")

    proposal.refresh_from_db()
    assert proposal.state == State.PUBLISHED


@pytest.mark.parametrize(
    ("from_state", "to_state"), FOLLOW_UP_PAIRS, ids=[f"{a}->{b}" for a, b in FOLLOW_UP_PAIRS]
)
def test_follow_up_move_is_allowed_exactly_when_listed(from_state, to_state):
    # A verdict on every row keeps the "answered has a verdict" constraint out of the way.
    follow_up = FollowUpFactory(state=from_state, verdict=Verdict.ACCEPTED)

    if to_state in FOLLOW_UP_TRANSITIONS[from_state]:
        services.move_follow_up(follow_up=follow_up, to=to_state)
        assert FollowUp.objects.get(pk=follow_up.pk).state == to_state
    else:
        with translation.override("en"), pytest.raises(services.TransitionError) as excinfo:
            services.move_follow_up(follow_up=follow_up, to=to_state)
        assert excinfo.value.code == "illegal_transition"
        with translation.override("en"):
            assert str(FollowUpState(from_state).label) in excinfo.value.messages[0]
            assert str(FollowUpState(to_state).label) in excinfo.value.messages[0]
        assert FollowUp.objects.get(pk=follow_up.pk).state == from_state

