"""The room WebSocket as a test drives it: WebsocketCommunicator through the real ASGI stack, frames checked
against the protocol (deliberation.rooms.realtime.protocol) as they arrive."""

from channels.testing import WebsocketCommunicator

from config.asgi import application
from deliberation.rooms.realtime.protocol import check_outbound
from tests import servers


def session_cookie(user) -> bytes:
    return servers.session_cookie(user).encode()


def communicator(room_id: int, user=None, origin: bytes = b"http://testserver") -> WebsocketCommunicator:
    headers = [(b"origin", origin), (b"accept-language", b"en")]
    if user is not None:
        headers.append((b"cookie", session_cookie(user)))
    return WebsocketCommunicator(application, f"/ws/rooms/{room_id}/", headers=headers)


async def receive(ws, timeout: float = 3) -> dict:
    frame = await ws.receive_json_from(timeout=timeout)
    check_outbound(frame)
    return frame


async def until(ws, type_: str) -> dict:
    """The next frame of this type, skipping others (presence of other clients, say)."""
    while (frame := await receive(ws))["type"] != type_:
        pass
    return frame


async def enter(ws, *, resume: bool = True) -> dict:
    """Connect, read hello, and (by default) resume from it so live events flow; returns hello."""
    connected, _ = await ws.connect(timeout=3)
    assert connected
    hello = await receive(ws)
    assert hello["type"] == "hello"
    if resume:
        await ws.send_json_to({"type": "resume", "data": {"last_seq": hello["seq"]}})
        await ws.send_json_to({"type": "ping"})  # frames are handled in order: the pong says resume is done
        assert (await until(ws, "pong"))["data"]["last_seq"] >= hello["seq"]
    return hello


async def refused_with(ws) -> tuple[dict, int]:
    connected, _ = await ws.connect(timeout=3)
    assert connected  # accepted, then closed: the close code reaches the browser
    error = await receive(ws)
    closing = await ws.receive_output(timeout=3)
    assert closing["type"] == "websocket.close"
    return error, closing["code"]
