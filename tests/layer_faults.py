"""A channel layer whose next reads fail as a Redis timeout does, for the tests of surviving them."""

import asyncio

import redis
from channels.layers import get_channel_layer


def failing_receive(times: int = 2):
    """(the layer class, a receive that raises TimeoutError the next `times` calls, the count left).

    The caller patches it in (``monkeypatch.setattr(layer_class, "receive", receive)``) when its
    scenario starts, and checks ``left["left"] == 0`` to know the failures did happen.
    """
    layer_class = type(get_channel_layer())
    real_receive = layer_class.receive
    left = {"left": times}

    async def receive(self, channel):
        if left["left"] > 0:
            left["left"] -= 1
            await asyncio.sleep(0.05)
            raise redis.exceptions.TimeoutError("Timeout reading from 127.0.0.1:6379")
        return await real_receive(self, channel)

    return layer_class, receive, left


def layer_down_at_connect(monkeypatch) -> None:
    """Joining a group fails as it does when Redis is down: the connect path meets it first."""
    async def down(self, group, channel):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(type(get_channel_layer()), "group_add", down)


async def refusal(ws, receive) -> tuple[bool, dict, dict]:
    """(accepted, the error frame, the close message) of a socket the server accepts and then refuses."""
    connected, _ = await ws.connect(timeout=3)
    error = await receive(ws)
    closing = await ws.receive_output(timeout=3)
    return connected, error, closing
