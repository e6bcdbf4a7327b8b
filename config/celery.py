"""The Celery application: Redis broker in production, eager tasks in the embedded default."""

import logging
import os

from celery import Celery
from django.db import transaction
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def guard_collected_redis_channels() -> None:
    """Make kombu's Redis channel fail like a lost connection, not crash the worker, after a broker loss.

    kombu 5.7.0 (the newest release) crashes the worker on a Redis restart, more often under load:
    when the consumer loses Redis it calls ``connection.collect()``, which closes the channels
    newest first; the remote-control mailbox's (and gossip's, heartbeat's) channel fails deleting its
    fanout queue on the dead server, so the consumer's own channel is left open, and the transport's
    ``client`` is dropped. Then ``connection.close()`` closes that channel for real, and closing
    restores its unacknowledged messages (there are always some: ETA tasks are held unacknowledged,
    tasks are acknowledged late) through a new pool built from ``connection.client.hostname``:
    ``AttributeError: 'NoneType' object has no attribute 'hostname'``, which is not a connection
    error, so Celery's cleanup does not ignore it and the worker exits. Here a channel without a
    client raises Redis's ConnectionError instead: the cleanup ignores it and the worker reconnects.
    The messages it could not restore stay in Redis's unacked set and are redelivered after the
    visibility timeout (if Redis kept them); the sweeps catch up any deadline meanwhile.
    tests/faults/test_broker_channel_after_loss.py reproduces the path; docs/deployment.md.
    """
    original = kombu_redis.Channel._connparams
    if getattr(original, "guarded", False):
        return

    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("the broker connection was closed after a connection loss")
        return original(self, asynchronous=asynchronous)

    _connparams.guarded = True
    kombu_redis.Channel._connparams = _connparams


guard_collected_redis_channels()

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def run_at(task, *args, eta) -> None:
    """Queue ``task(*args)`` for ``eta`` once the transaction commits (rounds, polls, votes' times).

    The embedded default (eager Celery) queues nothing: its sweeper runs every second instead. The
    task must be idempotent: a stale one (the deadline moved) has to find nothing to do.
    """
    if task.app.conf.task_always_eager:
        return
    queue_on_commit(task, *args, eta=eta)


def queue_on_commit(task, *args, eta=None) -> None:
    """Queue ``task(*args)`` once the transaction commits, without failing what committed.

    With the broker (Redis) away, sending raises after the write is stored: the person would get a
    500 for something done, and retry it. The send is logged and dropped instead; every task queued
    this way has a sweep that finds its work in the database (deadlines, draws, imports, unsent
    emails: docs/deployment.md "Faults").
    """
    def send():
        if task.app.conf.task_always_eager:  # in-process: a failure is the request's, as before
            task.apply_async(args=list(args), eta=eta)
            return
        try:
            task.apply_async(args=list(args), eta=eta)
        except Exception:  # kombu.OperationalError, redis ConnectionError, OSError: the broker is away
            logger.warning("broker unavailable: %s%r not queued; its sweep will pick the work up",
                           task.name, tuple(args), exc_info=True)

    transaction.on_commit(send)
