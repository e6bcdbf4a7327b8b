"""The worker is stopped across two deadlines (a support window, a round's end): when it comes back, both are met.

Their exact-time tasks were queued as production queues them (held by the worker until their time);
the worker is stopped before they fall and started again after. Nothing else closes them meanwhile;
once it runs again the held tasks (or the sweeps beat kept queueing) close both.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation.rooms.models import Round
from deliberation.rooms.states import RoundState
from proposals.models import Proposal
from proposals.states import State
from tests.factories import ProposalFactory, RoomFactory
from tests.faults.stack import eventually, producer

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_deadlines_that_fall_while_the_worker_is_down_are_met_when_it_restarts(stack, own_redis):
    stack.worker()
    stack.beat()
    eventually(lambda: "ready" in stack.tail("worker"), timeout=60, what="the worker ready")
    # The deadlines are set once the worker is up: on a loaded machine its start alone can take longer
    # than they give, and a worker that meets them before it is stopped proves nothing.
    proposal = ProposalFactory(published=True, support_closes_at=timezone.now() + timedelta(seconds=20))
    room = RoomFactory(stage="live", rounds=[{"kind": "discussion", "title": "Short", "duration_seconds": 18},
                                             {"kind": "discussion", "title": "Next", "duration_seconds": 600}])
    first = Round.objects.get(room=room, position=1)
    tasks = producer(own_redis.url)
    tasks.send_task("proposals.tasks.close_support_window", args=[proposal.pk], eta=proposal.support_closes_at)
    tasks.send_task("deliberation.tasks.expire_round", args=[room.pk, first.pk], eta=first.deadline_at)
    time.sleep(1)  # the worker takes them and holds them until their time

    stack.stop("worker")
    assert timezone.now() < min(proposal.support_closes_at, first.deadline_at), "stopped after a deadline fell"
    last_deadline = max(proposal.support_closes_at, first.deadline_at)
    time.sleep(max(0.0, (last_deadline - timezone.now()).total_seconds()) + 2)
    assert Proposal.objects.get(pk=proposal.pk).state == State.PUBLISHED  # nothing but the worker closes it
    assert Round.objects.get(pk=first.pk).state == RoundState.RUNNING

    restarted = time.monotonic()
    stack.worker()
    eventually(lambda: Proposal.objects.get(pk=proposal.pk).state == State.CLOSED
               and Round.objects.get(pk=first.pk).state == RoundState.DONE, timeout=60,
               what="both deadlines met after the worker came back\n" + stack.tail("worker"))
    caught_up = time.monotonic() - restarted
    print(f"\nworker down across two deadlines: both met {caught_up:.2f} s after it was started again "
          f"({(timezone.now() - last_deadline).total_seconds():.1f} s after the later deadline)")
    closed = Proposal.objects.get(pk=proposal.pk)
    assert closed.support_closed_at >= closed.support_closes_at
    assert closed.timeline.filter(to_state=State.CLOSED).count() == 1  # met once, not once per task
    assert Round.objects.get(room=room, position=2).state == RoundState.RUNNING  # the room moved on
