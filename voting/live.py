"""Live results of a vote: what its page is sent over WebSocket, coalesced to one update a second.

Every open vote's page shows the turnout live; the counts per option only where
``vote.live_results`` and the vote is not secret (otherwise they stay hidden until the tally). The frames carry totals only, never anything per voter.
Counts are *state*, not events: each frame replaces the last one, so there is no sequence number and
no replay; a client that reconnects gets a fresh ``vote.snapshot``, which is all it needs.

Coalescing: a stored ballot (``ballot_cast``, on commit) sets a short cache flag for its vote; the
one who sets it sends ``vote.updated`` LIVE_INTERVAL later, read from the database then, and the
ballots committed meanwhile find the flag set and send nothing: they are in that read. The sender
drops the flag *before* reading, so a ballot that commits after the read sets it again and gets
its own update. A process that dies holding the flag holds it at most FLAG_TIMEOUT. Opening,
closing and the tally are sent at once (``vote_changed``): a closed vote gets ``vote.closed``,
which tells the page to reload for the results. See docs/realtime-protocol.md "Live vote results".

Fan-out as in the live rooms, by the same code (realtime.fanout; docs/architecture.md "Fan-out and
crowds"): one channel-layer subscription per vote per server process (a ``VoteResults`` topic), each
frame serialised once by its sender and written to every socket of the process, rather than one
layer message per socket; a server process's sends leave through its ``Publisher``, in order.
"""

import asyncio
import json
import logging
import threading

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from realtime import fanout
from realtime.loops import serving_loop, spawn_soon

from .models import Vote
from .selectors import live_counts, turnout
from .states import VoteState

log = logging.getLogger(__name__)

LIVE_INTERVAL = 1.0  # seconds: at most one update per vote per this
FLAG_TIMEOUT = 10  # seconds: the longest a lost flag (its process died) can hold updates back
# A page may subscribe to these; a draft or cancelled vote is nobody's business here (404 on the page too).
LIVE_STATES = (VoteState.SCHEDULED, VoteState.OPEN, VoteState.CLOSED, VoteState.TALLIED)
FINAL_STATES = (VoteState.CLOSED, VoteState.TALLIED)


def group_name(vote_id: int) -> str:
    return f"vote.{vote_id}"


def _flag(vote_id: int) -> str:
    return f"voting:live:{vote_id}"


# --- what is sent -----------------------------------------------------------------------------------

def live_data(vote: Vote) -> dict:
    """The frame's data: the turnout always, the counts per option only where the vote shows them live.

    A secret vote never shows them while open (``Vote.shows_live_counts``): two updates a second
    apart would differ by one ballot, i.e. one person's choice. Its ballots are sealed until the
    close anyway; the turnout counts the sealed ones too.
    """
    if vote.shows_live_counts:
        counted = live_counts(vote)
        ballots, counts = counted["ballots"], counted["counts"]
    else:
        ballots, counts = turnout(vote), None
    return {"vote_id": vote.pk, "state": vote.state, "ballots": ballots, "counts": counts,
            "server_time": timezone.now().isoformat()}


def frame_for(vote: Vote, type_: str) -> dict:
    """``vote.snapshot`` / ``vote.updated``; a closed or tallied vote gets ``vote.closed`` instead of an update."""
    if type_ == "vote.updated" and vote.state in FINAL_STATES:
        type_ = "vote.closed"
    return {"type": type_, "data": live_data(vote)}


def snapshot(vote_id: int) -> dict | None:
    """What a page gets on connecting; None when there is no such vote to show."""
    vote = Vote.objects.filter(pk=vote_id, state__in=LIVE_STATES).first()
    return None if vote is None else frame_for(vote, "vote.snapshot")


# --- when it is sent (called on commit by services) ---------------------------------------------------

def ballot_cast(vote_id: int) -> None:
    """A ballot was stored: the first in a second schedules the update; the others are in its read."""
    if cache.add(_flag(vote_id), 1, FLAG_TIMEOUT):
        _send_later(vote_id)


def vote_changed(vote_id: int) -> None:
    """The vote opened, closed or was tallied: tell the pages now (not coalesced; it happens once)."""
    vote = Vote.objects.filter(pk=vote_id).first()
    if vote is not None:
        _send_now(vote_id, json.dumps(frame_for(vote, "vote.updated"), ensure_ascii=False))


def pending_update(vote_id: int) -> str | None:
    """At the end of the second: drop the flag, then read (a ballot after the read schedules anew)."""
    cache.delete(_flag(vote_id))
    vote = Vote.objects.filter(pk=vote_id, state=VoteState.OPEN).first()
    if vote is None:  # closed meanwhile: vote_changed told the pages
        return None
    return json.dumps(frame_for(vote, "vote.updated"), ensure_ascii=False)


def _message(text: str) -> dict:
    return {"type": "vote.live", "text": text}


def _send_now(vote_id: int, text: str) -> None:
    loop = serving_loop()
    if loop is not None:  # a view or consumer thread under daphne
        fanout.publish_soon(loop, group_name(vote_id), _message(text))
    else:  # Celery, the embedded sweeper, a shell
        async_to_sync(get_channel_layer().group_send)(group_name(vote_id), _message(text))


def _send_later(vote_id: int) -> None:
    """After LIVE_INTERVAL: on the server's loop if this thread has one, else on a timer thread."""
    loop = serving_loop()
    if loop is not None:
        async def later():
            await asyncio.sleep(LIVE_INTERVAL)
            text = await database_sync_to_async(pending_update)(vote_id)
            if text is not None:
                fanout.publish(group_name(vote_id), _message(text))
        spawn_soon(loop, later())
        return

    def on_timer():
        try:
            text = pending_update(vote_id)
            if text is not None:
                async_to_sync(get_channel_layer().group_send)(group_name(vote_id), _message(text))
        except Exception:  # the next ballot, or a reconnect's snapshot, brings the counts
            log.exception("vote %s: live update failed", vote_id)
        finally:
            connections.close_all()  # this thread's own connections
    timer = threading.Timer(LIVE_INTERVAL, on_timer)
    timer.daemon = True
    timer.start()


# --- how it reaches the sockets of one server process ---------------------------------------------------

class VoteResults(fanout.Topic):
    """A vote's frames in this process: each comes once from the layer and goes to every local socket."""

    def __init__(self, vote_id: int):
        super().__init__(group_name(vote_id))
        self.vote_id = vote_id

    async def on_message(self, message: dict) -> None:
        if message.get("type") != "vote.live":
            return
        for consumer in list(self.sinks):
            try:
                await consumer.deliver(message["text"])
            except Exception:  # one broken socket must not stop the others
                log.exception("vote %s: delivery to a socket failed", self.vote_id)


async def join(consumer, vote_id: int) -> None:
    """Subscribe ``consumer`` to the vote's frames; raises LayerUnavailable when the layer cannot be
    reached now (the consumer answers 4013)."""
    await fanout.local().join(group_name(vote_id), consumer, lambda: VoteResults(vote_id))


async def leave(consumer, vote_id: int) -> None:
    await fanout.local().leave(group_name(vote_id), consumer)
