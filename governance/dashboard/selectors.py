"""The dashboard's reads: a period's tallies summed (one query), the committees' composition now, and
each indicator's figures for a page, a CSV or a live frame. Nothing here reads the big tables."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.districts import District
from accounts.models import Department
from governance.models import Committee, Member, Tally
from governance.states import MemberCategory

from .indicators import BY_CODE, INDICATORS, Indicator, Slice, share
from .sources import METRICS

METRIC_CODES = sorted(METRICS)
DISTRICTS = [(value, label) for value, label in District.choices if value != District.OUTSIDE]


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    year: int | None = None

    @classmethod
    def of_year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31), year)

    def months(self) -> list[date]:
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return out


@dataclass
class Figures:
    """An indicator's figures for one period and district, as a page, a CSV and a live frame show them."""

    indicator: Indicator
    value: float | int | None
    rows: list[tuple[str, float | int | None]]  # (label, value): per month, or per category
    applies: bool = True  # False: the indicator has no district, and a district was asked for

    def as_data(self) -> dict:
        return {"code": self.indicator.code, "value": self.value, "unit": self.indicator.unit,
                "applies": self.applies, "rows": [[str(label), value] for label, value in self.rows]}


VERSION_KEY = "dashboard:version"


def tallies_version() -> int:
    """Bumped after every commit that changed tallies (events.py): cached sums of an older version are
    never read again."""
    version = cache.get(VERSION_KEY)
    if version is None:  # a fresh start (or a lost key): a clock value, so no older entry can match it
        cache.add(VERSION_KEY, time.time_ns() // 1000, None)
        version = cache.get(VERSION_KEY) or 0
    return version


def read_tallies(period: Period, district: str = "") -> tuple[Slice, dict[date, Slice], dict[date, Slice]]:
    """``sum_tallies``, kept in the cache for DASHBOARD_CACHE_SECONDS under the tallies' version: a crowd
    of pages, or a wall, reads the sums once per change (docs/governance.md "The governance dashboard" "Speed")."""
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 60)
    if not seconds:
        return sum_tallies(period, district)
    key = f"dashboard:tallies:{tallies_version()}:{period.start}:{period.end}:{district}"
    cached = cache.get(key)
    if cached is None:
        whole, monthly, stocks = sum_tallies(period, district)
        cached = (whole.sums, {m: s.sums for m, s in monthly.items()}, {m: s.sums for m, s in stocks.items()})
        cache.set(key, cached, seconds)
    whole, monthly, stocks = cached
    return Slice(whole), {m: Slice(s) for m, s in monthly.items()}, {m: Slice(s) for m, s in stocks.items()}


def sum_tallies(period: Period, district: str = "") -> tuple[Slice, dict[date, Slice], dict[date, Slice]]:
    """The period's tallies: summed over it, per month, and (for stocks) the last day seen per month."""
    # metric IN (...): the (metric, day) index serves each metric's range instead of a scan of all days.
    rows = Tally.objects.filter(metric__in=METRIC_CODES, day__gte=period.start, day__lte=period.end)
    if district:
        rows = rows.filter(district=district)
    flows = (rows.exclude(metric="followup.overdue").annotate(month=TruncMonth("day"))
             .values("metric", "month", "department_id", "bucket")
             .annotate(n=Sum("count"), t=Sum("total")).order_by())
    whole, monthly = {}, {}
    for r in flows:
        for target in (whole, monthly.setdefault(r["month"], {})):
            entry = target.setdefault(r["metric"], {}).setdefault((r["department_id"], r["bucket"]), [0, 0])
            entry[0] += r["n"]
            entry[1] += r["t"]
    # Stocks: per month, the last day a snapshot was taken in it; the period's value is its last one.
    stocks = (rows.filter(metric="followup.overdue").values("day", "department_id", "bucket")
              .annotate(n=Sum("count"), t=Sum("total")).order_by("day"))
    by_day: dict[date, dict] = {}
    for r in stocks:
        by_day.setdefault(r["day"], {}).setdefault("followup.overdue", {})[(r["department_id"], r["bucket"])] = [
            r["n"], r["t"]]
    last_of_month: dict[date, Slice] = {}
    for day in sorted(by_day):
        last_of_month[day.replace(day=1)] = Slice(by_day[day])
    if last_of_month:
        whole.setdefault("followup.overdue", last_of_month[max(last_of_month)].sums["followup.overdue"])
    return Slice(whole), {m: Slice(s) for m, s in monthly.items()}, last_of_month


# -- the committees now (small tables) -----------------------------------------------------------------

def _committees_in_office():
    return Committee.objects.filter(dissolved_at__isnull=True)


def _current_members():
    today = timezone.localdate()
    return (Member.objects.filter(committee__dissolved_at__isnull=True, ended_at__isnull=True)
            .exclude(term_end__lt=today))


def committees_by_function() -> dict:
    counts = Counter(_committees_in_office().values_list("function", flat=True))
    return {value: counts.get(value, 0) for value, _label in Committee.Function.choices}


def citizen_share() -> float | None:
    # counted by PostgreSQL: a few rows back instead of every member in office (docs/benchmarks.md "Governance")
    categories = dict(_current_members().order_by().values_list("category").annotate(n=Count("pk")))
    return share(categories.get(MemberCategory.CITIZEN, 0), sum(categories.values()))


def gender_balance() -> float | None:
    """Committees within their gender rule, over committees in office with appointed members.

    "Appointed" as the committee page counts them (governance.committees.selectors.composition): every
    current member but those who sit ex officio (category official), whatever their route in (the city
    appoints open-call and drawn members too); each gender, "other" included, against the rule."""
    rule = dict(_committees_in_office().values_list("pk", "max_gender_share"))
    genders: dict[int, Counter] = {}
    appointed = (_current_members().exclude(category=MemberCategory.OFFICIAL).order_by()
                 .values_list("committee_id", "gender").annotate(n=Count("pk")))
    for committee_id, gender, n in appointed:
        genders.setdefault(committee_id, Counter())[gender] += n
    if not genders:
        return None
    within = sum(1 for pk, counts in genders.items()
                 if max(counts.values()) * 100 <= rule.get(pk, 60) * sum(counts.values()))
    return share(within, len(genders))


CURRENT = {"committees_by_function": committees_by_function, "citizen_share": citizen_share,
           "gender_balance": gender_balance}


# -- figures -------------------------------------------------------------------------------------------

def _labels(indicator: Indicator, keys) -> dict:
    if indicator.code == "committees-by-kind":
        return dict(Committee.Function.choices)
    if indicator.code == "proposals-by-department":
        return {d.pk: d.display_name for d in Department.objects.filter(pk__in=list(keys))}
    return indicator.labels


def figures(indicator: Indicator, period: Period, district: str, tallies) -> Figures:
    whole, monthly, stocks = tallies
    if district and not indicator.by_district:
        return Figures(indicator, None, [], applies=False)
    if indicator.current:
        result = CURRENT[indicator.current]()
        if isinstance(result, dict):
            labels = _labels(indicator, result)
            return Figures(indicator, sum(result.values()), [(labels.get(k, k), v) for k, v in result.items()])
        return Figures(indicator, result, [])
    value = indicator.value(whole)
    if indicator.breakdown:
        bars = indicator.breakdown(whole)
        labels = _labels(indicator, bars)
        rows = sorted(((labels.get(k, k), v) for k, v in bars.items()), key=lambda r: -r[1])
        return Figures(indicator, value, rows)
    source = stocks if indicator.is_stock else monthly
    rows = []
    for month in period.months():
        label = month.strftime("%Y-%m")
        rows.append((label, indicator.value(source[month]) if month in source else
                     (None if indicator.is_stock or indicator.unit in ("percent", "days") else 0)))
    return Figures(indicator, value, rows)


def dashboard(period: Period, district: str = "", codes: list[str] | None = None) -> list[Figures]:
    """Every indicator's figures (or those of ``codes``), from one read of the tallies."""
    tallies = read_tallies(period, district)
    chosen = INDICATORS if codes is None else [BY_CODE[c] for c in codes if c in BY_CODE]
    return [figures(i, period, district, tallies) for i in chosen]
