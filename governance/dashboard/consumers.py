"""The dashboard's live socket (read-only): the current figures on connect and on ``resume``, then one
``indicator.updated`` per changed indicator, at most about one per COALESCE_SECONDS: the writers send one
broadcast per window (events.py) and the socket reads its indicators again when the window closes, sending
only what changed, so the writes of the window arrive then.

A failing channel layer does not close the socket (realtime.resilience.LayerGuard); every REFRESH_SECONDS
the socket joins the group again (Redis may have restarted and lost it), and after a failure it sends the
figures as they are, so nothing missed meanwhile stays missing.

Each socket reads the figures for its own filters (the page's query string: year or dates, district),
from the tallies only. The client may send ``ping`` and ``resume``; anything else gets an ``error`` frame
and the connection stays up. See docs/realtime-protocol.md "Governance dashboard".
"""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from realtime.connection import CLOSE_TRY_LATER, BadFrame, read_json_frame, scope_language
from realtime.resilience import REFRESH_SECONDS, LayerGuard

from . import charts, events, selectors
from .forms import PeriodForm, default_period

log = logging.getLogger(__name__)

MAX_FRAME_CHARS = 200  # a ping or a resume is a few bytes
INBOUND = {"ping", "resume"}  # the only frames a client may send; each is {"type": ...} and nothing else


def frames(period, district, codes=None, kind="indicator.updated") -> list[dict]:
    out = []
    for f in selectors.dashboard(period, district, codes):
        data = f.as_data()
        unit = f.indicator.unit
        data["shown"] = charts.display(f.value, unit)
        data["rows"] = [[label, value, charts.display(value, unit)] for label, value in data["rows"]]
        out.append({"type": kind, "data": data})
    return out


def filters_of(query_string: bytes):
    form = PeriodForm(QueryDict(query_string.decode("latin-1")))
    if parse_qs(query_string.decode("latin-1")) and form.is_valid():
        return form.period(), form.chosen_district()
    return default_period(), ""


class DashboardConsumer(LayerGuard, AsyncJsonWebsocketConsumer):
    joined = False
    renewer: asyncio.Task | None = None
    trailer: asyncio.Task | None = None

    async def connect(self):
        self.language = scope_language(self.scope)
        self.period, self.district = filters_of(self.scope.get("query_string", b""))
        self.sent: dict[str, dict] = {}  # what this socket last sent, by indicator
        self.trailing: set[str] = set()  # indicators to read again when the current window closes
        self.trailing_all = False  # every indicator (after connecting or resuming)
        try:  # join before reading: whatever changes from here on reaches this socket
            await self.channel_layer.group_add(events.GROUP, self.channel_name)
            self.joined = True
        except Exception:
            log.warning("dashboard: a socket was told to come back later", exc_info=True)
            await self.accept()
            return await self.close(code=CLOSE_TRY_LATER)
        await self.accept()
        await self.send_current()
        self._read_again_when_the_window_closes(None)
        self.renewer = asyncio.create_task(self._renew())

    async def after_close(self) -> None:
        for task in (self.renewer, self.trailer):
            if task is not None:
                task.cancel()
        if self.joined:
            self.joined = False
            try:
                await self.channel_layer.group_discard(events.GROUP, self.channel_name)
            except Exception:  # the layer is away; the group's expiry drops this channel
                log.debug("dashboard: leaving the group failed", exc_info=True)

    async def _renew(self) -> None:
        failed = False
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                await self.channel_layer.group_add(events.GROUP, self.channel_name)
            except Exception:
                failed = True
                continue
            if failed:  # back after the layer was away: the figures as they are now
                failed = False
                await self.send_current(kind="indicator.updated", only_changed=True)

    async def send_current(self, codes=None, kind="indicator.snapshot", only_changed=False):
        with translation.override(self.language):
            out = await database_sync_to_async(frames)(self.period, self.district, codes, kind)
            for frame in out:
                code = frame["data"]["code"]
                if only_changed and self.sent.get(code) == frame["data"]:
                    continue
                self.sent[code] = frame["data"]
                await self.send(text_data=json.dumps(frame, ensure_ascii=False, default=str))

    async def dashboard_changed(self, message):
        """From events.broadcast: these indicators' tallies changed. Send them now, unless already waiting
        for the window to close; read them again when it closes (the writes of the window arrive then)."""
        codes = [code for code in message.get("codes", []) if code not in self.trailing]
        if not codes or self.trailing_all:
            return
        await self.send_current(codes, kind="indicator.updated", only_changed=True)
        self._read_again_when_the_window_closes(codes)

    def _read_again_when_the_window_closes(self, codes) -> None:
        """Read ``codes`` (None: every indicator) again COALESCE_SECONDS from now. After a broadcast: the
        writes its window held back. After connecting or resuming: the writes held back by a window that
        was already open then, whose broadcast this socket did not hear."""
        if codes is None:
            self.trailing_all = True
        else:
            self.trailing.update(codes)
        if self.trailer is None or self.trailer.done():
            self.trailer = asyncio.create_task(self._trail())

    async def _trail(self) -> None:
        await asyncio.sleep(events.COALESCE_SECONDS)
        codes = None if self.trailing_all else sorted(self.trailing)
        self.trailing, self.trailing_all = set(), False
        await self.send_current(codes, kind="indicator.updated", only_changed=True)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        with translation.override(self.language):
            try:
                content = read_json_frame(text_data, MAX_FRAME_CHARS)
            except BadFrame as error:
                return await self.send_error("bad_json", str(error))
            if not (isinstance(content, dict) and set(content) == {"type"} and content["type"] in INBOUND):
                return await self.send_error("read_only", _("This connection only sends figures; it accepts "
                                                             "a ping or a resume."))
        if content["type"] == "ping":
            return await self.send_json({"type": "pong", "data": {"server_time": timezone.now().isoformat()}})
        await self.send_current()  # resume: the figures now (they are state; nothing to replay)
        self._read_again_when_the_window_closes(None)

    async def send_error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": str(message)})
