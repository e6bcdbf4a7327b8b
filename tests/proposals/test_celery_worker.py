"""A real Celery worker on real Redis closes support windows: at the deadline, and after a restart.

Needs PostgreSQL (the worker is another process and must see the test database) and Redis (the
broker); `make test` / tests/services/with-services.sh provide both. Without them these tests fail.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from proposals import tasks
from proposals.models import Proposal
from proposals.states import State
from tests.factories import ProposalFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 20  # generous: worker start-up on a loaded CI machine, not a speed assertion


@pytest.fixture
def broker():
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL for a worker process"
    celery_app.conf.task_always_eager = False  # conftest forces eager; this test needs the real queue
    yield celery_app
    celery_app.conf.task_always_eager = True


def _test_database_url() -> str:
    # pytest-django renamed the database in place ("test_<name>"); the worker must use the same one.
    db = connection.settings_dict
    return (f"postgres://{quote(db['USER'] or '')}:{quote(str(db['PASSWORD'] or ''))}"
            f"@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}")


@contextmanager
def celery_worker(log_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--concurrency", "1",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
        "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
    ]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


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
