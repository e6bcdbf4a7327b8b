"""Keeping the dashboard's tallies current: add a record's facts, recompute days, reconcile.

Every write to ``Tally`` happens in the transaction of the write it counts (the receivers run inside
the service's transaction), so a rolled-back write leaves no count behind and a committed one always
has its count; only the live notice waits for the commit (``events.tallies_changed``).

Concurrency (docs/governance.md "The governance dashboard" "Keeping the tallies current"): adding takes a *shared*
advisory lock on the metric and upserts (``count = count + n``: concurrent adders never lose a
count); recomputing a metric's days takes the *exclusive* lock, so it sees either all of a
concurrent transaction's facts in the source tables and in the tallies, or none of them.
"""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Iterable

from django.db import connection, transaction
from django.utils import timezone

from governance.models import Tally

from . import events
from .sources import EVENT, METRICS, SNAPSHOT, Fact, local_day, overdue_facts  # noqa: F401 - local_day for receivers

LOCK_NAMESPACE = 15_015  # the first key of the tallies' advisory locks (the second is the metric's)
FIRST_DAY = date(2000, 1, 1)


def _lock(metric: str, *, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(metric.encode()) - 2**31  # a stable signed 32-bit key
    fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fn}(%s, %s)", [LOCK_NAMESPACE, key])


_UPSERT = (
    "INSERT INTO governance_tally (metric, day, district, department_id, bucket, count, total) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (metric, day, district, department_id, bucket) DO UPDATE SET "
    "count = governance_tally.count + EXCLUDED.count, total = governance_tally.total + EXCLUDED.total"
)


def add_facts(metric: str, facts: Iterable[Fact]) -> int:
    """Add facts to the metric's tallies (one atomic upsert each); returns how many."""
    facts = [f for f in facts if f.day is not None]
    if not facts:
        return 0
    with transaction.atomic():
        _lock(metric, shared=True)
        with connection.cursor() as cursor:
            for f in facts:
                cursor.execute(_UPSERT, [metric, f.day, f.district, f.department_id, f.bucket, f.count, f.total])
    events.tallies_changed([metric])
    return len(facts)


def record(metric: str, obj) -> int:
    """An EVENT metric's new source row: add its facts."""
    return add_facts(metric, METRICS[metric].facts(obj))


def _aggregate(facts: Iterable[Fact]) -> dict[tuple, list[int]]:
    sums: dict[tuple, list[int]] = {}
    for f in facts:
        if f.day is None:
            continue
        entry = sums.setdefault((f.day, f.district, f.department_id, f.bucket), [0, 0])
        entry[0] += f.count
        entry[1] += f.total
    return sums


def _replace(metric: str, start: date, end: date, sums: dict[tuple, list[int]]) -> int:
    """Make the metric's rows of days [start, end] exactly ``sums``; returns the rows changed."""
    existing = {(t.day, t.district, t.department_id, t.bucket): t
                for t in Tally.objects.filter(metric=metric, day__gte=start, day__lte=end)}
    changed = 0
    stale = [t.pk for key, t in existing.items() if key not in sums]
    if stale:
        changed += Tally.objects.filter(pk__in=stale).delete()[0]
    new, updated = [], []
    for key, (count, total) in sums.items():
        row = existing.get(key)
        if row is None:
            new.append(Tally(metric=metric, day=key[0], district=key[1], department_id=key[2], bucket=key[3],
                             count=count, total=total))
        elif (row.count, row.total) != (count, total):
            row.count, row.total = count, total
            updated.append(row)
    Tally.objects.bulk_create(new)
    Tally.objects.bulk_update(updated, ["count", "total"])
    return changed + len(new) + len(updated)


def recompute(metric: str, start: date, end: date) -> int:
    """Recompute the metric's tallies of days [start, end] from the source tables; returns rows changed.

    Idempotent: a second run finds nothing to change. A snapshot metric is recomputed for today only
    (its past days are what was seen then, and nothing else remembers them).
    """
    spec = METRICS[metric]
    with transaction.atomic():
        _lock(metric, shared=False)
        if spec.kind == SNAPSHOT:
            now = timezone.now()
            today = timezone.localdate(now)
            if not start <= today <= end:
                return 0
            start = end = today
            facts = overdue_facts(now)
        else:
            facts = (fact for row in spec.rows(start, end).iterator(chunk_size=2000) for fact in spec.facts(row)
                     if fact.day is not None and start <= fact.day <= end)
        changed = _replace(metric, start, end, _aggregate(facts))
    if changed:
        events.tallies_changed([metric])
    return changed


def refresh(metrics: Iterable[str], obj) -> None:
    """A STATE metric's record was saved: recompute the days its facts fall on."""
    for metric in sorted(set(metrics)):  # one order everywhere: the exclusive locks cannot deadlock
        days = {f.day for f in METRICS[metric].facts(obj) if f.day is not None}
        for day in sorted(days):
            recompute(metric, day, day)


def snapshot_overdue() -> int:
    today = timezone.localdate()
    return recompute("followup.overdue", today, today)


def reconcile(*, days: int | None = 3, now: datetime | None = None) -> dict[str, int]:
    """Recompute every metric's tallies of the last ``days`` days (all of them with ``days=None``) from
    the source tables, and take today's overdue snapshot; returns the rows changed per metric.

    Safe to run twice, late, or while the services write (see the module's docstring).
    """
    today = timezone.localdate(now)
    start = FIRST_DAY if days is None else today - timedelta(days=max(days, 1) - 1)
    changed = Counter()
    for metric in sorted(METRICS):
        if METRICS[metric].kind == SNAPSHOT:
            changed[metric] = recompute(metric, today, today)
        else:
            changed[metric] = recompute(metric, start, today)
    return dict(changed)


def is_event_metric(metric: str) -> bool:
    return METRICS[metric].kind == EVENT
