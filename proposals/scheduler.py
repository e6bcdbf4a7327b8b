"""The embedded default's deadline keeper: a daemon thread that runs the same sweep beat runs.

With no Redis there is no beat process; ``manage.py runembedded`` starts this thread so support
windows still close at their deadline (within EMBEDDED_SWEEP_SECONDS), including deadlines that
passed while the server was down (the first sweep runs at start).
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)
_started = threading.Event()


def _loop(stop: threading.Event, interval: float) -> None:
    from .tasks import sweep_deadlines

    while not stop.is_set():
        try:
            close_old_connections()
            result = sweep_deadlines()
            if any(result.values()):
                log.warning("deadline sweep: %s", result)
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
