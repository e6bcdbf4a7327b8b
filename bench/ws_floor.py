"""daphne's own floor for the live-room benchmark: bench/ws_baseline.py's room as a bare ASGI application.

    python bench/ws_daphne.py -b 127.0.0.1 -p PORT bench.ws_floor:application   (mode ``floor`` of bench/ws_run.py)

No Django, no Channels, no database, no channel layer, no session: every connection is accepted and gets
``{"type": "hello", "seq": <current seq>, "data": {}}``; every ``chat.send`` is stamped with the next seq and
sent to every open connection, as the raw baseline does. What daphne costs by itself (Twisted's HTTP
parser, autobahn's handshake, the ASGI application per connection) is what separates this mode from the
baseline; what separates the room server from this mode is the site's (issue 17, connecting at most x1.5
the raw server).
"""

import json


class Room:
    def __init__(self):
        self.seq = 0
        self.clients = set()


ROOM = Room()


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"websocket only"})
        return
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": json.dumps({"type": "hello", "seq": ROOM.seq, "data": {}})})
    ROOM.clients.add(send)
    author = f"client-{id(send)}"
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            try:
                frame = json.loads(message.get("text") or "")
            except ValueError:
                continue
            if frame.get("type") == "chat.send":
                ROOM.seq += 1
                text = json.dumps({"type": "chat.message", "seq": ROOM.seq, "data": {
                    "author_id": 0, "author": author, "body": str(frame["data"]["body"])}})
                for client in list(ROOM.clients):
                    await client({"type": "websocket.send", "text": text})
    finally:
        ROOM.clients.discard(send)
