"""A vote's live results socket (read-only): a snapshot on connect, then the updates voting/live.py sends.

Anyone who may see the vote's page may subscribe (the frames hold totals only). The only frame a
client sends is ``ping``; anything else gets an ``error`` frame and the connection stays up. See
docs/realtime-protocol.md "Live vote results".
"""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from realtime.connection import CLOSE_NOT_FOUND, CLOSE_TRY_LATER, BadFrame, read_json_frame, scope_language
from realtime.resilience import LayerGuard

from . import live

log = logging.getLogger(__name__)

MAX_FRAME_CHARS = 1000  # a ping is a few bytes; larger frames are refused before parsing


class VoteLiveConsumer(LayerGuard, AsyncJsonWebsocketConsumer):
    """One page's socket for one vote. Updates that arrive before the snapshot is sent wait for it.

    A failing channel layer does not close it (resilience.LayerGuard); when the layer or the database
    cannot be reached at connect, it is refused with 4013 (try again later).
    """

    joined = ready = False

    async def connect(self):
        self.vote_id = self.scope["url_route"]["kwargs"]["vote_id"]
        self.language = scope_language(self.scope)
        self.waiting: list[str] = []
        # Subscribe before reading: whatever commits from here on reaches this socket.
        try:
            await live.join(self, self.vote_id)
            self.joined = True
            frame = await database_sync_to_async(live.snapshot)(self.vote_id)
        except Exception:
            log.warning("vote %s: a socket was told to come back later", self.vote_id, exc_info=True)
            await self.leave()
            await self.accept()
            with translation.override(self.language):
                await self.send_error("unavailable", _("The results cannot be read just now; reconnecting "
                                                       "shortly."))
            return await self.close(code=CLOSE_TRY_LATER)
        await self.accept()  # accept first so the browser sees the close code
        if frame is None:
            with translation.override(self.language):
                await self.send_error("not_found", _("There is no such vote."))
            await self.leave()
            return await self.close(code=CLOSE_NOT_FOUND)
        await self.send_json(frame)
        if frame["data"]["state"] in live.FINAL_STATES:  # nothing will change any more: the page reloads
            await self.send_json({"type": "vote.closed", "data": frame["data"]})
        self.ready = True
        for text in self.waiting:
            await self.send(text_data=text)
        self.waiting = []

    async def leave(self):
        if self.joined:
            self.joined = False
            await live.leave(self, self.vote_id)

    async def disconnect(self, code):
        await self.leave()

    def reads_own_channel(self) -> bool:
        return False  # the process's one subscription per vote (live.VoteResults) feeds every socket

    async def after_close(self):
        await self.leave()

    async def deliver(self, text: str):
        """A frame from the vote's subscription, serialised once for every socket of the process."""
        if self.ready:
            await self.send(text_data=text)
        else:
            self.waiting.append(text)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        with translation.override(self.language):
            try:
                content = read_json_frame(text_data, MAX_FRAME_CHARS)
            except BadFrame as error:
                return await self.send_error("bad_json", str(error))
            if isinstance(content, dict) and content.get("type") == "ping":
                return await self.send_json({"type": "pong", "data": {"server_time": timezone.now().isoformat()}})
            await self.send_error("read_only", _("This connection only sends results; the only frame it accepts "
                                                 "is a ping."))

    async def send_error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": str(message)})
