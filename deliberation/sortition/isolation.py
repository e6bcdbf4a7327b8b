"""Run a function in a fresh, spawned process and return its result with the child's peak memory.

A draw must not touch the calling process's global ``random`` (the library seeds it) and must give
the same panel whatever ran before it in the same process: a new interpreter per call guarantees
both. ``spawn`` (not ``fork``) so nothing of the parent's state, threads or connections is copied.
"""

import importlib
import multiprocessing
import resource
import time
from dataclasses import dataclass
from typing import Any


class IsolatedTimeout(Exception):
    """The child did not finish in time and was stopped."""


class IsolatedFailure(Exception):
    """The child raised or died."""


@dataclass(frozen=True)
class Outcome:
    value: Any
    seconds: float
    peak_memory_kb: int  # ru_maxrss of the child (kilobytes on Linux)


def _child(connection, target: str, args: tuple) -> None:
    module_name, _dot, function_name = target.rpartition(".")
    try:
        value = getattr(importlib.import_module(module_name), function_name)(*args)
        connection.send(("ok", value, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent as a failure
        connection.send(("error", f"{type(error).__name__}: {error}", 0))
    finally:
        connection.close()


def run_isolated(target: str, *args: Any, timeout: float | None = None) -> Outcome:
    """Call ``target`` ("package.module.function") with ``args`` in a new spawned process."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, target, args), daemon=True)
    started = time.perf_counter()
    process.start()
    sender.close()
    answered = False
    try:
        if not receiver.poll(timeout):
            raise IsolatedTimeout(f"over the limit of {timeout} s")
        status, value, peak = receiver.recv()
        answered = True
    except EOFError:
        raise IsolatedFailure(f"the draw process died (exit code {process.exitcode})") from None
    finally:
        receiver.close()
        process.join(5 if answered else 0)
        if process.is_alive():  # over the time limit (or stuck after answering): stop our own child
            process.terminate()
            process.join(5)
    if status != "ok":
        raise IsolatedFailure(value)
    return Outcome(value, time.perf_counter() - started, peak)
