"""Sockets arriving (or leaving) at the same moment are handled together: one database round each batch.

A connecting consumer hands its room, session key and language to the process's arrivals batch and
awaits its result; whatever arrived meanwhile goes to ``services.enter_many`` in one thread hop (at
most BATCH_MAX at a time). Departures go to ``services.disconnected_many`` the same way. A lone
socket waits one turn of the event loop, nothing more. docs/benchmarks.md has the figures.
"""

import asyncio
from collections.abc import Callable

from channels.db import database_sync_to_async

from realtime.loops import PerLoop

from deliberation.rooms import services

BATCH_MAX = 200


class Batch:
    """Items submitted during one turn of the loop go to ``work(items) -> results`` together."""

    def __init__(self, work: Callable[[list], list]):
        self.work = database_sync_to_async(work)
        self.waiting: list[tuple[object, asyncio.Future]] = []
        self.worker: asyncio.Task | None = None

    async def submit(self, item):
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((item, future))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.get_running_loop().create_task(self._run())
        return await future

    async def _run(self) -> None:
        while self.waiting:
            await asyncio.sleep(0)  # let the sockets of this moment join the batch
            batch, self.waiting = self.waiting[:BATCH_MAX], self.waiting[BATCH_MAX:]
            try:
                results = await self.work([item for item, _f in batch])
            except Exception as error:  # every socket of the batch learns it; none waits for ever
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(error)
            else:
                for (_item, future), result in zip(batch, results):
                    if not future.done():
                        future.set_result(result)


_batches: PerLoop[dict[str, Batch]] = PerLoop(dict)


def _batch(name: str, work) -> Batch:
    batches = _batches.get()
    if name not in batches:
        batches[name] = Batch(work)
    return batches[name]


async def arrive(arrival: dict) -> dict:
    """{"room_id", "session_key", "language"} -> services.enter_many's result for it."""
    return await _batch("arrive", services.enter_many).submit(arrival)


async def leave(room_id: int, user_id: int) -> bool:
    """One socket left; True when the room's presence change waits for the next update."""
    return await _batch("leave", services.disconnected_many).submit((room_id, user_id))
