"""Deadlines: support windows closing (once, late, after a restart) and overdue follow-ups."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.utils import timezone

from config.celery import app as celery_app
from proposals import scheduler, services, tasks
from proposals.models import Notification, Proposal, TimelineEntry
from proposals.states import FollowUpState, State, Verdict
from tests.factories import (
    DepartmentFactory, FollowUpFactory, ModeratorFactory, OfficerFactory, ProposalFactory, ResidentFactory,
)

pytestmark = pytest.mark.django_db


def _expired(days_ago: float = 1, **kwargs) -> Proposal:
    return ProposalFactory(published=True, support_closes_at=timezone.now() - timedelta(days=days_ago), **kwargs)


def test_closing_before_the_deadline_does_nothing():
    proposal = ProposalFactory(published=True)

    assert services.close_support_window(proposal_id=proposal.pk) is False

    proposal.refresh_from_db()
    assert (proposal.state, proposal.support_closed_at) == (State.PUBLISHED, None)
    assert not proposal.timeline.exists()


def test_closing_at_the_deadline_closes_an_open_proposal():
    proposal = ProposalFactory(published=True)
    services.add_support(proposal=proposal, user=ResidentFactory())
    deadline = proposal.support_closes_at

    assert services.close_support_window(proposal_id=proposal.pk, now=deadline) is True

    proposal.refresh_from_db()
    assert (proposal.state, proposal.support_closed_at) == (State.CLOSED, deadline)
    assert not proposal.is_support_open
    entry = proposal.timeline.get()
    assert (entry.from_state, entry.to_state, entry.reason, entry.actor) == (State.PUBLISHED, State.CLOSED, "1", None)


def test_closing_twice_is_idempotent():
    proposal = _expired()

    assert services.close_support_window(proposal_id=proposal.pk) is True
    closed_at = Proposal.objects.get(pk=proposal.pk).support_closed_at
    assert services.close_support_window(proposal_id=proposal.pk) is False

    proposal.refresh_from_db()
    assert proposal.support_closed_at == closed_at
    assert proposal.timeline.count() == 1


def test_closing_an_escalated_window_keeps_the_state_and_records_a_milestone():
    proposal = _expired(state=State.ESCALATED, escalation_level="department", support_count=4)

    assert services.close_support_window(proposal_id=proposal.pk) is True

    proposal.refresh_from_db()
    assert proposal.state == State.ESCALATED
    assert proposal.support_closed_at is not None
    entry = proposal.timeline.get()
    assert (entry.kind, entry.code, entry.reason) == (TimelineEntry.Kind.MILESTONE, "window_closed", "4")
    with pytest.raises(PermissionDenied):
        services.add_support(proposal=proposal, user=ResidentFactory())


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.HIDDEN, State.CLOSED, State.ANSWERED])
def test_closing_ignores_proposals_that_are_not_gathering_support(state):
    proposal = _expired(state=state, state_before_hidden=State.PUBLISHED if state == State.HIDDEN else "")

    assert services.close_support_window(proposal_id=proposal.pk) is False

    proposal.refresh_from_db()
    assert (proposal.state, proposal.support_closed_at) == (state, None)


def test_sweep_closes_windows_whose_deadline_passed_while_the_server_was_down():
    # Deadlines set directly in the past: no task ran at the time.
    long_ago = _expired(days_ago=3)
    just_now = _expired(days_ago=0.001)
    escalated = _expired(state=State.ESCALATED, escalation_level="department")
    still_open = ProposalFactory(published=True)
    withdrawn = _expired(state=State.WITHDRAWN)
    draft = ProposalFactory()

    assert services.close_expired_windows() == 3

    states = dict(Proposal.objects.values_list("pk", "state"))
    assert states[long_ago.pk] == states[just_now.pk] == State.CLOSED
    assert states[escalated.pk] == State.ESCALATED
    assert (states[still_open.pk], states[withdrawn.pk], states[draft.pk]) == (
        State.PUBLISHED, State.WITHDRAWN, State.DRAFT,
    )
    assert services.close_expired_windows() == 0


def test_window_that_expired_while_hidden_closes_once_restored():
    proposal = _expired(state=State.HIDDEN, state_before_hidden=State.PUBLISHED)
    assert services.close_expired_windows() == 0

    services.restore_proposal(moderator=ModeratorFactory(), proposal=proposal, reason="오신고")
    assert services.close_expired_windows() == 1

    assert Proposal.objects.get(pk=proposal.pk).state == State.CLOSED


def test_close_support_window_task_closes_an_expired_window():
    proposal = _expired()

    assert tasks.close_support_window.delay(proposal.pk).get() is True

    assert Proposal.objects.get(pk=proposal.pk).state == State.CLOSED


def test_sweep_deadlines_task_returns_what_it_did():
    _expired()
    _expired(days_ago=2)
    FollowUpFactory(due_at=timezone.now() - timedelta(hours=1))

    first = tasks.sweep_deadlines.delay().get()
    second = tasks.sweep_deadlines.delay().get()

    assert (first["closed_windows"], first["overdue_notified"]) == (2, 1)
    assert (second["closed_windows"], second["overdue_notified"]) == (0, 0)


def test_sweep_arms_an_exact_time_task_for_windows_ending_before_the_next_sweep(monkeypatch):
    soon = ProposalFactory(published=True, support_closes_at=timezone.now() + timedelta(seconds=10))
    ProposalFactory(published=True)  # a month away: the sweeps before its deadline will arm it
    armed = []
    monkeypatch.setattr(tasks.close_support_window, "apply_async",
                        lambda args, eta: armed.append((args, eta)))
    celery_app.conf.task_always_eager = False  # as with a broker; conftest's fixture restores it

    result = tasks.sweep_deadlines()

    assert armed == [([soon.pk], soon.support_closes_at)]
    assert result["armed"] == 1


# --- Overdue follow-ups ----------------------------------------------------------------------------


def test_overdue_follow_up_notifies_its_department_officers_once():
    department = DepartmentFactory()
    officers = OfficerFactory.create_batch(2, department=department)
    other_officer = OfficerFactory()
    follow_up = FollowUpFactory(department=department, due_at=timezone.now() - timedelta(minutes=1))

    assert services.notify_overdue() == 1
    assert services.notify_overdue() == 0

    notes = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    assert sorted(notes.values_list("user_id", flat=True)) == sorted(o.pk for o in officers)
    assert not notes.filter(user__in=[other_officer, follow_up.proposal.author]).exists()
    follow_up.refresh_from_db()
    assert follow_up.overdue_notified_at is not None
    assert follow_up.is_overdue


def test_clarification_does_not_stop_the_overdue_clock():
    FollowUpFactory(state=FollowUpState.CLARIFICATION, due_at=timezone.now() - timedelta(minutes=1))

    assert services.notify_overdue() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"due_at": timezone.now() + timedelta(days=1)},
        {"state": FollowUpState.ANSWERED, "verdict": Verdict.NOT_ACCEPTED},
    ],
    ids=["not-yet-due", "answered"],
)
def test_follow_ups_not_awaiting_an_overdue_answer_notify_nobody(fields):
    follow_up = FollowUpFactory(**{"due_at": timezone.now() - timedelta(days=1), **fields})
    OfficerFactory(department=follow_up.department)

    assert services.notify_overdue() == 0
    assert not Notification.objects.exists()


# --- The embedded sweeper (no broker, no beat) ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_embedded_sweeper_closes_an_expired_window_within_seconds(monkeypatch):
    # The sweeper closes its connection after each sweep only once it is obsolete; with the
    # production CONN_MAX_AGE it would outlive the test and block dropping the test database.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    proposal = _expired(days_ago=0.0001)
    scheduler._started.clear()  # once per process: allow this test to start it
    stop = scheduler.start_embedded_sweeper(interval=0.2)
    try:
        state = _poll_state(proposal.pk, until=State.CLOSED, timeout=10)
    finally:
        stop.set()
        for thread in threading.enumerate():
            if thread.name == "deadline-sweeper":
                thread.join(timeout=5)
        scheduler._started.clear()

    assert state == State.CLOSED
    assert not any(t.name == "deadline-sweeper" for t in threading.enumerate())


def _poll_state(pk: int, *, until: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        try:
            state = Proposal.objects.values_list("state", flat=True).get(pk=pk)
        except OperationalError:  # SQLite's shared in-memory test database: the sweeper holds the lock
            connection.close()
            state = None
        if state == until:
            return state
        time.sleep(0.1)
    return state
