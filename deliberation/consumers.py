"""The live room's WebSocket: admits, validates each frame, calls a service; events come back via the group."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from . import rules, services
from .dispatch import ACTIONS, CLOSE_ERRORS
from .events import events_after, group_name
from .models import Room
from .protocol import MAX_FRAME_CHARS, ProtocolError, validate


def scope_language(scope) -> str:
    """The language cookie, else the browser's Accept-Language, else the site default."""
    headers = dict(scope.get("headers", []))
    accepted = parse_accept_lang_header(headers.get(b"accept-language", b"").decode("latin-1"))
    for code in [scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)] + [c for c, _q in accepted]:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:  # also None, "" and "*"
            continue
    return settings.LANGUAGE_CODE


class RoomConsumer(AsyncJsonWebsocketConsumer):
    joined = synced = False  # synced: the client said where it is (resume); live events flow from then on
    last_sent = 0  # the highest seq delivered on this connection; nothing at or below it is sent again

    async def connect(self):
        self.room_id = self.scope["url_route"]["kwargs"]["room_id"]
        self.user, self.language = self.scope["user"], scope_language(self.scope)
        refusal = await self.in_db(self._admit)
        await self.accept()  # accept first so the browser sees the close code (a refused handshake hides it)
        if refusal:
            await self.send_error(CLOSE_ERRORS[refusal[0]], refusal[1])
            return await self.close(code=refusal[0])  # daphne drops close reasons; the error frame has it
        self.group = group_name(self.room_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.joined = True
        snapshot = await self.in_db(lambda: services.room_state_snapshot(
            Room.objects.select_related("current_round").get(pk=self.room_id)))
        await self.send_json({"type": "hello", "seq": snapshot["room"]["last_seq"], "data": snapshot})
        await self.announce(present=True)

    async def disconnect(self, code):
        if self.joined:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.announce(present=False)

    async def announce(self, *, present: bool):
        await self.in_db(lambda: services.announce_presence(room=Room(pk=self.room_id), user=self.user,
                                                            present=present))

    def _admit(self) -> tuple[int, str] | None:
        room = Room.objects.filter(pk=self.room_id).first()
        if room is None:
            return rules.CLOSE_NOT_FOUND, _("There is no such room.")
        refusal = rules.refuse_join(self.user, room, rules.membership(self.user, room))
        if refusal is None:
            services.join(room=room, user=self.user)
        return refusal

    @database_sync_to_async
    def in_db(self, work):
        with translation.override(self.language):
            return work()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            if text_data is None or len(text_data) > MAX_FRAME_CHARS:
                raise ValueError
            content = json.loads(text_data)
        except ValueError:
            with translation.override(self.language):
                await self.send_error("bad_json", _("A frame is one JSON text of at most %(n)d characters.")
                                      % {"n": MAX_FRAME_CHARS})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        with translation.override(self.language):
            try:
                kind, data = validate(content)
                if kind == "ping":
                    await self.send_json({"type": "pong", "data": {"server_time": timezone.now().isoformat()}})
                elif kind == "resume":
                    await self.resume(data["last_seq"])
                else:
                    action = ACTIONS[kind]
                    await self.in_db(lambda: action(Room(pk=self.room_id), self.user, data))
            except ProtocolError as error:
                await self.send_error(error.code, error.message)
            except PermissionDenied as error:
                await self.send_error("forbidden", str(error) or _("You may not do this."))
            except ValidationError as error:  # ClockError and RateLimited ("rate_limited") too: their own code
                await self.send_error(error.code or "invalid", error.messages[0])
            except Room.DoesNotExist:
                await self.send_error("not_found", _("There is no such room."))

    async def room_event(self, message):
        """A committed event of the room (events.broadcast): in seq order, gaps filled from the log, no repeats."""
        event = message["event"]
        if self.synced and event["seq"] > self.last_sent:  # before resume, resume replays it from the log
            if event["seq"] > self.last_sent + 1:  # an earlier event is still on its way from another process
                await self.send_missed(upto=event["seq"])
            if event["seq"] > self.last_sent:
                await self.send_json(event)
                self.last_sent = event["seq"]
        if event["type"] == "member.removed" and event["data"]["user_id"] == self.user.pk:
            with translation.override(self.language):  # this person was removed: every tab of theirs closes
                await self.send_error("forbidden", _("You were removed from this room."))
            await self.close(code=rules.CLOSE_FORBIDDEN)

    async def resume(self, last_seq: int):  # a second resume never repeats what this connection delivered
        self.last_sent = max(self.last_sent, last_seq) if self.synced else last_seq
        self.synced = True
        await self.send_missed()

    async def send_missed(self, upto: int | None = None):
        """Every logged event after last_sent (up to ``upto``), in order, in pages."""
        while True:
            page = await self.in_db(lambda: events_after(room_id=self.room_id, seq=self.last_sent))
            for event in page:
                if upto is not None and event["seq"] > upto:
                    return
                await self.send_json(event)
                self.last_sent = event["seq"]
            if len(page) < 1000:
                return

    async def send_error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": str(message)})
