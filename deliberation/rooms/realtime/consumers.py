"""The live room's WebSocket: admits, validates each frame, calls a service; events come back via the group."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from realtime.connection import scope_language
from realtime.loops import PerLoop
from realtime import wire
from realtime.resilience import LayerGuard, LayerUnavailable

from frontend.refusals import refusal

from deliberation.rooms import rules, services
from deliberation.rooms.realtime import admission, fanout
from deliberation.rooms.realtime.dispatch import ACTIONS, CLOSE_ERRORS, REPLIES
from deliberation.rooms.realtime.events import events_after
from deliberation.rooms.models import Room
from deliberation.rooms.realtime.protocol import INBOUND, ProtocolError, decode, validate
from deliberation.rooms.services.presence import PRESENCE_INTERVAL

log = logging.getLogger(__name__)


_presence_flushes: PerLoop[set[int]] = PerLoop(set)  # rooms whose presence flush this loop has scheduled


def schedule_presence_flush(room_id: int) -> None:
    """Send the room's pending presence change at the end of its one-second window, once per process."""
    pending = _presence_flushes.get()
    if room_id in pending:
        return
    pending.add(room_id)

    async def flush():
        await asyncio.sleep(PRESENCE_INTERVAL.total_seconds() + 0.05)
        pending.discard(room_id)
        try:
            await database_sync_to_async(lambda: services.flush_presence(room_id=room_id))()
        except Exception:  # the sweep sends it instead
            log.exception("room %s: presence flush failed", room_id)

    asyncio.get_running_loop().create_task(flush())


class RoomConsumer(LayerGuard, AsyncJsonWebsocketConsumer):
    """One person's socket in one room.

    Events reach it through the process's fan-out (deliberation/rooms/realtime/fanout.py), complete and in seq order.
    Live events flow only once the client said where it is (``resume``): until then the log has them.
    While a resume replays the log, live events wait in ``held`` and follow it, so none is sent twice
    or out of order. Table chat is sent only to those who may read it (``readable``).

    Nothing a client sends closes its socket: every frame gets its event or an ``error`` frame (an
    unexpected failure: ``internal``), and a failing channel layer is retried (resilience.LayerGuard).
    When the layer or the database cannot be reached at connect, the socket is refused with 4013
    (try again later) rather than accepted and dropped.
    """

    joined = counted = synced = catching_up = False
    wire = None  # daphne's protocol of this socket, when served by daphne (realtime/wire.py)
    last_sent = 0  # the highest seq handled on this connection; nothing at or below it is sent again
    readable: set | None = None  # table ids whose chat this person reads; None: every table (facilitator)

    async def connect(self):
        self.room_id = self.scope["url_route"]["kwargs"]["room_id"]
        self.user, self.language = AnonymousUser(), scope_language(self.scope)
        self.held: list = []
        session_key = self.scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return await self.refuse(rules.CLOSE_UNAUTHENTICATED, gettext_lazy("Please sign in to join the room."))
        # Subscribe before reading the room: whatever commits from here on reaches this socket.
        try:
            await fanout.join(self)
        except LayerUnavailable:
            return await self.refuse(rules.CLOSE_TRY_LATER, gettext_lazy(
                "The room's server cannot reach its message service just now; reconnecting shortly."))
        except Exception:  # the room's feed starts from the database (its last seq): the database is away
            log.exception("room %s: joining the room's feed failed", self.room_id)
            await self._leave_fanout()
            return await self.refuse(rules.CLOSE_TRY_LATER, gettext_lazy(
                "The room's server cannot reach its database just now; reconnecting shortly."))
        self.joined = True
        try:
            arrival = await admission.arrive({"room_id": self.room_id, "session_key": session_key,
                                              "language": self.language})
        except Exception:  # the database is away: nothing was counted (the batch failed as a whole)
            log.exception("room %s: admission failed", self.room_id)
            self.joined = False
            await self._leave_fanout()
            return await self.refuse(rules.CLOSE_TRY_LATER, gettext_lazy(
                "The room's server cannot reach its database just now; reconnecting shortly."))
        self.user = arrival["user"]
        if arrival["refusal"]:
            self.joined = False
            await self._leave_fanout()
            return await self.refuse(*arrival["refusal"])
        self.counted = True
        self.readable = None if arrival["readable"] is None else set(arrival["readable"])
        snapshot = arrival["snapshot"]
        await self.accept()
        if settings.ROOM_DIRECT_SEND:  # daphne's socket, for the room's events (realtime/wire.py)
            self.wire = wire.writer(self.base_send)
        await self.send_json({"type": "hello", "seq": snapshot["room"]["last_seq"], "data": snapshot})
        if arrival["pending"]:
            schedule_presence_flush(self.room_id)

    async def refuse(self, code: int, reason: str):
        await self.accept()  # accept first so the browser sees the close code (a refused handshake hides it)
        with translation.override(self.language):
            await self.send_error(CLOSE_ERRORS[code], str(reason))
        await self.close(code=code)  # daphne drops close reasons; the error frame has it

    async def disconnect(self, code):
        """Leave the feed and give back this socket's presence; each step even if another failed."""
        if self.joined:
            self.joined = False
            await self._leave_fanout()
        if self.counted:
            self.counted = False
            try:
                if await admission.leave(self.room_id, self.user.pk):
                    schedule_presence_flush(self.room_id)
            except Exception:  # the database is away: the count goes stale after PRESENCE_STALE
                log.exception("room %s: presence of user %s not given back", self.room_id, self.user.pk)

    def reads_own_channel(self) -> bool:
        return settings.ROOM_FANOUT == "group"  # ``local``: the process's subscription feeds every socket

    async def after_close(self):
        """However the consumer ended (a crash included): as if the socket had closed."""
        await self.disconnect(None)

    async def _leave_fanout(self):
        try:
            await fanout.leave(self)
        except Exception:
            log.exception("room %s: leaving the fan-out failed", self.room_id)

    @database_sync_to_async
    def in_db(self, work):
        with translation.override(self.language):
            return work()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = decode(text_data)
        except ProtocolError as error:
            with translation.override(self.language):
                await self.send_error(error.code, error.message)
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        with translation.override(self.language):
            try:
                await self.handle(content)
            except Exception:  # a bug or an outage: this frame fails, the socket stays
                log.exception("room %s: a frame from user %s failed", self.room_id, self.user.pk)
                try:
                    await self.send_error("internal", _("Something went wrong on the server. Please try again."))
                except Exception:
                    log.exception("room %s: the error frame could not be sent", self.room_id)

    async def handle(self, content):
        """One decoded frame: validate it, then act; a refusal is answered with its ``error`` frame, which
        names the frame type it answers (``for``) so that the page can say it next to the control used."""
        answering = content.get("type") if isinstance(content, dict) else None
        answering = answering if isinstance(answering, str) and answering in INBOUND else None
        try:
            kind, data = validate(content)
            if kind == "ping":
                tables = None if self.readable is None else sorted(self.readable)
                last_seq = await self.in_db(lambda: services.heartbeat(room_id=self.room_id, user=self.user,
                                                                       tables=tables))
                await self.send_json({"type": "pong", "data": {"server_time": timezone.now().isoformat(),
                                                               "last_seq": last_seq}})
            elif kind == "resume":
                await self.resume(data["last_seq"])
            else:
                action = ACTIONS[kind]
                reply = await self.in_db(lambda: action(Room(pk=self.room_id), self.user, data))
                if kind in REPLIES and reply is not None:  # chat.ack / chat.refused, to this socket only
                    await self.send_json(reply)
        except ProtocolError as error:
            await self.send_error(error.code, error.message, answering)
        except (PermissionDenied, ValidationError) as error:  # ClockError, RateLimited…: their own code
            await self.send_error(*refusal(error), answering)
        except Room.DoesNotExist:
            await self.send_error("not_found", _("There is no such room."), answering)

    async def room_event(self, message):
        """ROOM_FANOUT=group: the broadcast came to this socket's own channel; its own feed orders it."""
        await self.feed.push(message)

    def may_read(self, table_id: int | None) -> bool:
        return table_id is None or self.readable is None or table_id in self.readable

    def learn_tables(self, event: dict) -> None:
        """A table split or move seats this person: from now on they read that table's chat."""
        if self.readable is not None and event["type"] in ("tables.opened", "tables.updated"):
            for table in event["data"]["tables"]:
                if any(m["user_id"] == self.user.pk for m in table["members"]):
                    self.readable.add(table["id"])

    async def deliver(self, event: dict, out, table_id: int | None):
        """The next event of the room (from the feed, in order, ``out`` a fanout.Outgoing): send it if this
        person may see it."""
        self.learn_tables(event)
        if self.synced:
            if self.catching_up:
                self.held.append((event, out, table_id))
            elif event["seq"] > self.last_sent:
                self.last_sent = event["seq"]
                if self.may_read(table_id):
                    await self.send_out(out)
        if event["type"] == "member.removed" and event["data"]["user_id"] == self.user.pk:
            with translation.override(self.language):  # this person was removed: every tab of theirs closes
                await self.send_error("forbidden", _("You were removed from this room."))
            await self.close(code=rules.CLOSE_FORBIDDEN)

    async def resume(self, last_seq: int):
        """Replay the log after ``last_seq``, then what arrived meanwhile; a second resume repeats nothing."""
        self.last_sent = max(self.last_sent, last_seq) if self.synced else last_seq
        self.synced = self.catching_up = True
        try:
            # At or past what the process's feed has handed on, the feed brings all that follows.
            if self.feed.base is None or self.last_sent < self.feed.base:
                if not await self.replay_recent():
                    await self.send_missed()
            while self.held:
                held, self.held = self.held, []
                for event, out, table_id in held:
                    if event["seq"] > self.last_sent:
                        self.last_sent = event["seq"]
                        if self.may_read(table_id):
                            await self.send_out(out)
        finally:
            self.catching_up = False

    async def replay_recent(self) -> bool:
        """What the feed handed on after last_sent, from its memory; False when it no longer holds all of it."""
        recent = self.feed.recent
        if not recent or recent[0][0]["seq"] > self.last_sent + 1:
            return False
        for event, out, table_id in list(recent):
            if event["seq"] > self.last_sent:
                self.learn_tables(event)
                self.last_sent = event["seq"]
                if self.may_read(table_id):
                    await self.send_out(out)
        return True

    async def send_out(self, out):
        """One event of the feed: its ready frame straight to daphne's socket, else through ASGI."""
        if self.wire is None or not wire.write(self.wire, out.frame):
            await self.base_send({"type": "websocket.send", "text": out.text})

    async def send_missed(self):
        """Every logged event after last_sent that this person may see, in order, in pages."""
        while True:
            tables = None if self.readable is None else sorted(self.readable)
            page = await self.in_db(lambda: events_after(room_id=self.room_id, seq=self.last_sent, tables=tables))
            for event in page:
                if event["seq"] > self.last_sent:
                    self.learn_tables(event)
                    await self.send_json(event)
                    self.last_sent = event["seq"]
            if len(page) < 1000:
                return

    async def send_error(self, code: str, message: str, answering: str | None = None):
        frame = {"type": "error", "code": code, "message": str(message)}
        if answering:
            frame["for"] = answering
        await self.send_json(frame)
