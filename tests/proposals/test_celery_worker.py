"""A real Celery worker on real Redis closes support windows: at the deadline, and after a restart.

Needs PostgreSQL (the worker is another process and must see the test database) and Redis (the
broker); `make test` / tests/services/with-services.sh provide both. Without them these tests fail.
"""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from proposals import tasks
from proposals.models import Proposal
from proposals.states import State
from tests.factories import ProposalFactory
from tests.processes import celery_worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 20  # generous: worker start-up on a loaded CI machine, not a speed assertion


def _wait_for_state(pk: int, state: str, *, process, log_path: Path) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    current = None
    while time.monotonic() < deadline:
        current = Proposal.objects.values_list("state", flat=True).get(pk=pk)
        if current == state:
            return current
        assert process.poll() is None, "the worker exited:\n" + log_path.read_text()[-3000:]
        time.sleep(0.2)
    pytest.fail(f"proposal {pk} is still {current}; worker log:\n" + log_path.read_text()[-3000:])


def test_worker_closes_the_window_with_the_task_queued_for_the_deadline(broker, tmp_path):
    now = timezone.now()
    proposal = ProposalFactory(published=True, support_closes_at=now + timedelta(seconds=1))
    tasks.close_support_window.apply_async(args=[proposal.pk], eta=now + timedelta(seconds=2))
    assert Proposal.objects.get(pk=proposal.pk).state == State.PUBLISHED  # nothing in this process closes it
    log_path = tmp_path / "worker.log"

    with celery_worker(log_path) as worker:
        _wait_for_state(proposal.pk, State.CLOSED, process=worker, log_path=log_path)

    proposal.refresh_from_db()
    assert proposal.support_closed_at >= proposal.support_closes_at
    assert proposal.timeline.filter(to_state=State.CLOSED).count() == 1


def test_deadline_missed_while_no_worker_ran_is_closed_by_the_sweep_after_a_restart(broker, tmp_path):
    # The deadline passed while no worker ran, and no task for it is queued (lost with the old broker).
    proposal = ProposalFactory(published=True, support_closes_at=timezone.now() - timedelta(minutes=5))
    still_open = ProposalFactory(published=True)
    log_path = tmp_path / "worker.log"

    tasks.sweep_deadlines.delay()  # what beat sends on its first tick after the restart
    with celery_worker(log_path) as worker:
        _wait_for_state(proposal.pk, State.CLOSED, process=worker, log_path=log_path)

    assert Proposal.objects.get(pk=still_open.pk).state == State.PUBLISHED
    assert Proposal.objects.get(pk=proposal.pk).timeline.count() == 1
