"""The Celery application: Redis broker in production, eager tasks in the embedded default."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def run_at(task, *args, eta) -> None:
    """Queue ``task(*args)`` for ``eta`` once the transaction commits (rounds, polls, votes' times).

    The embedded default (eager Celery) queues nothing: its sweeper runs every second instead. The
    task must be idempotent: a stale one (the deadline moved) has to find nothing to do.
    """
    from django.db import transaction

    if task.app.conf.task_always_eager:
        return
    transaction.on_commit(lambda: task.apply_async(args=list(args), eta=eta))
