"""The dashboard's live socket (read-only): the current figures on connect and on ``resume``, then one
``indicator.updated`` per changed indicator (events.py coalesces to one per COALESCE_SECONDS).

Each socket reads the figures for its own filters (the page's query string: year or dates, district),
from the tallies only. The client may send ``ping`` and ``resume``; anything else gets an ``error`` frame
and the connection stays up. See docs/realtime-protocol.md "Governance dashboard".
"""

import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from realtime.connection import CLOSE_TRY_LATER, scope_language

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


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    joined = False

    async def connect(self):
        self.language = scope_language(self.scope)
        self.period, self.district = filters_of(self.scope.get("query_string", b""))
        try:  # join before reading: whatever changes from here on reaches this socket
            await self.channel_layer.group_add(events.GROUP, self.channel_name)
            self.joined = True
        except Exception:
            log.warning("dashboard: a socket was told to come back later", exc_info=True)
            await self.accept()
            return await self.close(code=CLOSE_TRY_LATER)
        await self.accept()
        await self.send_current()

    async def disconnect(self, code):
        if self.joined:
            self.joined = False
            await self.channel_layer.group_discard(events.GROUP, self.channel_name)

    async def send_current(self, codes=None, kind="indicator.snapshot"):
        with translation.override(self.language):
            out = await database_sync_to_async(frames)(self.period, self.district, codes, kind)
            for frame in out:
                await self.send(text_data=json.dumps(frame, ensure_ascii=False, default=str))

    async def dashboard_changed(self, message):
        """From events.broadcast: these indicators' tallies changed (at most once per few seconds each)."""
        await self.send_current(list(message.get("codes", [])), kind="indicator.updated")

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        with translation.override(self.language):
            try:
                if text_data is None or len(text_data) > MAX_FRAME_CHARS:
                    raise ValueError
                content = json.loads(text_data)
            except (ValueError, RecursionError):
                return await self.send_error("bad_json", _("A frame is one JSON text of at most %(n)d characters.")
                                             % {"n": MAX_FRAME_CHARS})
            if not (isinstance(content, dict) and set(content) == {"type"} and content["type"] in INBOUND):
                return await self.send_error("read_only", _("This connection only sends figures; it accepts "
                                                             "a ping or a resume."))
        if content["type"] == "ping":
            return await self.send_json({"type": "pong", "data": {"server_time": timezone.now().isoformat()}})
        await self.send_current()  # resume: the figures now (they are state; nothing to replay)

    async def send_error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": str(message)})
