"""How a tally's change becomes an "indicators changed" broadcast to the open dashboards, coalesced.

After the commit of a write that changed tallies, each indicator fed by them sets a short cache flag;
the one who sets it broadcasts ``dashboard.changed`` for that indicator COALESCE_SECONDS later, and
the changes committed meanwhile find the flag set and send nothing (they are in what the pages read
then). The flag is dropped before the broadcast, so a change after it schedules its own. At most one
broadcast per indicator per COALESCE_SECONDS, whatever the number of writes (as voting.live does for
a vote's counts; docs/realtime-protocol.md "Governance dashboard").
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
FLAG_TIMEOUT = 30  # the longest a lost flag (its process died) can hold updates back


def _flag(code: str) -> str:
    return f"dashboard:changed:{code}"


def tallies_changed(metrics: Iterable[str]) -> None:
    """Called in the writing transaction: the pages hear of it after the commit (never of a rollback)."""
    metrics = list(metrics)

    def committed():
        new_version()
        indicators_changed(_indicators_fed_by(metrics))
    transaction.on_commit(committed, robust=True)


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
    """Schedule one broadcast per indicator not already scheduled."""
    fresh = [code for code in codes if cache.add(_flag(code), 1, FLAG_TIMEOUT)]
    if fresh:
        _send_later(fresh)


def pending(codes: list[str]) -> list[str]:
    for code in codes:
        cache.delete(_flag(code))
    return codes


def broadcast(codes: list[str]) -> None:
    async_to_sync(get_channel_layer().group_send)(GROUP, {"type": "dashboard.changed", "codes": codes})


def _send_later(codes: list[str]) -> None:
    def on_timer():
        try:
            broadcast(pending(codes))
        except Exception:  # the next change, or a reconnect's snapshot, brings the figures
            log.exception("dashboard: live notice failed for %s", codes)
    timer = threading.Timer(COALESCE_SECONDS, on_timer)
    timer.daemon = True
    timer.start()
