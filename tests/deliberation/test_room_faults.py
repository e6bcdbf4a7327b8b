"""Room sockets on a real daphne process and real Redis under faults: idle for a minute, Redis restarted.

Marked ``faults`` (they take a minute or more each); they need PostgreSQL and Redis as
tests/services/with-services.sh provides, and start their own daphne processes (and, for the restart,
their own redis-server on a free port).
"""

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections

from deliberation.rooms import services
from tests.factories import RoomFactory, UserFactory

from tests.servers import RawWebSocket, ServerClosed, daphne_servers
from tests.servers import free_port as _free_port, session_cookie as _session_cookie

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 60
IDLE_SOCKETS = 30


def _needs_services():
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL for the server processes"


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class OwnRedis:
    """A redis-server of this test's own, on a fixed free port, that the test stops and starts again."""

    def __init__(self):
        self.port, self.dir = _free_port(), tempfile.mkdtemp(prefix="redis-fault-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir, "--save", "",
             "--appendonly", "no", "--logfile", os.path.join(self.dir, "redis.log")], stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not _redis_answers(self.port):
            assert self.process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # a crash, not a clean shutdown
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def own_redis():
    redis = OwnRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
        shutil.rmtree(redis.dir, ignore_errors=True)


async def _join(port: int, room_id: int, cookie: str) -> RawWebSocket:
    ws = await RawWebSocket.open(port, f"/ws/rooms/{room_id}/", cookie)
    hello = await ws.receive_json()
    assert hello["type"] == "hello", hello
    await ws.send_json({"type": "resume", "data": {"last_seq": hello["seq"]}})
    return ws


async def _until_chat(ws: RawWebSocket, body: str, timeout: float) -> str | None:
    """Read until the chat line ``body`` arrives; None if it did, else what went wrong instead."""
    deadline = time.monotonic() + timeout
    try:
        while True:
            frame = await ws.receive_json(timeout=max(0.1, deadline - time.monotonic()))
            if frame["type"] == "chat.message" and frame["data"]["body"] == body:
                return None
    except ServerClosed as closed:
        return f"closed {closed.code}"
    except (asyncio.IncompleteReadError, ConnectionError) as error:
        return f"dropped: {error!r}"
    except asyncio.TimeoutError:
        return "no chat line in time"


def _post_from_another_process(room, author, body: str) -> None:
    """A chat line written outside the server (as by another server): it reaches daphne only through Redis."""
    try:
        services.post_message(room=room, author=author, body=body)
    finally:
        connections.close_all()


def test_thirty_idle_sockets_stay_open_for_a_minute_and_still_receive_a_broadcast(tmp_path):
    _needs_services()
    room = RoomFactory(stage="live")
    people = [UserFactory() for _ in range(IDLE_SOCKETS)]
    cookies = [_session_cookie(person) for person in people]

    async def scenario(port: int) -> list[str | None]:
        clients = [await _join(port, room.pk, cookie) for cookie in cookies]
        # Each client reads all along (as a browser does: it answers the server's keepalive pings) but
        # sends nothing; a socket closed or dropped meanwhile ends its reader early.
        listening = [asyncio.create_task(_until_chat(ws, "still here?", timeout=IDLE_SECONDS + 15))
                     for ws in clients]
        await asyncio.sleep(IDLE_SECONDS)
        await asyncio.to_thread(_post_from_another_process, room, people[0], "still here?")
        return await asyncio.gather(*listening)

    with daphne_servers(1, tmp_path) as [port]:
        outcomes = asyncio.run(scenario(port))

    lost = [outcome for outcome in outcomes if outcome is not None]
    assert not lost, f"{len(lost)} of {IDLE_SOCKETS} idle sockets lost: {lost}"


def test_sockets_stay_open_through_a_redis_restart_and_receive_events_after_it(tmp_path):
    _needs_services()
    room, other_room = RoomFactory(stage="live"), RoomFactory(stage="live")
    listening = [_session_cookie(UserFactory()) for _ in range(3)]
    speaking, latecomer = _session_cookie(UserFactory()), _session_cookie(UserFactory())

    async def scenario(redis: OwnRedis, ports: list[int]) -> dict:
        heard = [await _join(ports[0], room.pk, cookie) for cookie in listening]
        talking = await _join(ports[1], room.pk, speaking)
        await asyncio.sleep(1)
        redis.stop()
        await asyncio.sleep(3)
        # While Redis is away, a new socket is told to come back later, not accepted and dropped.
        refused = {}
        for name, room_id in (("same room", room.pk), ("other room", other_room.pk)):
            first: dict = {}
            try:
                ws = await RawWebSocket.open(ports[0], f"/ws/rooms/{room_id}/", latecomer)
                first = await ws.receive_json()
                await ws.receive_json()
                refused[name] = ("accepted", first)
            except ServerClosed as closed:
                refused[name] = ("closed", first.get("code"), closed.code)
            except (AssertionError, OSError, asyncio.IncompleteReadError) as error:  # the handshake failed
                refused[name] = ("handshake failed", repr(error)[:80])
        redis.start()
        # Said on the other server after Redis is back: it reaches this server only through Redis.
        await talking.send_json({"type": "chat.send", "data": {"body": "after the restart"}})
        outcomes = await asyncio.gather(*(_until_chat(ws, "after the restart", timeout=30) for ws in heard))
        return {"refused": refused, "outcomes": outcomes}

    with own_redis() as redis, daphne_servers(2, tmp_path, REDIS_URL=redis.url) as ports:
        result = asyncio.run(scenario(redis, ports))

    assert result["outcomes"] == [None] * len(listening), result["outcomes"]
    assert result["refused"] == {"same room": ("closed", "unavailable", 4013),
                                 "other room": ("closed", "unavailable", 4013)}, result["refused"]
