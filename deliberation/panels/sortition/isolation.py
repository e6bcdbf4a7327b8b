"""Run a function in a fresh, spawned process and return its result with the child's peak memory.

A draw must not touch the calling process's global ``random`` (the library seeds it) and must give
the same panel whatever ran before it in the same process: a new interpreter per call guarantees
both. ``spawn`` (not ``fork``) so nothing of the parent's state, threads or connections is copied.
"""

import ctypes
import importlib
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PROGRESS_INTERVAL = 1.0  # seconds between two progress messages from the child, at most

# In the child: where ``report_progress`` sends to (None outside an isolated call).
_progress_connection = None
_progress_sent_at = 0.0


def report_progress(event: dict, *, force: bool = False) -> None:
    """From inside the child: pass a progress event (plain data) to the parent, at most once a second."""
    global _progress_sent_at
    if _progress_connection is None:
        return
    now = time.monotonic()
    if force or now - _progress_sent_at >= PROGRESS_INTERVAL:
        _progress_sent_at = now
        _progress_connection.send(("progress", event, 0))


class IsolatedTimeout(Exception):
    """The child did not finish in time and was stopped."""


class IsolatedFailure(Exception):
    """The child raised or died."""


@dataclass(frozen=True)
class Outcome:
    value: Any
    seconds: float
    peak_memory_kb: int  # the child's peak resident memory (``peak_memory_kb``)


HASH_SEED = "0"
# "spawn" in production. The test suite sets "forkserver" (tests/conftest.py): each draw is still a new
# process, forked from one clean server that imported the library once, instead of a new interpreter
# importing numpy and scipy again; that server is started with HASH_SEED too.
START_METHOD = "spawn"
_environment = threading.Lock()


def peak_memory_kb() -> int:
    """This process's peak resident memory in kB: ``VmHWM`` of its own address space where Linux gives it.

    Not ``ru_maxrss`` alone: a spawned child begins as a fork of its parent, and on Linux ``ru_maxrss``
    keeps the parent's high-water mark across the exec, so a large parent made every child look large.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int | None) -> None:
    """Ask Linux to kill this child when ``parent``, the process that started it, dies (the caller, or the
    tests' forkserver): a worker killed during a long maximin, or a benchmark stopped by a signal, otherwise
    left the solver running, orphaned, until it finished (an hour and more, found on this machine)."""
    expected = parent or os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's own timeout still stops the child
        return
    # The parent died before the request was made (this child, starting under load, took longer than the
    # parent lived): it is no longer the parent now. Compared with the pid the parent gave, not with the
    # parent seen at this child's start, which may already be the new one. None (a forkserver's child):
    # the forkserver, this child's parent, outlives the caller by design; the parent seen before the request.
    if os.getppid() != expected:
        os._exit(1)


def _child(connection, parent: int, target: str, args: tuple) -> None:
    global _progress_connection
    _die_with_parent(parent)
    _progress_connection = connection
    # The solver (HiGHS) prints a banner from C: keep the caller's standard output for the result.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the life of this short process
    module_name, _dot, function_name = target.rpartition(".")
    try:
        value = getattr(importlib.import_module(module_name), function_name)(*args)
        connection.send(("ok", value, peak_memory_kb()))
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent as a failure
        connection.send(("error", f"{type(error).__name__}: {error}", 0))
    finally:
        connection.close()


def run_isolated(target: str, *args: Any, timeout: float | None = None,
                 progress: Callable[[dict], None] | None = None) -> Outcome:
    """Call ``target`` ("package.module.function") with ``args`` in a new spawned process.

    The child may call ``report_progress``; each event reaches ``progress`` in the parent as it arrives.
    """
    context = multiprocessing.get_context(START_METHOD)
    receiver, sender = context.Pipe(duplex=False)
    parent = os.getpid() if START_METHOD == "spawn" else None  # a forkserver's children are the forkserver's
    process = context.Process(target=_child, args=(sender, parent, target, args), daemon=True)
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
        deadline = None if timeout is None else started + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.perf_counter())
            if not receiver.poll(left):
                raise IsolatedTimeout(f"over the limit of {timeout} s")
            status, value, peak = receiver.recv()
            if status != "progress":
                break
            if progress is not None:
                progress(value)
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
