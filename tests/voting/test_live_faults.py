"""The live results socket when Redis fails: told to come back later at connect, kept open while reading fails."""

import asyncio

import pytest
from asgiref.sync import async_to_sync

from tests.layer_faults import failing_receive, layer_down_at_connect, refusal
from tests.voting.live import cast, communicator, connect, open_vote, receive

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_page_is_told_to_come_back_later_when_the_channel_layer_is_down_at_connect(monkeypatch):
    vote = open_vote()
    layer_down_at_connect(monkeypatch)
    connected, error, closing = async_to_sync(refusal)(communicator(vote.pk), receive)
    assert connected
    assert error["code"] == "unavailable"
    assert closing == {"type": "websocket.close", "code": 4013}


def test_a_page_keeps_its_socket_and_its_updates_through_failing_layer_reads(monkeypatch):
    vote = open_vote()
    layer_class, flaky_receive, failures = failing_receive(2)

    monkeypatch.setattr(layer_class, "receive", flaky_receive)
    ws = communicator(vote.pk)

    async def scenario():
        await connect(ws)
        await asyncio.sleep(2.5)  # the hub's reads fail and it subscribes again meanwhile
        await cast(vote, [2])
        update = await receive(ws, timeout=5)
        await ws.send_json_to({"type": "ping"})
        pong = await receive(ws)
        await ws.disconnect()
        return update, pong

    update, pong = async_to_sync(scenario)()
    assert failures["left"] == 0
    assert update["type"] == "vote.updated" and update["data"]["ballots"] == 1
    assert pong["type"] == "pong"
