"""realtime.loops: the serving loop seen from a database thread, PerLoop, and the fresh-context hand-off."""

import asyncio
import contextvars

import pytest

from channels.db import database_sync_to_async

from realtime.loops import PerLoop, call_soon, serving_loop, spawn_soon


def test_per_loop_keeps_one_value_per_event_loop():
    made = PerLoop(list)

    async def twice():
        return made.get(), made.get(), made.peek(asyncio.get_running_loop())

    first, again, peeked = asyncio.run(twice())
    other, _, _ = asyncio.run(twice())
    assert first is again is peeked and other is not first


def test_per_loop_peek_makes_nothing():
    made = PerLoop(list)

    async def peek():
        return made.peek(asyncio.get_running_loop())

    assert asyncio.run(peek()) is None and len(made.by_loop) == 0


def test_a_closed_loops_value_goes_with_it():
    made = PerLoop(list)

    async def use():
        made.get()

    loop = asyncio.new_event_loop()
    loop.run_until_complete(use())
    loop.close()
    del loop
    import gc

    gc.collect()
    assert len(made.by_loop) == 0


@pytest.mark.django_db  # database_sync_to_async closes the thread's old connections first
def test_serving_loop_is_the_loop_a_database_thread_works_for():
    async def scenario():
        seen = await database_sync_to_async(serving_loop)()
        return seen is asyncio.get_running_loop()

    assert asyncio.run(scenario())
    assert serving_loop() is None  # this thread works for no loop


def test_call_soon_runs_in_a_fresh_context_on_the_loop():
    marker = contextvars.ContextVar("marker", default="fresh")
    seen = {}

    async def scenario():
        loop = asyncio.get_running_loop()

        def in_thread():
            marker.set("inherited")
            call_soon(loop, lambda: seen.update(marker=marker.get(), loop=asyncio.get_running_loop() is loop))

        await asyncio.to_thread(in_thread)
        await asyncio.sleep(0.01)

    asyncio.run(scenario())
    assert seen == {"marker": "fresh", "loop": True}


def test_spawn_soon_runs_the_coroutine_to_its_end():
    done = []

    async def work():
        await asyncio.sleep(0.01)
        done.append(True)

    async def scenario():
        loop = asyncio.get_running_loop()
        await asyncio.to_thread(lambda: spawn_soon(loop, work()))
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert done == [True]
