"""The Celery worker (as the Procfile runs it) and beat outlive Redis restarts under load.

Redis is stopped for 10 s and started again, three times (once killed), while tasks are being queued. The worker
must still be running afterwards and must run a task queued after the outages: a deadline sweep
closes a support window whose deadline passed while Redis was down.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from proposals.models import Proposal
from proposals.states import State
from tests.factories import ProposalFactory
from tests.faults.stack import eventually, producer

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OUTAGES = 3
OUTAGE_SECONDS = 10


class Load(threading.Thread):
    """Queues a deadline sweep every 50 ms, through the outages (failed sends are counted, not raised)."""

    def __init__(self, broker_url: str):
        super().__init__(daemon=True)
        self.app = producer(broker_url)
        self.stopping = threading.Event()
        self.sent = self.failed = 0

    def send(self, name: str) -> None:
        self.app.send_task(name, retry=False)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.send("proposals.tasks.sweep_deadlines")
                self.sent += 1
            except Exception:  # noqa: BLE001 (Redis is down: that is the point)
                self.failed += 1
                time.sleep(0.2)
            time.sleep(0.05)


def test_worker_and_beat_survive_redis_restarts_and_then_close_a_missed_deadline(stack, own_redis):
    worker, beat = stack.worker(), stack.beat()
    eventually(lambda: "ready" in stack.tail("worker"), timeout=60, what="the worker ready")
    load = Load(own_redis.url)
    load.start()
    missed = None
    try:
        for outage in range(1, OUTAGES + 1):
            time.sleep(2)  # some load on a working broker first
            if outage == OUTAGES:  # its deadline passes while Redis is down, and no task is queued for it
                missed = ProposalFactory(published=True, support_closes_at=timezone.now() + timedelta(seconds=3))
            (own_redis.kill if outage == 2 else own_redis.stop)()  # a crash once, else a clean stop
            time.sleep(OUTAGE_SECONDS)
            own_redis.start()
            assert stack.alive("worker"), f"the worker exited in outage {outage}:\n" + stack.tail("worker")
            assert stack.alive("beat"), f"beat exited in outage {outage}:\n" + stack.tail("beat")
            print(f"\noutage {outage}: Redis back after {OUTAGE_SECONDS} s; worker and beat alive; "
                  f"{load.sent} tasks queued, {load.failed} sends refused so far")
    finally:
        load.stopping.set()
        load.join(timeout=10)

    back = time.monotonic()  # no task was queued for its deadline; only a sweep after the outage closes it
    load.app.send_task("proposals.tasks.sweep_deadlines")
    eventually(lambda: Proposal.objects.get(pk=missed.pk).state == State.CLOSED, timeout=60,
               what="the sweep queued after the outage closing the missed window\n" + stack.tail("worker"))
    print(f"missed deadline closed {time.monotonic() - back:.1f} s after the sweep was queued")
    time.sleep(2)
    assert stack.alive("worker"), "the worker exited after the outages:\n" + stack.tail("worker")
    assert stack.alive("beat"), "beat exited after the outages:\n" + stack.tail("beat")
    assert worker.poll() is None and beat.poll() is None
