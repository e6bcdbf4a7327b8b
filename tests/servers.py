"""Real servers for tests: daphne processes on free ports, a minimal RFC 6455 client, a session cookie.

Used by the two-process, room-fault, body-limit and browser tests (the client is written here so the
tests need no extra package).
"""

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.processes import free_port, stop, subprocess_database_url  # a port of this xdist worker's own block


class ServerClosed(ConnectionError):
    """The server sent a close frame; ``code`` is its close code (None if it gave none)."""

    def __init__(self, code: int | None):
        super().__init__(f"closed by the server with code {code}")
        self.code = code


class RawWebSocket:
    """Just enough of a WebSocket client: handshake, masked text frames out, text frames in."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, path: str, cookie: str, origin: str | None = None) -> "RawWebSocket":
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        origin = origin or f"http://127.0.0.1:{port}"
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Origin: {origin}\r\nCookie: {cookie}\r\n\r\n").encode())
        response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert response.split(b"\r\n")[0].split()[1] == b"101", response
        return cls(reader, writer)

    async def send_json(self, content: dict) -> None:
        await self._send_frame(0x1, json.dumps(content).encode())

    async def _send_frame(self, opcode: int, payload: bytes) -> None:
        mask, size = os.urandom(4), len(payload)
        length = bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2, "big")
        self.writer.write(bytes([0x80 | opcode]) + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        await self.writer.drain()

    async def receive_json(self, timeout: float = 5) -> dict:
        return await asyncio.wait_for(self._receive_text(), timeout)

    async def _receive_text(self) -> dict:
        message = b""
        while True:
            first, second = await self.reader.readexactly(2)
            size = second & 0x7F
            if size >= 126:
                size = int.from_bytes(await self.reader.readexactly(2 if size == 126 else 8), "big")
            payload = await self.reader.readexactly(size)  # server frames are not masked
            opcode = first & 0x0F
            if opcode == 0x9:  # the server's keepalive ping (daphne sends one every 20 s): answer it
                await self._send_frame(0xA, payload)
                continue
            if opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                raise ServerClosed(code)
            if opcode in (0x1, 0x0):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    async def close(self) -> None:
        mask = os.urandom(4)
        self.writer.write(b"\x88\x82" + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(b"\x03\xe8")))
        self.writer.close()


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Until daphne listens. A bound, not a speed check: four xdist workers each starting servers, browsers and
    workers on two cores once kept four daphnes from listening within 15 s, all at the same moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "daphne exited:\n" + log.read_text()[-3000:]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail("daphne did not listen in time:\n" + log.read_text()[-3000:])


@contextmanager
def daphne_server(env: dict, log: Path):
    """One daphne process on a free port with ``env``, its output in ``log``; yields its origin, stops it after."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    daphne = str(Path(sys.executable).parent / "daphne")
    with open(log, "ab") as out:
        process = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                                   cwd=settings.BASE_DIR, env={**env, "CSRF_TRUSTED_ORIGINS": origin},
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, log)
        yield origin
    finally:
        stop(process, grace=3)


@contextmanager
def daphne_servers(count: int, tmp_path: Path, **env_extra: str):
    """``count`` daphne processes on the test database; ``env_extra`` (e.g. REDIS_URL) overrides the environment."""
    env = {**os.environ, "DATABASE_URL": subprocess_database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
           **env_extra}
    daphne = str(Path(sys.executable).parent / "daphne")
    servers = []
    try:
        for n in range(count):
            port, log = free_port(), tmp_path / f"daphne-{n}.log"
            with open(log, "ab") as out:
                process = subprocess.Popen([daphne, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                                           cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
            servers.append((port, process, log))
        for port, process, log in servers:
            wait_for_port(port, process, log)
        yield [port for port, _process, _log in servers]
    finally:
        for _port, process, _log in servers:
            process.terminate()
        for _port, process, _log in servers:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:  # daphne sometimes waits ~10 s for its channel-layer reads
                process.kill()
                process.wait(timeout=10)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
