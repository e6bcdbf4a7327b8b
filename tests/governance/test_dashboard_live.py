"""The dashboard's live socket (governance.dashboard.consumers) through the real ASGI stack and Redis."""

import asyncio
import os
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from config.asgi import application
from governance.dashboard import events, services
from governance.dashboard.indicators import INDICATORS
from governance.dashboard.sources import Fact

pytestmark = pytest.mark.django_db(transaction=True)

FRAME_DATA = {"code", "value", "unit", "applies", "rows", "shown"}


@pytest.fixture(autouse=True)
def short_window(monkeypatch):
    monkeypatch.setattr(events, "COALESCE_SECONDS", 0.5)


def communicator(query: str = "") -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/dashboard/{query}",
                                 headers=[(b"origin", b"http://testserver"), (b"accept-language", b"en")])


async def snapshot(ws) -> dict:
    frames = [await ws.receive_json_from(timeout=15) for _ in INDICATORS]
    assert all(f["type"] == "indicator.snapshot" and set(f["data"]) == FRAME_DATA for f in frames)
    return {f["data"]["code"]: f["data"] for f in frames}


async def next_not_update(ws) -> dict:
    """The next frame that is not a live update (another test's change may still be announced)."""
    while True:
        frame = await ws.receive_json_from(timeout=10)
        if frame["type"] != "indicator.updated":
            return frame


def published_today(n: int = 1):
    """What the receivers add for a proposal published today (in its own committed transaction)."""
    services.add_facts("proposal.published", [Fact(timezone.localdate(), district="mapo")] * n)


def test_a_page_gets_the_current_values_on_connecting_and_on_resume():
    published_today(2)

    async def scenario():
        ws = communicator()
        connected, _ = await ws.connect()
        assert connected
        assert (await snapshot(ws))["proposals-received"]["value"] == 2
        await database_sync_to_async(published_today)()  # missed while away: a resume brings it
        await asyncio.sleep(events.COALESCE_SECONDS + 0.3)
        while not await ws.receive_nothing(timeout=0.2):
            await ws.receive_json_from()
        await ws.send_json_to({"type": "resume"})
        assert (await snapshot(ws))["proposals-received"]["value"] == 3
        await ws.disconnect()

    async_to_sync(scenario)()


def test_changes_within_a_window_arrive_together_once_the_window_closes():
    async def scenario():
        ws = communicator("?district=mapo")
        await ws.connect()
        await snapshot(ws)
        await database_sync_to_async(published_today)()
        first = await ws.receive_json_from(timeout=10)  # the broadcast: at once
        assert first["type"] == "indicator.updated" and first["data"]["code"] == "proposals-received"
        await database_sync_to_async(published_today)()  # within the window: no broadcast of its own
        await database_sync_to_async(published_today)()
        frames = []
        while not await ws.receive_nothing(timeout=events.COALESCE_SECONDS + 0.5):
            frame = await ws.receive_json_from()
            if frame["data"]["code"] == "proposals-received":
                frames.append(frame["data"]["value"])
        assert frames[-1] == 3 and len(frames) <= 2  # the window's writes arrive, together
        await database_sync_to_async(published_today)()  # a change after the window gets its own
        assert (await ws.receive_json_from(timeout=10))["data"]["value"] == 4
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_change_written_by_a_process_that_exits_at_once_still_reaches_the_page():
    """A management command or a worker's task writes and exits: the notice must not wait in a timer of
    that process (it died with it, and the open pages never heard of the change)."""
    from governance.models import Tally

    async def scenario():
        ws = communicator()
        await ws.connect()
        before = (await snapshot(ws))["proposals-received"]["value"]
        await database_sync_to_async(Tally.objects.create)(
            metric="proposal.published", day=timezone.localdate(), district="mapo", count=1)
        writer = ("import django; django.setup(); from governance.dashboard import events; "
                  "events.announce(['proposal.published'])")
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", writer], env={
            **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        frame = await ws.receive_json_from(timeout=10)
        assert frame["data"]["code"] == "proposals-received" and frame["data"]["value"] == before + 1
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_socket_reads_the_figures_for_its_own_district():
    published_today(2)

    async def scenario():
        ws = communicator("?district=jongno")
        await ws.connect()
        figures = await snapshot(ws)
        assert figures["proposals-received"]["value"] == 0
        assert figures["meetings-held"]["applies"] is False
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("text, code", [
    ("not json", "bad_json"),
    ('{"type": "support", "proposal": 1}', "read_only"),
    ('{"type": "resume", "since": 3}', "read_only"),
    ('["ping"]', "read_only"),
    ("x" * 500, "bad_json"),
])
def test_a_bad_frame_gets_an_error_and_the_connection_stays_up(text, code):
    async def scenario():
        ws = communicator()
        await ws.connect()
        await snapshot(ws)
        await ws.send_to(text_data=text)
        error = await next_not_update(ws)
        assert error["type"] == "error" and error["code"] == code and error["message"]
        await ws.send_json_to({"type": "ping"})
        assert (await next_not_update(ws))["type"] == "pong"
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_rolled_back_change_is_not_announced():
    from django.db import transaction

    async def scenario():
        ws = communicator()
        await ws.connect()
        await snapshot(ws)

        def rolled_back():
            try:
                with transaction.atomic():
                    published_today()
                    raise RuntimeError
            except RuntimeError:
                pass
        await database_sync_to_async(rolled_back)()
        assert await ws.receive_nothing(timeout=events.COALESCE_SECONDS + 0.5)
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_page_that_opens_during_a_window_still_gets_the_writes_it_held_back(monkeypatch):
    """The wall opened just after a broadcast: a write within that window sends no broadcast of its own,
    and the new page must still show it once the window closes (seen in Chromium, tests/e2e)."""
    monkeypatch.setattr(events, "COALESCE_SECONDS", 1.0)  # the cache's flags count whole seconds

    async def scenario():
        await database_sync_to_async(published_today)()  # opens a window: its broadcast goes out now
        ws = communicator()
        await ws.connect()
        before = (await snapshot(ws))["proposals-received"]["value"]
        await database_sync_to_async(published_today)()  # within the window: held back at the writer
        frame = await ws.receive_json_from(timeout=5)
        while frame["data"]["code"] != "proposals-received":
            frame = await ws.receive_json_from(timeout=5)
        assert frame["data"]["value"] == before + 1
        await ws.disconnect()

    async_to_sync(scenario)()
