#!/usr/bin/env python
"""daphne as bench/ws_run.py starts it, with the garbage collector's pauses written to its log.

    python bench/ws_daphne.py [daphne options] config.asgi:application

The same as the ``daphne`` command, plus one line per collection that took at least 2 ms:
``gc <monotonic s> gen<n> <ms> ms collected <k>`` (bench/ws_run.py reads them back to put each pause
in its phase). Issue 17 asked why a 1,000-client broadcast's p99 was 300 ms in most runs and 90 ms
in some: a full collection over the process's hundreds of thousands of objects landing in a
broadcast is one candidate this measures.
"""

import gc
import sys
import time

from daphne.cli import CommandLineInterface

_started = [0.0]


def _on_collect(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
        return
    ms = (time.perf_counter() - _started[0]) * 1000
    if ms >= 2:
        print(f"gc {time.monotonic():.3f} gen{info['generation']} {ms:.1f} ms collected {info['collected']}",
              file=sys.stderr, flush=True)


if __name__ == "__main__":
    gc.callbacks.append(_on_collect)
    CommandLineInterface.entrypoint()
