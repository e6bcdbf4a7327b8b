"""A live-room client as a page is one (websockets library): it resumes exactly and resends unacknowledged lines.

It keeps the highest ``seq`` it has handled; when quiet it pings, and resumes if the pong says the
log is ahead (a live broadcast was lost); after a dropped connection it reconnects (to any server it
is given), sends ``resume`` with that seq, and then sends again, with the same client id,
every chat line whose own echo it has not seen. Every event it receives is kept, so a test can
check that the stream has no gap and no repeat.
"""

import asyncio
import json
import time
import uuid

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.servers import session_cookie  # noqa: F401 (the fault tests import it from here)


class Dropped(Exception):
    """The socket closed (or the server went away); ``code`` is the close code when there was one."""

    def __init__(self, code):
        super().__init__(f"closed: {code}")
        self.code = code


class RoomClient:
    def __init__(self, room_id: int, cookie: str, name: str):
        self.room_id, self.cookie, self.name = room_id, cookie, name
        self.ws = None
        self.last_seq = 0
        self.events: list[dict] = []  # every frame with a seq, in the order handled
        self.errors: list[dict] = []
        self.closes: list = []  # close codes seen, in order
        self.unacked: dict[str, str] = {}  # client id -> body, until the server's chat.ack for it
        self.acks: list[dict] = []  # every chat.ack, in order (a resend of a stored line is acknowledged again)
        self.user_id = None

    async def connect(self, port: int) -> dict:
        self.ws = await connect(f"ws://127.0.0.1:{port}/ws/rooms/{self.room_id}/", open_timeout=5,
                                additional_headers={"Cookie": self.cookie, "Origin": f"http://127.0.0.1:{port}"})
        hello = await self.receive(timeout=10, raw=True)
        assert hello["type"] == "hello", hello
        self.user_id = hello["data"]["you"]["user_id"]
        await self.send({"type": "resume", "data": {"last_seq": self.last_seq}})
        for client_id, body in list(self.unacked.items()):  # offered again: the server stores it once
            await self.send({"type": "chat.send", "data": {"body": body, "client_id": client_id}})
        return hello

    async def reconnect(self, ports: list[int], *, within: float) -> float:
        """Reconnect to the first server that takes the socket; return how long it took."""
        started = time.monotonic()
        delay = 0.2
        while True:
            for port in ports:
                try:
                    await self.connect(port)
                    return time.monotonic() - started
                except (OSError, ConnectionClosed, asyncio.TimeoutError, AssertionError, Dropped):
                    pass
            if time.monotonic() - started > within:
                raise AssertionError(f"{self.name} could not reconnect within {within:.0f} s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def send(self, frame: dict) -> None:
        try:
            await self.ws.send(json.dumps(frame))
        except ConnectionClosed as closed:
            raise Dropped(closed.rcvd.code if closed.rcvd else None) from closed

    async def chat(self, body: str) -> str:
        client_id = uuid.uuid4().hex
        self.unacked[client_id] = body
        await self.send({"type": "chat.send", "data": {"body": body, "client_id": client_id}})
        return client_id

    async def receive(self, *, timeout: float, raw: bool = False) -> dict:
        try:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
            self.closes.append(code)
            raise Dropped(code) from closed
        if raw:
            return frame
        if frame["type"] == "pong" and (frame.get("data") or {}).get("last_seq", 0) > self.last_seq:
            # The page's own check (docs/realtime-protocol.md): the log is ahead of what came live.
            await self.send({"type": "resume", "data": {"last_seq": self.last_seq}})
        if frame["type"] == "error":
            self.errors.append(frame)
        elif frame["type"] == "chat.ack":  # the server has the line (first send or a resend): as the page does
            self.unacked.pop((frame.get("data") or {}).get("client_id"), None)
            self.acks.append(frame["data"])
        elif "seq" in frame:
            assert frame["seq"] > self.last_seq, f"{self.name} got seq {frame['seq']} again (last {self.last_seq})"
            self.last_seq = frame["seq"]
            self.events.append(frame)
        return frame

    async def read_until(self, done, *, timeout: float) -> None:
        """Handle frames until ``done(self)`` holds (checked before each read)."""
        deadline = time.monotonic() + timeout
        while not done(self):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: not done within {timeout:.0f} s; last seq {self.last_seq}, "
                                     f"unacked {list(self.unacked.values())}, errors {self.errors[-3:]}")
            try:
                await self.receive(timeout=min(left, 1.0))
            except asyncio.TimeoutError:
                await self.send({"type": "ping"})  # a page pings every 25 s; a test cannot wait that long

    def chats(self) -> list[str]:
        return [e["data"]["body"] for e in self.events if e["type"] == "chat.message"]

    def seqs(self) -> list[int]:
        return [e["seq"] for e in self.events]

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def assert_exact(client: RoomClient, *, first_seq: int, last_seq: int) -> None:
    """The client handled every event from ``first_seq`` to ``last_seq`` exactly once, in order.

    Events the room's log holds that this person may not see (another table's chat) would make a
    jump; the rooms of these tests have no tables, so any jump is a loss.
    """
    seqs = [s for s in client.seqs() if first_seq <= s <= last_seq]
    assert seqs == list(range(first_seq, last_seq + 1)), f"{client.name}: missing or repeated seqs in {seqs}"
