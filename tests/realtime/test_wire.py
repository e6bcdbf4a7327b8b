"""realtime/wire.py: a room's events written straight to daphne's sockets arrive whole and in order,
also to a reader that falls behind until the kernel's buffers are full (the rest waits in Twisted's).

The second test needs PostgreSQL and Redis (the daphne process is another process on the test
database; events reach it through the channel layer), as tests/deliberation/test_two_processes.py.
"""

import asyncio
import os

import pytest
from django.db import connection
from websockets.frames import Frame, Opcode

from realtime import wire

from deliberation.rooms.realtime.events import append_event
from tests.factories import RoomFactory, UserFactory
from tests.servers import RawWebSocket, daphne_servers, session_cookie

EVENTS = 120
PAD = ("가", "x")  # three UTF-8 bytes, one


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_a_frame_is_what_an_independent_encoder_makes(size):
    for text in ("x" * size, "가" * (size // 3)):
        expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
        assert wire.text_frame(text) == expected


def test_an_asgi_send_that_is_not_daphnes_gets_no_writer():
    async def send(message):
        pass

    assert wire.writer(send) is None
    assert wire.writer(None) is None


def _pad(n: int) -> str:
    # Sizes of every frame-length form: one byte (< 126), two (< 65,536) and eight.
    return PAD[n % 2] * (20, 30_000, 40_000)[n % 3]


async def _behind_and_prompt(port: int, room_id: int, cookies: list[str]) -> tuple[list[dict], list[dict]]:
    behind, prompt = [await RawWebSocket.open(port, f"/ws/rooms/{room_id}/", c) for c in cookies]
    for ws in (behind, prompt):
        hello = await ws.receive_json()
        assert hello["type"] == "hello", hello
        await ws.send_json({"type": "resume", "data": {"last_seq": hello["seq"]}})

    async def read(ws) -> list[dict]:
        frames = []
        while sum(f["type"] == "test.filler" for f in frames) < EVENTS:
            frames.append(await ws.receive_json(timeout=30))
        return frames

    prompt_reads = asyncio.ensure_future(read(prompt))
    # About 8 MB for each socket while ``behind`` reads nothing: the kernel's buffers fill, and what follows
    # must queue behind what was written in part.
    for n in range(EVENTS):
        await asyncio.to_thread(append_event, room_id=room_id, type="test.filler", data={"n": n, "pad": _pad(n)})
    await asyncio.sleep(1)
    late = await read(behind)
    early = await prompt_reads
    await behind.close()
    await prompt.close()
    return late, early


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reader_that_fell_behind_gets_every_event_whole_and_in_order(tmp_path):
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL for the server process"
    room = RoomFactory(stage="live")
    cookies = [session_cookie(UserFactory()), session_cookie(UserFactory())]

    with daphne_servers(1, tmp_path) as (port,):
        late, early = asyncio.run(asyncio.wait_for(_behind_and_prompt(port, room.pk, cookies), 120))

    for frames in (late, early):
        seqs = [f["seq"] for f in frames]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "a gap or a repeat"
        fillers = [f["data"] for f in frames if f["type"] == "test.filler"]
        assert [d["n"] for d in fillers] == list(range(EVENTS))
        assert all(d["pad"] == _pad(d["n"]) for d in fillers)


def test_autobahns_debug_text_is_the_same_when_formatted_late():
    from pprint import pformat

    from autobahn.websocket import protocol

    assert wire.defer_autobahn_debug_formatting()
    options = [("autoPingTimeout", 20, "WebSocketServerFactory"), ("maxMessagePayloadSize", 0, "x")]
    assert "{attrs}".format(attrs=protocol.pformat(options)) == pformat(options)
    assert str(protocol.Timings()) == pformat({})
