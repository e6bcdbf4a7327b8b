#!/usr/bin/env python
"""The raw baseline of the live-room benchmark: a minimal broadcast server on the ``websockets`` library.

    python bench/ws_baseline.py --port PORT

One asyncio process, no Django, no database, no channel layer. Every connection gets
``{"type": "hello", "seq": <current seq>, "data": {}}``; every ``chat.send`` frame it receives is
stamped with the next global seq and re-broadcast as
``{"type": "chat.message", "seq": n, "data": {"author_id", "author", "body"}}`` to every open
connection with ``websockets.broadcast()`` (one encoded copy, written to each connection's buffer
without waiting: no backpressure). ``resume`` and anything else are ignored. It is the floor the
room server is compared with in bench/ws_run.py: the same frames, the same load generator.
"""

import argparse
import asyncio
import json
import resource

from websockets.asyncio.server import broadcast, serve


class Room:
    def __init__(self):
        self.seq = 0
        self.clients = set()


async def main(port: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    room = Room()

    async def handler(ws):
        await ws.send(json.dumps({"type": "hello", "seq": room.seq, "data": {}}))
        room.clients.add(ws)
        author = f"client-{id(ws)}"
        try:
            async for raw in ws:
                try:
                    frame = json.loads(raw)
                except ValueError:
                    continue
                if frame.get("type") == "chat.send":
                    room.seq += 1
                    broadcast(room.clients, json.dumps({"type": "chat.message", "seq": room.seq, "data": {
                        "author_id": 0, "author": author, "body": str(frame["data"]["body"])}}))
        finally:
            room.clients.discard(ws)

    async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None,
                     max_queue=None):
        print(f"listening on {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
