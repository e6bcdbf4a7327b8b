"""Citizen monitoring's reads: an item's ratings and summary, the public aggregates, a monitor's items.

The dashboard may call ``rating_counts``, ``department_table``, ``monitored_items`` and ``summary_of``.
An item's standing is its latest rating: aggregates count each monitored item once, by that rating.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import Department
from governance.models import Monitor, MonitorAssignment, MonitorRating
from governance.states import Rating
from proposals.models import FollowUp
from proposals.states import State

from . import rules


def ratings_of(follow_up: FollowUp) -> QuerySet[MonitorRating]:
    """Every rating of the item, newest first, with the monitor and the replying officer."""
    return (MonitorRating.objects.filter(follow_up=follow_up)
            .select_related("assignment__monitor__user", "replied_by").order_by("-created_at", "-pk"))


def is_public(follow_up: FollowUp) -> bool:
    """A monitored item has a public monitoring page unless moderation hid its proposal."""
    return (follow_up.monitor_assignments.exists()
            and not (follow_up.proposal_id and follow_up.proposal.state == State.HIDDEN))


def summary_of(follow_up: FollowUp) -> dict:
    """Count per rating (every value, in order), the latest rating, the number of ratings and of monitors."""
    counts = dict(MonitorRating.objects.filter(follow_up=follow_up).values_list("rating")
                  .annotate(n=Count("pk")).values_list("rating", "n"))
    return {
        "by_rating": [{"value": value, "label": label, "count": counts.get(value, 0)}
                      for value, label in Rating.choices],
        "count": sum(counts.values()),
        "latest": ratings_of(follow_up).first(),
        "monitors": MonitorAssignment.objects.filter(follow_up=follow_up, ended_at__isnull=True,
                                                     monitor__active=True).count(),
    }


def _latest(field: str) -> Subquery:
    return Subquery(MonitorRating.objects.filter(follow_up=OuterRef("pk"))
                    .order_by("-created_at", "-pk").values(field)[:1])


def monitored_items(*, department: int | None = None, rating: str | None = None) -> QuerySet[FollowUp]:
    """Items that have (or had) a monitor, with ``latest_rating``, ``latest_rated_at`` and ``rating_count``;
    filtered by department id and by latest rating ("none": not rated yet). Latest rated first. An item whose
    proposal moderation hid is left out, as on the public follow-up list."""
    items = (FollowUp.objects.filter(Exists(MonitorAssignment.objects.filter(follow_up=OuterRef("pk"))))
             .exclude(proposal__state=State.HIDDEN)
             .select_related("department", "proposal", "vote")
             .annotate(latest_rating=_latest("rating"), latest_rated_at=_latest("created_at"),
                       rating_count=Subquery(MonitorRating.objects.filter(follow_up=OuterRef("pk")).order_by()
                                             .values("follow_up").annotate(n=Count("pk")).values("n")[:1])))
    if department:
        items = items.filter(department_id=department)
    if rating == "none":
        items = items.filter(latest_rating__isnull=True)
    elif rating:
        items = items.filter(latest_rating=rating)
    return items.order_by(F("latest_rated_at").desc(nulls_last=True), "due_at", "pk")


def rating_counts(*, department: int | None = None) -> dict:
    """Monitored items by their latest rating (each item once), and every rating ever given, per value."""
    latest: dict = {}
    for value in monitored_items(department=department).values_list("latest_rating", flat=True):
        latest[value] = latest.get(value, 0) + 1
    given = MonitorRating.objects.exclude(follow_up__proposal__state=State.HIDDEN)
    if department:
        given = given.filter(follow_up__department_id=department)
    every = dict(given.order_by().values_list("rating").annotate(n=Count("pk")).values_list("rating", "n"))
    return {
        "items": sum(latest.values()),
        "unrated": latest.get(None, 0),
        "ratings": sum(every.values()),
        "by_rating": [{"value": value, "label": label, "items": latest.get(value, 0), "ratings": every.get(value, 0)}
                      for value, label in Rating.choices],
    }


def department_table() -> list[dict]:
    """Per department with monitored items: the number of items and of items per latest rating."""
    rows: dict[int, dict] = {}
    for item in monitored_items().order_by():
        row = rows.setdefault(item.department_id, {"department": item.department, "items": 0,
                                                   "counts": dict.fromkeys(Rating.values, 0), "unrated": 0})
        row["items"] += 1
        if item.latest_rating:
            row["counts"][item.latest_rating] += 1
        else:
            row["unrated"] += 1
    table = sorted(rows.values(), key=lambda r: str(r["department"].display_name))
    for row in table:
        row["by_rating"] = [row["counts"][value] for value in Rating.values]
    return table


def monitored_departments() -> QuerySet[Department]:
    return Department.objects.filter(Exists(MonitorAssignment.objects.filter(
        follow_up__department=OuterRef("pk")))).order_by("name")


def items_of(user) -> list[MonitorAssignment]:
    """A monitor's active assignments, each with ``follow_up``, ``my_latest`` (their own last rating) and
    ``refusal`` (why they cannot rate it now, or None)."""
    assignments = list(MonitorAssignment.objects.filter(monitor__user=user, monitor__active=True,
                                                        ended_at__isnull=True)
                       .select_related("follow_up__department", "follow_up__proposal").order_by("follow_up__due_at"))
    for assignment in assignments:
        assignment.my_latest = assignment.ratings.order_by("-created_at", "-pk").first()
        assignment.refusal = rules.refuse_rate(user, assignment.follow_up)
    return assignments


def monitors_with_load() -> QuerySet[Monitor]:
    """Active monitors with ``load``: their active assignments; fewest first."""
    return (Monitor.objects.filter(active=True).select_related("user")
            .annotate(load=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
            .order_by("load", "joined_at", "pk"))


def assignable_items() -> QuerySet[FollowUp]:
    """Items a monitor may be given, with ``watchers`` (active monitors on them); fewest watched first."""
    return (FollowUp.objects.filter(state__in=rules.ASSIGNABLE_STATES, verdict__in=rules.ACTED_ON_VERDICTS)
            .select_related("department")
            .annotate(watchers=Count("monitor_assignments", filter=Q(monitor_assignments__ended_at__isnull=True,
                                                                     monitor_assignments__monitor__active=True)))
            .order_by("watchers", "due_at", "pk"))


def active_assignments() -> QuerySet[MonitorAssignment]:
    return (MonitorAssignment.objects.filter(ended_at__isnull=True, monitor__active=True)
            .select_related("monitor__user", "follow_up__department").order_by("follow_up__due_at", "pk"))
