"""The dashboard's live socket (governance.dashboard.consumers) through the real ASGI stack and Redis."""

import asyncio
import threading

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
    yield
    # A test's pending announcements go out before the next test listens.
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.join(timeout=5)


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


def test_two_changes_within_the_window_give_one_update_with_both():
    async def scenario():
        ws = communicator("?district=mapo")
        await ws.connect()
        await snapshot(ws)
        await database_sync_to_async(published_today)()
        await database_sync_to_async(published_today)()
        frame = await ws.receive_json_from(timeout=10)
        assert frame["type"] == "indicator.updated" and frame["data"]["code"] == "proposals-received"
        assert frame["data"]["value"] == 2 and frame["data"]["shown"] == "2"
        assert await ws.receive_nothing(timeout=events.COALESCE_SECONDS + 0.5)  # no second one
        await database_sync_to_async(published_today)()  # a change after the update gets its own
        assert (await ws.receive_json_from(timeout=10))["data"]["value"] == 3
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
