"""The Celery application: Redis broker in production, eager tasks in the embedded default."""

import os

from celery import Celery

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
    from kombu.transport import redis as kombu_redis
    from redis.exceptions import ConnectionError as RedisConnectionError

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
    from django.db import transaction

    if task.app.conf.task_always_eager:
        return
    transaction.on_commit(lambda: task.apply_async(args=list(args), eta=eta))
