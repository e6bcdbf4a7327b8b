"""The reserve list and replacements: who is asked next when a drawn person declines or drops out.

No database. The reserve is everyone of the pool who was not selected, in an order anyone holding the
published files can compute again (``reserve_order``). A replacement (``pick_replacement``) is the first
reserve person with exactly the leaving person's profile; failing that, the first whose swap keeps the
quotas; failing that, nobody, with the quota(s) that cannot hold. See docs/juries.md, "Invitations and
the reserve".

The reserve order, byte for byte: for each person id not in the panel, SHA-256 over the UTF-8 bytes of
the draw's RFC 3797 key string (e.g. ``9319./2.5.8.10.12./``), one newline byte (0x0A), then the UTF-8
bytes of the person id; people are sorted by the digest read as an unsigned big-endian integer (the
same as its lowercase hex text), lowest first; two equal digests (never seen) would be ordered by id.
Positions are counted from 1.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from deliberation.panels.sortition.pool import Pool, Quota, features_of

SAME_PROFILE = "same"
QUOTAS_KEPT = "quotas"


def reserve_digest(key: str, person_id: str) -> str:
    """The hex SHA-256 of ``key + "\\n" + person_id`` in UTF-8: a person's place in the reserve."""
    return hashlib.sha256(f"{key}\n{person_id}".encode()).hexdigest()


def reserve_order(key: str, person_ids: Iterable[str], selected: Iterable[str]) -> list[str]:
    """The people not selected, lowest SHA-256 of (key, newline, id) first."""
    chosen = set(selected)
    return sorted((p for p in person_ids if p not in chosen), key=lambda p: (reserve_digest(key, p), p))


@dataclass(frozen=True)
class Replacement:
    """What the reserve gives for a seat: a person (with their 1-based reserve position and how they fit)
    or nobody, and the explanation either way."""

    person_id: str | None
    position: int | None
    match: str  # SAME_PROFILE, QUOTAS_KEPT or "" (nobody)
    explanation: str


def _rows(people: Pool | Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return people.people if isinstance(people, Pool) else people


def profile(row: Mapping[str, str], quotas: Iterable[Quota]) -> tuple[str, ...]:
    """A person's value for each feature of the quotas, in the quotas' order."""
    return tuple(row[feature] for feature in features_of(quotas))


def quota_counts(people, quotas: list[Quota], panel: Iterable[str]) -> list[tuple[Quota, int, bool]]:
    """Each quota with how many of ``panel`` have its value, and whether that is within min..max."""
    rows = _rows(people)
    members = [rows[p] for p in panel]
    counts = []
    for quota in quotas:
        count = sum(1 for row in members if row[quota.feature] == quota.value)
        counts.append((quota, count, quota.min <= count <= quota.max))
    return counts


def _broken_by_swap(rows, quotas: list[Quota], counts: dict, leaving: str, joining: str) -> list[Quota]:
    """The quotas a swap changes and takes outside min..max (the quotas it does not touch are not its doing,
    e.g. while another seat is open)."""
    broken = []
    for quota in quotas:
        change = (rows[joining][quota.feature] == quota.value) - (rows[leaving][quota.feature] == quota.value)
        if change and not quota.min <= counts[quota] + change <= quota.max:
            broken.append(quota)
    return broken


def _name(quota: Quota) -> str:
    return f"{quota.feature}={quota.value}"


def find_replacement(people, quotas: list[Quota], seated_ids: Iterable[str], leaving_id: str,
                     reserve: list[str], used: Iterable[str], *, name_quota=None) -> Replacement:
    """The replacement for ``leaving_id`` among ``reserve`` (in order), skipping ``used`` and anyone seated.

    ``name_quota`` turns a quota's ``attribute=value`` into the words a page shows (the app passes its label
    registry; this core imports no app); without it the explanation names the quota as the file does."""
    rows, seated = _rows(people), set(seated_ids) | {leaving_id}
    skip = set(used) | seated
    candidates = [(position, person) for position, person in enumerate(reserve, start=1) if person not in skip]
    wanted = profile(rows[leaving_id], quotas)
    for position, person in candidates:
        if profile(rows[person], quotas) == wanted:
            return Replacement(person, position, SAME_PROFILE, _(
                "Reserve position %(position)d has the same profile as the person leaving.")
                % {"position": position})
    counts = {quota: count for quota, count, _holds in quota_counts(rows, quotas, seated)}
    broken: dict[Quota, int] = {}
    for position, person in candidates:
        against = _broken_by_swap(rows, quotas, counts, leaving_id, person)
        if not against:
            return Replacement(person, position, QUOTAS_KEPT, _(
                "No one left in the reserve has the same profile; reserve position %(position)d keeps every "
                "quota within its minimum and maximum.") % {"position": position})
        for quota in against:
            broken[quota] = broken.get(quota, 0) + 1
    return Replacement(None, None, "", _explain_none(quotas, broken, len(candidates), name_quota or _name))


def _explain_none(quotas: list[Quota], broken: dict[Quota, int], candidates: int, name_quota) -> str:
    if not candidates:
        return _("The seat stays open: no one is left in the reserve.")
    named = [_("QUOTAS line %(line)d, %(quota)s (%(min)d to %(max)d)")
             % {"line": quota.line, "quota": name_quota(quota), "min": quota.min, "max": quota.max}
             for quota in quotas if quota in broken]
    return _("The seat stays open: each of the %(count)d people left in the reserve would take one of these "
             "quotas outside its minimum and maximum: %(quotas)s.") % {"count": candidates, "quotas": "; ".join(named)}


def pick_replacement(people, quotas: list[Quota], seated_ids: Iterable[str], leaving_id: str,
                     reserve: list[str], used: Iterable[str]) -> tuple[str | None, str]:
    """(the replacement's id or None, why): same profile first, else the first swap keeping the quotas."""
    found = find_replacement(people, quotas, seated_ids, leaving_id, reserve, used)
    return found.person_id, found.explanation
