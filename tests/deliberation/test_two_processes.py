"""Two real daphne processes share a room through Redis: both clients see the same events in seq order.

Needs PostgreSQL (the servers are other processes and must see the test database) and Redis (the
channel layer between them); tests/services/with-services.sh provides both. Without them it fails.
The client is a minimal RFC 6455 one (tests/servers.py), so the test needs no extra package.
"""

import asyncio
import os

import pytest
from django.db import connection

from tests.factories import RoomFactory, UserFactory
from tests.servers import RawWebSocket, daphne_servers, session_cookie as _session_cookie

CHATS_EACH = 3


async def _chat_across(ports: list[int], room_id: int, cookies: list[str]) -> list[list[dict]]:
    clients = [await RawWebSocket.open(port, f"/ws/rooms/{room_id}/", cookie) for port, cookie in zip(ports, cookies)]
    for ws in clients:
        hello = await ws.receive_json()
        assert hello["type"] == "hello", hello
        await ws.send_json({"type": "resume", "data": {"last_seq": hello["seq"]}})
    # Both talk at once, each through its own server.
    await asyncio.gather(*(ws.send_json({"type": "chat.send", "data": {"body": f"{n}-{i}"}})
                           for i in range(CHATS_EACH) for n, ws in enumerate(clients)))
    received = []
    for ws in clients:
        frames = []
        while sum(f["type"] == "chat.message" for f in frames) < CHATS_EACH * len(clients):
            frame = await ws.receive_json()
            assert frame["type"] != "error", frame
            frames.append(frame)
        received.append(frames)
        await ws.close()
    return received


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_clients_on_two_servers_see_the_same_events_in_the_same_order(tmp_path):
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL for the server processes"
    room = RoomFactory(stage="live")
    cookies = [_session_cookie(UserFactory()), _session_cookie(UserFactory())]

    with daphne_servers(2, tmp_path) as ports:
        first, second = asyncio.run(asyncio.wait_for(_chat_across(ports, room.pk, cookies), 15))

    for frames in (first, second):
        seqs = [f["seq"] for f in frames]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs  # in order, no gap, no repeat
    chats = [[(f["seq"], f["data"]["body"]) for f in frames if f["type"] == "chat.message"]
             for frames in (first, second)]
    assert chats[0] == chats[1]
    assert sorted(body for _seq, body in chats[0]) == sorted(f"{n}-{i}" for n in range(2) for i in range(CHATS_EACH))
    shared = {f["seq"] for f in first} & {f["seq"] for f in second}
    assert [f for f in first if f["seq"] in shared] == [f for f in second if f["seq"] in shared]
