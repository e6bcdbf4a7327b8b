"""A server process's subscriptions, shared by its sockets, and its broadcasts to the channel layer.

The rooms and the live vote results both reach their sockets so (docs/architecture.md "Fan-out and
crowds"): a process subscribes once to a group (a room, a vote), whatever the number of its sockets
there, and each message then goes to those sockets from memory; one message per process instead of
one per socket. What a message becomes (a room's events in seq order, a vote's counts) is the
``Topic``'s business.
"""

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable

from channels.layers import get_channel_layer

from realtime.loops import PerLoop, call_soon
from realtime.resilience import Subscription

log = logging.getLogger(__name__)


class Topic:
    """What one group's subscription feeds in this process: its sinks (sockets), and what a message
    from the group becomes for them."""

    # True: this process's own broadcasts are offered to ``on_message`` at once (see Publisher), which must
    # then queue them without awaiting (a room's feed does; its order comes from the seq).
    hears_own_broadcasts = False

    def __init__(self, group: str):
        self.group = group
        self.sinks: set = set()

    def on_message(self, message: dict) -> None | Awaitable[None]:
        """A message from the group (awaited if it returns an awaitable: messages are handled in order)."""
        raise NotImplementedError

    async def on_renewed(self) -> None:
        """The subscription was renewed: messages may have been lost meanwhile. Default: nothing."""

    async def start(self) -> None:
        """Once subscribed, before the first sink joins. Default: nothing."""

    def stop(self) -> None:
        """The last sink left. Default: nothing."""


class LocalFanout:
    """One layer subscription per group in this process, shared by the process's sinks in it.

    The subscription (realtime.resilience.Subscription) survives Redis timeouts and restarts.
    ``join`` raises LayerUnavailable when the layer cannot be reached now (the consumer refuses the
    socket with 4013), or whatever the topic's ``start`` raised.
    """

    def __init__(self):
        self.topics: dict[str, Topic] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.lock = asyncio.Lock()

    async def join(self, group: str, sink, make_topic: Callable[[], Topic]) -> Topic:
        known = self.subscriptions.get(group)
        if known is not None:  # outside the lock: a slow probe must not hold up other groups' arrivals
            await known.check()
        async with self.lock:
            topic = self.topics.get(group)
            if topic is None:
                topic = make_topic()
                subscription = Subscription(get_channel_layer(), group, topic.on_message, on_renewed=topic.on_renewed)
                await subscription.open()
                self.topics[group], self.subscriptions[group] = topic, subscription
                try:
                    await topic.start()
                except BaseException:
                    self._drop(group)
                    raise
            topic.sinks.add(sink)
            return topic

    async def leave(self, group: str, sink) -> None:
        async with self.lock:
            topic = self.topics.get(group)
            if topic is None:
                return
            topic.sinks.discard(sink)
            if not topic.sinks:
                self._drop(group)

    def _drop(self, group: str) -> None:
        self.topics.pop(group).stop()
        self.subscriptions.pop(group).close()


class Publisher:
    """A server process's broadcasts, sent to the layer in the order they were made, without making
    the writer wait.

    A broadcast is made in a database thread right after a commit. Waiting there for the layer
    (``async_to_sync(group_send)``) held that thread, the one all of the process's room writes
    share, until the event loop, busy sending to a thousand sockets, got round to it: the benchmark
    showed a quarter of the server's time spent so. Instead the thread hands the message to the
    loop and returns (``publish_soon``); the publisher sends them one by one, in order (a vote's
    "closed" never overtakes its "tallied"), and gives this process's own topic its copy at once
    where the topic takes it (a room's feed; the layer's copy then arrives as a repeat and is dropped).
    """

    def __init__(self):
        self.outbox: collections.deque = collections.deque()
        self.worker: asyncio.Task | None = None

    def publish(self, group: str, message: dict) -> None:
        local = _local.peek(asyncio.get_running_loop())
        topic = local.topics.get(group) if local is not None else None
        if topic is not None and topic.hears_own_broadcasts:
            topic.on_message(message)
        self.outbox.append((group, message))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        """Send what is queued to the layer, in order, then stop (the next publish starts a worker again)."""
        layer = get_channel_layer()
        while self.outbox:
            group, message = self.outbox.popleft()
            try:
                await layer.group_send(group, message)
            except Exception:  # a room's other processes fill the hole from the log with the next event (or a ping)
                log.exception("%s: broadcast to the layer failed", group)


_local: PerLoop[LocalFanout] = PerLoop(LocalFanout)
_publishers: PerLoop[Publisher] = PerLoop(Publisher)


def local() -> LocalFanout:
    """The running loop's subscriptions (a server has one loop; tests have many)."""
    return _local.get()


def publish(group: str, message: dict) -> None:
    """On the loop: queue a broadcast to ``group`` (see Publisher)."""
    _publishers.get().publish(group, message)


def publish_soon(loop: asyncio.AbstractEventLoop, group: str, message: dict) -> None:
    """From a thread: have ``loop`` publish the message (see Publisher), in a fresh context (loops.call_soon)."""
    call_soon(loop, lambda: publish(group, message))
