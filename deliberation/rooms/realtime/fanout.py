"""How a room's events reach the sockets of one server process, complete and in seq order.

A ``RoomFeed`` turns the broadcasts of one room (which may arrive late, twice or out of order when
several processes write to the room) into the room's events in seq order without holes: it starts
from the room's ``last_seq`` at subscription time, and fills any hole from the event log before
going on. Each event is serialised once and handed to the feed's sinks (consumers), which decide
whether their person may see it (table chat) and send the ready-made text.

Two designs share this code (settings.ROOM_FANOUT, see docs/architecture.md "Fan-out"):

- ``local`` (default): one feed per room per process, subscribed once to the room's group on the
  channel layer (realtime.fanout.LocalFanout, shared with the live vote results); a broadcast costs
  one layer message per process, then a loop over local sockets.
- ``group``: Channels' stock design, every consumer in the group with its own feed of one sink;
  a broadcast costs one layer message per socket. Kept for the benchmark that chose between them.
"""

import asyncio
import collections
import json
import logging

from channels.db import database_sync_to_async
from django.conf import settings

from realtime import fanout as shared
from realtime import wire
from realtime.resilience import LayerUnavailable

from deliberation.rooms.realtime.events import events_after, group_name
from deliberation.rooms.models import Room

log = logging.getLogger(__name__)

CATCH_UP = {"type": "room.catch_up"}  # queued after a renewed subscription: fill from the log up to now
RECENT_MAX = 256  # the events a feed keeps in memory for sockets resuming just behind it


class RoomFeed(shared.Topic):
    hears_own_broadcasts = True  # this process's own broadcasts come at once; the layer's copy is a repeat

    def __init__(self, room_id: int):
        super().__init__(group_name(room_id))
        self.room_id = room_id
        self.base: int | None = None  # the highest seq handed on; None until subscribed
        self.early: list[dict] = []  # broadcasts that came before ``base`` was known
        self.inbox: asyncio.Queue | None = None
        self.worker: asyncio.Task | None = None
        # The last events handed on, without a hole, up to ``base``: a socket resuming within them (one that
        # connected while presence changed, the common case in a crowd) is served from here, not the log.
        self.recent: collections.deque = collections.deque(maxlen=RECENT_MAX)

    def on_message(self, message: dict) -> None:
        """A message from the room's group: only broadcasts are queued."""
        if message.get("type") == "room.event":
            self.offer(message)

    def offer(self, message: dict) -> None:
        """Queue a broadcast (from the layer, or published by this process); one worker pushes them in turn."""
        if self.inbox is None:
            self.inbox = collections.deque()
        self.inbox.append(message)
        if self.worker is None or self.worker.done():
            self.worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        """Push what is queued, in order, then stop (the next offer starts a worker again)."""
        while self.inbox:
            message = self.inbox.popleft()
            try:
                await self.push(message)
            except Exception:  # e.g. the database was away while filling a hole: the next event tries again
                log.exception("room %s: an event could not be handed on", self.room_id)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    async def start(self) -> None:
        """Call once subscribed to the group: everything at or below ``base`` is in the log already."""
        self.base = await database_sync_to_async(
            lambda: Room.objects.filter(pk=self.room_id).values_list("last_seq", flat=True).first() or 0)()
        early, self.early = self.early, []
        for message in sorted(early, key=lambda m: m["event"]["seq"]):
            await self.push(message)

    async def on_renewed(self) -> None:
        """After the subscription was renewed (broadcasts may have been lost meanwhile): take what the log
        has beyond ``base``, in turn with the broadcasts."""
        self.offer(CATCH_UP)

    async def push(self, message: dict) -> None:
        """One broadcast (``{"event": envelope, "table_id": ...}``) from the layer, or CATCH_UP."""
        if self.base is None:
            if message is not CATCH_UP:
                self.early.append(message)
            return
        if message is CATCH_UP:
            last = await database_sync_to_async(
                lambda: Room.objects.filter(pk=self.room_id).values_list("last_seq", flat=True).first() or 0)()
            await self._fill(last + 1)
            return
        seq = message["event"]["seq"]
        if seq <= self.base:
            return  # a repeat, or older than the subscription (the log has it)
        await self._fill(seq)
        await self._hand_on(message)

    async def _fill(self, seq: int) -> None:
        """Hand on every event between ``base`` and ``seq`` (not included) from the log."""
        while seq > self.base + 1:  # an earlier event is late (another process) or was lost: take it from the log
            missed = await database_sync_to_async(
                lambda: events_after(room_id=self.room_id, seq=self.base, upto=seq - 1, with_table=True))()
            if not missed:
                break  # cannot happen (seq order is commit order); never wait for it
            for event in missed:
                await self._hand_on(event)

    async def _hand_on(self, message: dict) -> None:
        event = message["event"]
        self.base = event["seq"]
        text = json.dumps(event, ensure_ascii=False)
        out = Outgoing(text)
        self.recent.append((event, out, message.get("table_id")))
        for sink in list(self.sinks):
            try:
                await sink.deliver(event, out, message.get("table_id"))
            except Exception:  # one broken socket must not stop the room for the others
                log.exception("room %s: delivery to a socket failed", self.room_id)


class Outgoing:
    """One event's text for every socket, and its WebSocket frame, built on first use (realtime.wire)."""

    __slots__ = ("text", "_frame")

    def __init__(self, text: str):
        self.text, self._frame = text, None

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = wire.text_frame(self.text)
        return self._frame


class GroupFanout:
    """``group``: each consumer in the group on its own (Channels' stock design)."""

    async def join(self, consumer) -> None:
        consumer.feed = RoomFeed(consumer.room_id)
        consumer.feed.sinks.add(consumer)
        try:
            await consumer.channel_layer.group_add(group_name(consumer.room_id), consumer.channel_name)
        except Exception as error:
            raise LayerUnavailable(str(error)) from error
        await consumer.feed.start()

    async def leave(self, consumer) -> None:
        await consumer.channel_layer.group_discard(group_name(consumer.room_id), consumer.channel_name)


async def join(consumer) -> None:
    """Subscribe ``consumer`` to its room's events (``consumer.feed``); raises LayerUnavailable when the
    layer cannot be reached now (the consumer refuses the socket with 4013)."""
    if settings.ROOM_FANOUT == "group":
        await _group.join(consumer)
    else:
        consumer.feed = await shared.local().join(group_name(consumer.room_id), consumer,
                                                  lambda: RoomFeed(consumer.room_id))


async def leave(consumer) -> None:
    if settings.ROOM_FANOUT == "group":
        await _group.leave(consumer)
    else:
        await shared.local().leave(group_name(consumer.room_id), consumer)


_group = GroupFanout()
