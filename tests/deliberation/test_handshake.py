"""Who may open a room socket at all: the origin (scheme, host and port) and how many sockets one person holds."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from config.asgi import application
from deliberation.rooms.models import RoomMember
from tests.factories import RoomFactory, UserFactory

from tests.deliberation.sockets import enter, receive, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def socket_to(room_id: int, user, *, origin: bytes | None, host: bytes | None = None, scheme: str = "ws"):
    headers = [(b"accept-language", b"en"), (b"cookie", session_cookie(user))]
    if origin is not None:
        headers.append((b"origin", origin))
    if host is not None:
        headers.append((b"host", host))
    ws = WebsocketCommunicator(application, f"/ws/rooms/{room_id}/", headers=headers)
    ws.scope["scheme"] = scheme
    return ws


async def handshake(ws) -> bool:
    connected, _ = await ws.connect(timeout=3)
    if connected:
        await ws.disconnect()
    return connected


ORIGINS = [
    # (Origin, Host header, scheme of the socket, admitted?)
    (b"https://civic.example", b"civic.example", "wss", True),  # same origin
    (b"http://civic.example:8000", b"civic.example:8000", "ws", True),  # same origin, on a port
    (b"https://civic.example:443", b"civic.example", "wss", True),  # the default port written out
    (b"https://civic.example:8443", b"civic.example", "wss", False),  # same host, another port
    (b"http://civic.example:9999", b"civic.example:8000", "ws", False),  # another port than the server's
    (b"http://civic.example", b"civic.example", "wss", False),  # the page over http, the socket over TLS
    (b"https://evil.example", b"civic.example", "wss", False),  # another site
    (b"https://civic.example.evil.example", b"civic.example", "wss", False),
    (b"https://app.partner.example", b"civic.example", "wss", True),  # CSRF_TRUSTED_ORIGINS
    (b"http://app.partner.example", b"civic.example", "wss", False),  # trusted only over https
    (b"https://app.partner.example:444", b"civic.example", "wss", False),
    (b"null", b"civic.example", "wss", False),
    (None, b"civic.example", "wss", False),  # no Origin at all
    (b"http://testserver", None, "ws", True),  # no Host header (in-process tests): the default port only
    (b"http://testserver:8000", None, "ws", False),
    (b"https://civic.example", b"unlisted.example", "wss", False),  # a Host not in ALLOWED_HOSTS
    (b"http://[::1]:8000", b"[::1]:8000", "ws", True),  # IPv6
    (b"http://[::1]:8001", b"[::1]:8000", "ws", False),
]


@pytest.mark.parametrize(("origin", "host", "scheme", "admitted"), ORIGINS)
def test_the_origin_must_match_scheme_host_and_port(settings, origin, host, scheme, admitted):
    settings.ALLOWED_HOSTS = ["civic.example", "testserver", "[::1]"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.partner.example"]
    room = RoomFactory(stage="live")
    ws = socket_to(room.pk, UserFactory(), origin=origin, host=host, scheme=scheme)
    assert async_to_sync(handshake)(ws) is admitted


async def refused(ws) -> tuple[dict, int]:
    connected, _ = await ws.connect(timeout=3)
    assert connected
    frames = []
    while (output := await ws.receive_output(timeout=3))["type"] != "websocket.close":
        frames.append(output)
    import json

    return json.loads(frames[-1]["text"]), output["code"]


def test_a_person_holds_at_most_the_cap_of_sockets_in_one_room(settings):
    settings.ROOM_MAX_SOCKETS_PER_USER = 2
    room, person = RoomFactory(stage="live"), UserFactory()
    sockets = [socket_to(room.pk, person, origin=b"http://testserver") for _ in range(4)]

    async def scenario():
        await enter(sockets[0])
        await enter(sockets[1])
        third = await refused(sockets[2])
        await sockets[0].disconnect()
        await enter(sockets[3])  # one closed: a new one is admitted
        await sockets[1].disconnect()
        await sockets[3].disconnect()
        return third

    (error, code) = async_to_sync(scenario)()
    assert (error["code"], code) == ("too_many_connections", 4429)
    assert "2" in error["message"]
    assert RoomMember.objects.get(room=room, user=person).connections == 0


def test_a_person_holds_at_most_the_cap_of_sockets_over_all_rooms(settings):
    settings.ROOM_MAX_SOCKETS_PER_USER = 5
    settings.USER_MAX_SOCKETS = 3
    rooms, person = [RoomFactory(stage="live") for _ in range(4)], UserFactory()
    sockets = [socket_to(room.pk, person, origin=b"http://testserver") for room in rooms]

    async def scenario():
        for ws in sockets[:3]:
            await enter(ws)
        fourth = await refused(sockets[3])
        for ws in sockets[:3]:
            await ws.disconnect()
        return fourth

    (error, code) = async_to_sync(scenario)()
    assert (error["code"], code) == ("too_many_connections", 4429)


def test_arrivals_in_one_batch_count_against_the_cap_together(settings):
    settings.ROOM_MAX_SOCKETS_PER_USER = 2
    room, person = RoomFactory(stage="live"), UserFactory()
    sockets = [socket_to(room.pk, person, origin=b"http://testserver") for _ in range(4)]

    async def scenario():
        import asyncio

        results = await asyncio.gather(*(ws.connect(timeout=3) for ws in sockets))
        assert all(connected for connected, _ in results)
        firsts = [await receive(ws) for ws in sockets]
        for ws in sockets:
            await ws.disconnect()
        return firsts

    firsts = async_to_sync(scenario)()
    assert sorted(frame["type"] for frame in firsts) == ["error", "error", "hello", "hello"]
    assert RoomMember.objects.get(room=room, user=person).connections == 0


@pytest.mark.parametrize(("forwarded", "admitted"), [(b"https", True), (b"http", False), (None, False)])
def test_behind_a_tls_proxy_the_sockets_scheme_is_the_forwarded_one(settings, forwarded, admitted):
    settings.ALLOWED_HOSTS = ["civic.example"]
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    room = RoomFactory(stage="live")
    ws = socket_to(room.pk, UserFactory(), origin=b"https://civic.example", host=b"civic.example", scheme="ws")
    if forwarded is not None:
        ws.scope["headers"].append((b"x-forwarded-proto", forwarded))
    assert async_to_sync(handshake)(ws) is admitted
