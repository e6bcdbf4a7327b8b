"""The embedded default's deadline keeper: a daemon thread that runs the sweeps beat runs.

With no Redis there is no beat process; ``manage.py runembedded`` starts this thread so support
windows close and rounds end at their deadline (within EMBEDDED_SWEEP_SECONDS), including deadlines
that passed while the server was down (the first sweep runs at start). The sweeps are listed in
settings.EMBEDDED_SWEEPS.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
_started = threading.Event()


def _loop(stop: threading.Event, interval: float) -> None:
    sweeps = [import_string(path) for path in settings.EMBEDDED_SWEEPS]
    while not stop.is_set():
        try:
            close_old_connections()
            for sweep in sweeps:
                result = sweep()
                if result and (not isinstance(result, dict) or any(result.values())):
                    log.warning("%s: %s", sweep.name, result)
        except Exception:  # keep the thread alive; the next sweep retries
            log.exception("deadline sweep failed")
        finally:
            close_old_connections()
        stop.wait(interval)
    connections.close_all()  # a stopped sweeper must not keep the database open


def start_embedded_sweeper(interval: float | None = None) -> threading.Event:
    """Start the sweeper once per process; returns an event that stops it."""
    stop = threading.Event()
    if _started.is_set():
        return stop
    _started.set()
    interval = interval if interval is not None else settings.EMBEDDED_SWEEP_SECONDS
    threading.Thread(target=_loop, args=(stop, interval), name="deadline-sweeper", daemon=True).start()
    return stop
