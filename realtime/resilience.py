"""Living with a channel layer (Redis) that times out, restarts or is away for a while.

Two pieces, used by the live rooms and the live vote results:

- ``LayerGuard``, a consumer mixin: Channels' dispatch loop reads the consumer's own layer channel
  next to the socket, and a failed layer read (a Redis timeout, a dropped connection) used to end
  the consumer and close the person's socket with 1011. Here that read retries with backoff, and
  ``after_close`` runs however the consumer ended, so a crash cannot leave a person counted present.
- ``Subscription``: a server process's one subscription to a group (a room, a vote). Its reader
  retries with backoff and jitter, joins the group again after a failure (the group's members are
  lost when Redis restarts without persistence), renews its membership every
  REFRESH_SECONDS (a Redis that restarted between two reads, and channels-redis's group expiry),
  and tells its owner after each renewal so it can take what it missed from its own record.
  ``check`` answers at connect whether the layer is reachable now (at most one probe a second).

See docs/architecture.md, "Fan-out", and docs/realtime-protocol.md for the close codes.
"""

import asyncio
import contextvars
import inspect
import logging
import random
from collections.abc import Awaitable, Callable

from channels.exceptions import StopConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch

log = logging.getLogger(__name__)

RETRY_FIRST = 0.5  # seconds before the first retry of a failed layer read; doubles up to RETRY_MAX
RETRY_MAX = 10.0
REFRESH_SECONDS = 15.0  # a subscription renews its group membership (and its owner catches up) this often
PROBE_SECONDS = 1.0  # connects within this share one probe of the layer
PROBE_TIMEOUT = 3.0  # a probe that takes longer counts as the layer being away (daphne's handshake waits 5 s)


class LayerUnavailable(Exception):
    """The channel layer cannot be reached now: a socket is refused with 4013 (try again later)."""


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (0, 1, …): doubling, capped, jittered."""
    return min(RETRY_MAX, RETRY_FIRST * 2 ** min(attempt, 10)) * random.uniform(0.5, 1.0)


class LayerGuard:
    """Mixin for AsyncConsumer subclasses: a failing layer read never ends the consumer.

    Replaces ``AsyncConsumer.__call__`` (channels 4.3) with the same loop, where the channel read
    retries instead of raising (and is not made at all unless ``reads_own_channel``), and where
    ``after_close`` always runs at the end.
    """

    async def __call__(self, scope, receive, send):
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources = [receive]
        if self.channel_layer is not None and self.reads_own_channel():
            self.channel_name = await self.channel_layer.new_channel()  # local to this process: no I/O
            self.channel_receive = self._guarded_channel_receive
            sources.append(self.channel_receive)
        self.base_send = send
        try:
            await await_many_dispatch(sources, self.dispatch)
        except StopConsumer:
            pass
        finally:
            try:
                await self.after_close()
            except Exception:
                log.exception("cleaning up after a socket failed")

    def reads_own_channel(self) -> bool:
        """Whether anything is ever sent to this consumer's own layer channel. A consumer fed by its
        process's subscription (the room fan-out ``local``, the vote hub) says no: then no layer read
        is parked per socket (3,000 sockets were 3,000 reads, each cancelled at its close)."""
        return True

    async def _guarded_channel_receive(self):
        attempt = 0
        while True:
            try:
                return await self.channel_layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the socket stays; the layer will be back
                log.debug("a consumer's channel layer read failed (%r); retrying", error)
                await asyncio.sleep(backoff(attempt))
                attempt += 1

    async def after_close(self) -> None:
        """Runs once the consumer ends, normally or by an exception; must be idempotent. Default: nothing."""


class Subscription:
    """One process's subscription to ``group``: ``on_message`` gets each message (and is awaited if it
    returns an awaitable, so messages are handled in order), ``on_renewed`` runs after
    each new or renewed membership (the owner then takes from its record what it may have missed)."""

    def __init__(self, layer, group: str, on_message: Callable[[dict], None | Awaitable[None]],
                 on_renewed: Callable[[], Awaitable[None]] | None = None):
        self.layer, self.group = layer, group
        self.on_message, self.on_renewed = on_message, on_renewed
        self.channel: str | None = None
        self.healthy = False
        self.checked_at = float("-inf")
        self.probe: asyncio.Future | None = None
        self.tasks: list[asyncio.Task] = []

    async def open(self) -> None:
        """Subscribe, then read in the background. Raises LayerUnavailable if the layer is down now."""
        try:
            await self._subscribe()
        except Exception as error:
            raise LayerUnavailable(str(error)) from error
        loop = asyncio.get_running_loop()
        self.checked_at = loop.time()
        # In a fresh context: nothing of the connecting consumer's (asgiref's flags) passes to the readers.
        self.tasks = [loop.create_task(self._read(), context=contextvars.Context()),
                      loop.create_task(self._renew(), context=contextvars.Context())]

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        if self.channel is not None:
            channel = self.channel

            async def discard():
                try:
                    await self.layer.group_discard(self.group, channel)
                except Exception:  # the membership expires by itself
                    pass
            asyncio.get_running_loop().create_task(discard())

    async def check(self) -> None:
        """Raise LayerUnavailable unless the layer answered in the last PROBE_SECONDS (or answers now)."""
        loop = asyncio.get_running_loop()
        if self.healthy and loop.time() - self.checked_at < PROBE_SECONDS:
            return
        if self.probe is None or self.probe.done():
            self.probe = loop.create_task(self._probe())
        if not await asyncio.shield(self.probe):
            raise LayerUnavailable(self.group)

    async def _probe(self) -> bool:
        try:  # also renews the membership
            await asyncio.wait_for(self.layer.group_add(self.group, self.channel), PROBE_TIMEOUT)
        except Exception as error:
            log.warning("%s: the channel layer does not answer (%r)", self.group, error)
            self.healthy = False
            return False
        self.checked_at = asyncio.get_running_loop().time()
        self.healthy = True  # a slow probe marked it unhealthy; this answer is the news that it is back
        return True

    async def _subscribe(self) -> None:
        if self.channel is None:  # the same channel again after a failure: a name, nothing more
            self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.healthy = True

    async def _read(self) -> None:
        attempt = 0
        while True:
            try:
                if not self.healthy:
                    await self._subscribe()
                    log.warning("%s: subscribed again to the channel layer", self.group)
                    attempt = 0
                    await self._renewed()
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a timeout, a dropped connection, Redis away: subscribe again
                self.healthy = False
                delay = backoff(attempt)
                attempt += 1
                log.warning("%s: channel layer read failed (%r); subscribing again in %.1f s", self.group, error, delay)
                await asyncio.sleep(delay)
                continue
            attempt = 0
            try:
                handled = self.on_message(message)
                if inspect.isawaitable(handled):
                    await handled
            except Exception:
                log.exception("%s: a message could not be handled", self.group)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS * random.uniform(0.8, 1.0))
            if not self.healthy:
                continue  # the reader is subscribing again
            try:
                await self.layer.group_add(self.group, self.channel)
            except Exception as error:
                log.warning("%s: renewing the subscription failed (%r)", self.group, error)
                continue
            self.checked_at = asyncio.get_running_loop().time()
            await self._renewed()

    async def _renewed(self) -> None:
        if self.on_renewed is not None:
            try:
                await self.on_renewed()
            except Exception:
                log.exception("%s: catching up after renewing the subscription failed", self.group)
