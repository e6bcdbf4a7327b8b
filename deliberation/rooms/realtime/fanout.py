"""How a room's events reach the sockets of one server process, complete and in seq order.

A ``RoomFeed`` turns the broadcasts of one room (which may arrive late, twice or out of order when
several processes write to the room) into the room's events in seq order without holes: it starts
from the room's ``last_seq`` at subscription time, and fills any hole from the event log before
going on. Each event is serialised once and handed to the feed's sinks (consumers), which decide
whether their person may see it (table chat) and send the ready-made text.

Two designs share this code (settings.ROOM_FANOUT, see docs/architecture.md "Fan-out"):

- ``local`` (default): one feed per room per process, subscribed once to the room's group on the
  channel layer; a broadcast costs one layer message per process, then a loop over local sockets.
- ``group``: Channels' stock design, every consumer in the group with its own feed of one sink;
  a broadcast costs one layer message per socket. Kept for the benchmark that chose between them.
"""

import asyncio
import collections
import contextvars
import json
import logging
import weakref

from channels.db import database_sync_to_async

from deliberation.rooms.realtime.events import events_after, group_name
from deliberation.rooms.models import Room
from deliberation.rooms.realtime.resilience import LayerUnavailable, Subscription

log = logging.getLogger(__name__)

CATCH_UP = {"type": "room.catch_up"}  # queued after a renewed subscription: fill from the log up to now


class RoomFeed:
    def __init__(self, room_id: int):
        self.room_id = room_id
        self.sinks: set = set()
        self.base: int | None = None  # the highest seq handed on; None until subscribed
        self.early: list[dict] = []  # broadcasts that came before ``base`` was known
        self.inbox: asyncio.Queue | None = None
        self.worker: asyncio.Task | None = None

    def offer_event(self, message: dict) -> None:
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

    async def catch_up(self) -> None:
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
        for sink in list(self.sinks):
            try:
                await sink.deliver(event, text, message.get("table_id"))
            except Exception:  # one broken socket must not stop the room for the others
                log.exception("room %s: delivery to a socket failed", self.room_id)


class LocalFanout:
    """``local``: one layer subscription per room in this process, shared by its consumers.

    The subscription (deliberation.rooms.realtime.resilience.Subscription) survives Redis timeouts and restarts;
    after each renewal the room's feed catches up from the log. ``join`` raises LayerUnavailable
    when the layer cannot be reached now (the consumer refuses the socket with 4013).
    """

    def __init__(self):
        self.feeds: dict[int, RoomFeed] = {}
        self.subscriptions: dict[int, Subscription] = {}
        self.lock = asyncio.Lock()

    async def join(self, consumer) -> None:
        known = self.subscriptions.get(consumer.room_id)
        if known is not None:  # outside the lock: a slow probe must not hold up other rooms' arrivals
            await known.check()
        async with self.lock:
            feed = self.feeds.get(consumer.room_id)
            if feed is None:
                feed = RoomFeed(consumer.room_id)
                subscription = Subscription(consumer.channel_layer, group_name(consumer.room_id), feed.offer_event,
                                            on_renewed=feed.catch_up)
                await subscription.open()
                self.feeds[consumer.room_id], self.subscriptions[consumer.room_id] = feed, subscription
                try:
                    await feed.start()
                except BaseException:
                    self._drop(consumer.room_id)
                    raise
            feed.sinks.add(consumer)
            consumer.feed = feed

    async def leave(self, consumer) -> None:
        async with self.lock:
            feed = self.feeds.get(consumer.room_id)
            if feed is None:
                return
            feed.sinks.discard(consumer)
            if not feed.sinks:
                self._drop(consumer.room_id)

    def _drop(self, room_id: int) -> None:
        self.feeds.pop(room_id).stop()
        self.subscriptions.pop(room_id).close()


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


class Publisher:
    """A server process's broadcasts, sent to the layer in commit order without making the writer wait.

    ``events.broadcast`` runs in a database thread right after a commit. Waiting there for the
    layer (``async_to_sync(group_send)``) held that thread, the one all of the process's room writes
    share, until the event loop, busy sending to a thousand sockets, got round to it: the benchmark
    showed a quarter of the server's time spent so. Instead the thread hands the message to the
    loop and returns; this publisher sends them to the layer one by one, in order, and gives this
    process's own feed its copy at once (the layer's copy then arrives as a repeat and is dropped).
    """

    def __init__(self):
        self.outbox: collections.deque = collections.deque()
        self.worker: asyncio.Task | None = None

    def publish(self, room_id: int, message: dict) -> None:
        local = _local.get(asyncio.get_running_loop())
        feed = local.feeds.get(room_id) if local is not None else None
        if feed is not None:
            feed.offer(message)
        self.outbox.append((room_id, message))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        """Send what is queued to the layer, in order, then stop (the next publish starts a worker again)."""
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        while self.outbox:
            room_id, message = self.outbox.popleft()
            try:
                await layer.group_send(group_name(room_id), message)
            except Exception:  # other processes fill the hole from the log with the next event (or a ping)
                log.exception("room %s: broadcast to the layer failed", room_id)


_publishers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Publisher]" = weakref.WeakKeyDictionary()


def publish_soon(loop: asyncio.AbstractEventLoop, room_id: int, message: dict) -> None:
    """From a thread: have ``loop`` publish the message (see Publisher)."""
    def publish():
        if loop not in _publishers:
            _publishers[loop] = Publisher()
        _publishers[loop].publish(room_id, message)

    # A fresh context: the calling thread's (asgiref's "this thread is busy" flag of the database
    # thread we are called from) must not pass to the feed's task, whose gap fill then needs
    # database_sync_to_async and was refused ("Single thread executor already being used").
    loop.call_soon_threadsafe(publish, context=contextvars.Context())


_local: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LocalFanout]" = weakref.WeakKeyDictionary()
_group = GroupFanout()


def fanout():
    """The design in use; ``local`` keeps one registry per event loop (a server has one; tests have many)."""
    from django.conf import settings

    if settings.ROOM_FANOUT == "group":
        return _group
    loop = asyncio.get_running_loop()
    if loop not in _local:
        _local[loop] = LocalFanout()
    return _local[loop]
