"""The event loop of a server process, seen from its database threads; things kept once per loop.

A server process has one event loop; the tests have one per test (each ``async_to_sync`` or
``asyncio.run``). Whatever belongs to a loop (its subscriptions, its publisher, its batches) is kept
in a ``PerLoop``, so a closed loop's things go with it and a test never meets another test's.
"""

import asyncio
import contextvars
import os
import weakref
from collections.abc import Callable, Coroutine
from typing import Generic, TypeVar

from asgiref.sync import SyncToAsync

T = TypeVar("T")


def serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this thread works for (asgiref's sync_to_async records it), if it still runs.

    None in Celery, the embedded sweeper, a shell, or a thread of a process forked from a server.
    """
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if (loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid()
            or loop.is_closed() or not loop.is_running()):
        return None
    return loop


def call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], object]) -> None:
    """From a thread: have ``loop`` call ``callback`` in a fresh ``contextvars.Context``.

    The calling thread's context must not pass to the loop: a database thread's asgiref flag ("this
    thread is busy") made the room feed's gap fill fail ("Single thread executor already being
    used"), and a request's ThreadSensitiveContext ends with the request.
    """
    loop.call_soon_threadsafe(callback, context=contextvars.Context())


_tasks: set = set()  # the loop keeps only weak references to tasks


def spawn_soon(loop: asyncio.AbstractEventLoop, coroutine: Coroutine) -> None:
    """From a thread: run ``coroutine`` as a task of ``loop`` (see ``call_soon``), held until it ends."""
    def start():
        task = loop.create_task(coroutine)
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)

    call_soon(loop, start)


class PerLoop(Generic[T]):
    """One ``factory()`` per event loop, made on first use by code running on that loop."""

    def __init__(self, factory: Callable[[], T]):
        self.factory = factory
        self.by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T]" = weakref.WeakKeyDictionary()

    def get(self) -> T:
        """The running loop's (made now if it has none yet)."""
        loop = asyncio.get_running_loop()
        value = self.by_loop.get(loop)
        if value is None:
            value = self.by_loop[loop] = self.factory()
        return value

    def peek(self, loop: asyncio.AbstractEventLoop) -> T | None:
        """``loop``'s, if it has one (none is made)."""
        return self.by_loop.get(loop)
