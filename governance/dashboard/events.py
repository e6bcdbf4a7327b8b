"""How a tally's change becomes an "indicators changed" broadcast to the open dashboards, coalesced.

After the commit of a write that changed tallies, each indicator fed by them tries to set a short cache
flag (COALESCE_SECONDS); the writer who sets it broadcasts ``dashboard.changed`` for that indicator at
once, and the writes committed while the flag stands send nothing. Each open dashboard (consumers.py)
sends the figures when the broadcast arrives and reads them again when the window closes, so what was
written meanwhile arrives then: at most about one update per indicator per COALESCE_SECONDS, whatever
the number of writes, and none lost (docs/realtime-protocol.md "Governance dashboard").

The broadcast leaves from the writer at its commit (waited for, up to BROADCAST_WAIT), never later from a
timer: a writer may be a short-lived process (a management command, a worker's task) that exits before a
timer would fire.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

GROUP = "dashboard"
COALESCE_SECONDS = 3.0


def _flag(code: str) -> str:
    return f"dashboard:changed:{code}"


def tallies_changed(metrics: Iterable[str]) -> None:
    """Called in the writing transaction: the pages hear of it after the commit (never of a rollback)."""
    metrics = list(metrics)
    transaction.on_commit(lambda: announce(metrics), robust=True)


def announce(metrics: Iterable[str]) -> None:
    """What a commit that changed these metrics' tallies does: stale cached sums, and the pages told."""
    new_version()
    indicators_changed(_indicators_fed_by(list(metrics)))


def new_version() -> None:
    """The cached sums of the tallies (selectors.read_tallies) are stale from now on."""
    from .selectors import VERSION_KEY
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or the cache lost it): a clock value matches no older entry
        cache.add(VERSION_KEY, time.time_ns() // 1000, None)


def announce_on_commit(codes: Iterable[str]) -> None:
    """Indicators read from small tables (the committees' composition): announced as the tallies' are."""
    codes = list(codes)
    transaction.on_commit(lambda: indicators_changed(codes), robust=True)


def _indicators_fed_by(metrics: list[str]) -> list[str]:
    from .indicators import fed_by  # the registry reads selectors; events stay importable from services
    return fed_by(metrics)


def indicators_changed(codes: Iterable[str]) -> None:
    """Broadcast the indicators not announced in the last COALESCE_SECONDS (the pages catch the rest)."""
    fresh = [code for code in codes if cache.add(_flag(code), 1, COALESCE_SECONDS)]
    if fresh:
        try:
            broadcast(fresh)
        except Exception:  # the layer is away: a page's next window, or its reconnect, brings the figures
            log.exception("dashboard: live notice failed for %s", fresh)


BROADCAST_WAIT = 5.0  # seconds the writer waits for its notice to leave (Redis slow or away: it goes on)


def broadcast(codes: list[str]) -> None:
    """Send from a thread of its own with its own event loop, and wait for it: the writer may be a thread
    that sync_to_async runs for an event loop (a room's socket saving a room), where async_to_sync would
    hand the send to that loop, which deadlocked when the loop was closing (a room test hung at its end)."""
    failed: list[BaseException] = []

    def send() -> None:
        try:
            async_to_sync(get_channel_layer().group_send)(GROUP, {"type": "dashboard.changed", "codes": codes})
        except BaseException as error:  # noqa: BLE001 - reported in the writer below
            failed.append(error)

    sender = threading.Thread(target=send, name="dashboard-notice", daemon=True)
    sender.start()
    sender.join(BROADCAST_WAIT)
    if failed:
        raise failed[0]
