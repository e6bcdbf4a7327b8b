"""The worker's crash on a Redis restart, reproduced step by step on a real Redis in one process.

The consumer's channel holds unacknowledged messages (ETA tasks are held unacknowledged; tasks are
acknowledged late) and waits in BRPOP; a second channel has a fanout queue (the remote-control
mailbox, gossip, events). Redis dies. Celery's consumer then collects the connection: closing the
consumer's channel fails on the dead BRPOP socket, closing the fanout channel fails on its queue
delete and leaves the consumer's channel open, and the transport drops its client. Then the
consumer closes the connection: the consumer's channel closes for real and restores its unacked
messages through a new pool built from the dropped client. On kombu 5.7.0 that raised
``AttributeError: 'NoneType' object has no attribute 'hostname'``, which Celery's cleanup does not
ignore: the worker exited. It must be a connection error, which the cleanup ignores.
"""

import socket

import pytest
from kombu import Connection, Exchange, Queue
from kombu.common import ignore_errors

import config.celery  # noqa: F401 (the guard is applied where the Celery app is made)

pytestmark = [pytest.mark.faults]


def test_closing_the_connection_after_a_broker_loss_with_unacked_messages_does_not_crash(own_redis):
    connection = Connection(own_redis.url)
    channel = connection.default_channel
    mailbox = connection.channel()
    broadcast = Queue("faults-mailbox", Exchange("faults-mailbox", type="fanout"), auto_delete=True, channel=mailbox)
    broadcast.declare()
    broadcast.consume(callback=lambda body, message: None)
    tasks = Queue("faults-unacked", channel=channel)
    tasks.declare()
    connection.Producer(channel).publish({"task": "x"}, routing_key="faults-unacked")
    assert tasks.get(no_ack=False) is not None and channel.qos._delivered  # held, not acknowledged
    waiting = Queue("faults-empty", channel=channel)
    waiting.declare()
    waiting.consume(callback=lambda body, message: None)
    try:
        connection.drain_events(timeout=0.2)  # idle: the consumer's BRPOP is outstanding
    except socket.timeout:
        pass

    own_redis.kill()
    try:
        connection.collect(socket_timeout=1)  # what Celery's consumer does on a connection loss...
    except Exception:  # noqa: BLE001 (...inside a try/except Exception of its own)
        pass
    ignore_errors(connection, connection.close)  # ...then its cleanup, which must not raise
    assert channel.closed
