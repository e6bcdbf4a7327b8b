"""Run a function in a fresh, spawned process and return its result with the child's peak memory.

A draw must not touch the calling process's global ``random`` (the library seeds it) and must give
the same panel whatever ran before it in the same process: a new interpreter per call guarantees
both. ``spawn`` (not ``fork``) so nothing of the parent's state, threads or connections is copied.
"""

import importlib
import multiprocessing
import os
import resource
import sys
import threading
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


HASH_SEED = "0"
_environment = threading.Lock()


def _child(connection, target: str, args: tuple) -> None:
    # The solver (HiGHS) prints a banner from C: keep the caller's standard output for the result.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the life of this short process
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
    # The library iterates over sets of ids, whose order follows str hashing: a fixed hash seed in the
    # child makes the maximin distribution (and so the panel) the same in every run.
    with _environment:
        previous = os.environ.get("PYTHONHASHSEED")
        os.environ["PYTHONHASHSEED"] = HASH_SEED
        try:
            process.start()
        finally:
            if previous is None:
                del os.environ["PYTHONHASHSEED"]
            else:
                os.environ["PYTHONHASHSEED"] = previous
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
