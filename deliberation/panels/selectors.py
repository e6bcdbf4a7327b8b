"""Reads of drawing panels by lot: the citizen pool as a draw reads it, a draw's progress, and the
invitations of a drawn panel (who confirmed, the public record of replacements)."""

import hashlib
import json
import math
import shlex
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demographics import AGE_BANDS, age_band
from accounts.districts import DISTRICT_GROUP_LABELS, district_group
from accounts.attributes import attribute_label, value_label
from accounts.models import Gender

from deliberation.panels.models import Draw, Invitation, PoolAttribute
from deliberation.panels.sortition import Pool as PeopleTable, read_people, read_quotas, write_people
from deliberation.panels.sortition import ProfileDistribution
from deliberation.panels.sortition.reserve import quota_counts
from deliberation.panels.states import SEATED_INVITATION_STATES as SEATED
from deliberation.panels.states import InvitationState

# --- The citizen pool ------------------------------------------------------------------------------

PROFILE_FEATURES = ("district_group", "age_band", "gender")


def pool_snapshot(pool, *, today=None, only_users=None) -> tuple[list[str], list[dict]]:
    """The pool as a draw reads it: (the feature names, one row per active member: id then features).

    Volunteers' living zone, age band and gender are read from their profile now; imported people's
    from their row. Rows are in person_id order, so the same pool gives the same table. ``only_users``
    (user ids, or a queryset of users or of their ids) keeps only the members with one of those accounts:
    a draw's eligibility filter (e.g. the budget school's graduates).
    """
    extra = list(PoolAttribute.objects.values_list("code", flat=True))
    rows = []
    members = pool.members.filter(active=True).select_related("user").order_by("person_id")
    if only_users is not None:
        members = members.filter(user__in=only_users)
    for member in members:
        row = {"id": member.person_id, **member.attributes}
        if member.user_id is not None:
            user = member.user
            row.update(district_group=district_group(user.district), age_band=age_band(user.birth_year, today),
                       gender=user.gender)
        rows.append(row)
    if not pool.standing:  # an imported pool: its own columns, by name (jsonb keeps no column order)
        return sorted({key for member in members for key in member.attributes}), rows
    features = [*PROFILE_FEATURES, *[code for code in extra if code not in PROFILE_FEATURES]]
    imported = sorted({key for row in rows for key in row} - {"id", *features})
    return [*features, *imported], rows


@dataclass(frozen=True)
class AttributeCounts:
    """One attribute of a pool as the quota form shows it: its label, each value with its label and how many
    people have it, and how many have no value (a quota on it would refuse them)."""

    code: str
    label: str
    values: list[tuple[str, str, int]]
    blank: int
    total: int


def _feature_labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """What to call the profile features and the admin's attributes, and their values, in the reader's language."""
    labels = {"district_group": _("Living zone"), "age_band": _("Age band"), "gender": _("Gender")}
    values = {"district_group": {k: str(v) for k, v in DISTRICT_GROUP_LABELS.items()},
              "gender": {k: str(v) for k, v in Gender.choices}}
    for attribute in PoolAttribute.objects.all():
        labels[attribute.code] = attribute.label
        values[attribute.code] = dict(attribute.choices())
    return labels, values


def pool_attribute_counts(pool, *, today=None) -> list[AttributeCounts]:
    """Each attribute of ``pool``'s snapshot with its values' counts, values in order of first appearance
    (age bands and the admin's answers in their defined order)."""
    features, rows = pool_snapshot(pool, today=today)
    labels, value_labels = _feature_labels()
    order = {"age_band": [name for _low, name in AGE_BANDS]}
    for attribute in PoolAttribute.objects.all():
        order[attribute.code] = [code for code, _label in attribute.choices()]
    result = []
    for feature in features:
        counts = Counter(str(row.get(feature, "") or "") for row in rows)
        blank = counts.pop("", 0)
        known = order.get(feature, [])
        ranked = sorted(counts, key=lambda v: (known.index(v) if v in known else len(known), v))
        result.append(AttributeCounts(
            code=feature, label=labels.get(feature, feature),
            values=[(value, value_labels.get(feature, {}).get(value, value), counts[value]) for value in ranked],
            blank=blank, total=len(rows)))
    return result


def proportional_bounds(count: int, total: int, size: int) -> tuple[int, int]:
    """A value's quota in a panel of ``size`` proportional to its share of the pool: (floor, ceiling)."""
    if not total:
        return 0, 0
    exact = count * size / total
    return min(math.floor(exact), count), min(math.ceil(exact), count)


def pool_snapshot_hash(features: list[str], rows: list[dict]) -> str:
    """SHA-256 of the snapshot as canonical JSON: published with a draw, so anyone can check the pool it used."""
    canonical = json.dumps({"features": features, "people": [[row.get("id"), *[row.get(f, "") for f in features]]
                                                              for row in rows]},
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def pool_people_csv(pool, *, only_users=None) -> str:
    """The pool now, as the PEOPLE.csv a draw stores and `manage.py draw` reads (the id first); with
    ``only_users``, only the eligible members (``pool_snapshot``)."""
    features, rows = pool_snapshot(pool, only_users=only_users)
    return write_people(PeopleTable(columns=["id", *features], people={row["id"]: row for row in rows}))


def draw_progress(draw) -> str | None:
    """The maximin job's last progress report in words, for the record page while it runs."""
    event = draw.progress if draw.state == "preparing" else None
    if not event:
        return None
    current, total = event.get("current") or 0, event.get("total")
    if event.get("phase") == "multiplicative_weights" and total:
        return _("Finding a first set of possible panels: round %(current)s of %(total)s.") % {
            "current": current, "total": total}
    if event.get("phase") == "covering" and total:
        return _("Finding panels that hold every profile: %(current)s of %(total)s profiles.") % {
            "current": current, "total": total}
    if event.get("phase") == "maximin_optimization":
        return _("Making the distribution as fair as possible: iteration %(current)s (the number of "
                 "iterations is not known in advance).") % {"current": current}
    return _("Working: step %(current)s.") % {"current": current}


@dataclass(frozen=True)
class ProfileChance:
    """One profile of a draw over profiles: its values in words, how many people have it, their chance."""

    label: str
    people: int
    chance: float


def _weighted_median(pairs: list[tuple[float, int]]) -> float:
    """The median of values each held by ``count`` people (the middle person's, or the mean of the two)."""
    ordered, total = sorted(pairs), sum(count for _value, count in pairs)
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value, count in ordered:
        found += [value for position in middle if seen <= position < seen + count]
        seen += count
    return statistics.mean(found)


def draw_chances(draw) -> dict | None:
    """Everyone's chance in aggregate (lowest, median, highest, over how many people), and over profiles
    each profile's chance, lowest first: what the record publishes before the public values."""
    record = draw.distribution
    if record and record.get("method") == "profiles":
        distribution = ProfileDistribution.from_record(record)
        chances = distribution.chances()
        rows = sorted((ProfileChance(
            ", ".join(f"{attribute_label(feature)}: {value_label(value, feature)}"
                      for feature, value in zip(distribution.features, profile, strict=True)), size, chance)
            for profile, size, chance in zip(distribution.profiles, distribution.sizes, chances, strict=True)),
            key=lambda row: (row.chance, row.label))
        return {"min": rows[0].chance, "max": rows[-1].chance, "people": sum(distribution.sizes),
                "median": _weighted_median([(row.chance, row.people) for row in rows]), "profiles": rows,
                "gap": distribution.gap}
    if not draw.chances:
        return None
    values = sorted(draw.chances.values())
    return {"min": values[0], "median": statistics.median(values), "max": values[-1], "people": len(values)}


def draw_method(draw) -> str:
    """Which algorithm ran, and why, in a sentence for the record."""
    if draw.algorithm == "maximin":
        return _("Maximin over profiles: people with the same value of every quota attribute are interchangeable "
                 "for the quotas, so the fairest distribution gives them the same chance; it is computed over "
                 "profiles, not people.")
    if draw.algorithm == "maximin-people" and draw.household_columns:
        return _("Maximin person by person (the sortition-algorithms library), because the draw takes at most one "
                 "person per household (columns: %(columns)s): people of one profile who share an address are "
                 "no longer interchangeable.") % {"columns": ", ".join(draw.household_columns)}
    if draw.algorithm == "maximin-people":
        return _("Maximin person by person (the sortition-algorithms library), as draws were computed before "
                 "maximin over profiles.")
    return _("The simple stratified draw, chosen by staff: it meets the quotas but does not equalise chances.")


def draw_command(draw) -> str:
    """The command that re-runs this draw from its published files (PEOPLE.csv and QUOTAS.csv)."""
    parts = ["python", "manage.py", "draw", "PEOPLE.csv", "QUOTAS.csv", "--size", str(draw.size),
             "--seed", draw.public_values or "PUBLIC VALUES", "--algorithm", draw.algorithm]
    if draw.household_columns:
        parts += ["--households", ",".join(draw.household_columns)]
    return shlex.join(parts)


# --- Invitations to a drawn panel ---------------------------------------------------------------------

def confirmed_people(draw) -> list[dict]:
    """The confirmed members of a drawn panel by seat: {"seat", "person_id", "user"} (user None for an
    imported person without an account). What a jury or a poll seats."""
    rows = Invitation.objects.filter(draw=draw, state=InvitationState.CONFIRMED).select_related("user")
    return [{"seat": i.seat, "person_id": i.person_id, "user": i.user} for i in rows.order_by("seat")]


def my_invitations(user) -> QuerySet:
    """A signed-in person's invitations, the open ones first, newest first."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    open_first = Case(When(state=InvitationState.INVITED, then=Value(0)), default=Value(1))
    return Invitation.objects.filter(user=user).select_related("draw").order_by(open_first, "-created_at", "-pk")


def pending_invitation_count(user) -> int:
    """Invitations waiting for this user's answer (the header's count)."""
    return Invitation.objects.filter(user=user, state=InvitationState.INVITED, deadline_at__gte=timezone.now()).count()


def invitation_record(draw, *, staff: bool = False) -> dict | None:
    """A draw's invitations for its record page: counts by state, the seats with their replacement chains
    (for the public: reserve positions and how each fits, never a person), and each quota on the confirmed
    panel. Staff also get each invitation's person id, deadline and reasons. None before any is sent."""
    invitations = list(draw.invitations.all())
    if not invitations:
        return None
    counts = {state: 0 for state in InvitationState.values}
    seats: dict[int, list] = {}
    for invitation in invitations:
        counts[invitation.state] += 1
        seats.setdefault(invitation.seat, []).append(invitation)
    quotas = read_quotas(draw.quotas_csv)
    people = read_people(draw.people_csv, quotas)
    confirmed = [i.person_id for i in invitations if i.state == InvitationState.CONFIRMED]
    checked = quota_counts(people, quotas, confirmed)
    return {
        "counts": [(InvitationState(state).label, state, n) for state, n in counts.items()],
        "seats": [{"seat": seat, "chain": chain, "open": chain[-1].state not in SEATED}
                  for seat, chain in sorted(seats.items())],
        "quotas": [{"quota": q, "count": n, "holds": holds} for q, n, holds in checked],
        "quotas_hold": all(holds for _q, _n, holds in checked),
        "confirmed": len(confirmed),
        "changed": any(i.replaces_id for i in invitations) or any(c[-1].state not in SEATED for c in seats.values()),
        "staff": staff,
    }


def unemailed_invitation_ids(*, now) -> list[int]:
    """Open invitations of people with an account whose email was never sent (the task was lost)."""
    return list(Invitation.objects.filter(
        user__isnull=False, emailed_at__isnull=True, state=InvitationState.INVITED,
        created_at__lt=now - timedelta(minutes=2), deadline_at__gt=now).order_by("pk").values_list("pk", flat=True))


def public_draws(limit: int = 100) -> list:
    """The draws whose inputs are published (waiting for the public values, or drawn), newest first: their
    records are for anyone to check. Draws being prepared or that failed stay on the staff's list."""
    return list(Draw.objects.filter(state__in=[Draw.State.PUBLISHED, Draw.State.DRAWN])
                .order_by("-created_at", "-pk")[:limit])
