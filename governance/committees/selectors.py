"""Every read of the committees: the public list and page, the composition against the committee's rules,
the open calls, a citizen's own applications, and the plain figures the governance dashboard shows.

Composition (docs/governance.md "Committees"): counted over the *current* members (not ended). "Ordinary
citizens" are members of category ``citizen``. "Appointed members", for the gender rule, are every current
member except the ex officio ones (category ``official``): whoever the city chooses to seat, however they
came in. A rule is judged only once the committee has members (an empty committee is being formed).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.demographics import AGE_BANDS
from accounts.districts import District
from accounts.models import Gender

from governance.models import Application, Committee, CommitteeDraw, Member, OpenCall
from governance.states import MemberCategory, OpenCallState

PUBLIC_CALL_STATES = (OpenCallState.OPEN, OpenCallState.CLOSED, OpenCallState.SELECTED, OpenCallState.CANCELLED)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Composition:
    """A committee's current members counted four ways, and its rules judged."""

    total: int
    by_category: list = field(default_factory=list)  # [(code, label, count)]
    by_gender: list = field(default_factory=list)
    by_age_band: list = field(default_factory=list)
    by_district: list = field(default_factory=list)
    citizens: int = 0
    citizen_share: float | None = None
    min_citizen_share: int = 0
    appointed: int = 0
    appointed_by_gender: list = field(default_factory=list)  # [(code, label, count, share)]
    largest_gender_share: float | None = None
    max_gender_share: int = 60
    broken: list = field(default_factory=list)  # the rules broken, in words

    @property
    def is_outside_rules(self) -> bool:
        return bool(self.broken)


def _counted(counter: Counter, choices) -> list:
    rows = [(code, label, counter[code]) for code, label in choices if counter[code]]
    if counter.get(""):
        rows.append(("", _("Not given"), counter[""]))
    return rows


def composition(committee: Committee, members=None) -> Composition:
    """``members``: the current members when the caller has them already (the list prefetches them)."""
    if members is None:
        members = list(committee.members.filter(ended_at__isnull=True))
    total = len(members)
    categories = Counter(m.category for m in members)
    appointed = [m for m in members if m.category != MemberCategory.OFFICIAL]
    appointed_genders = Counter(m.gender for m in appointed)
    result = Composition(
        total=total,
        by_category=_counted(categories, MemberCategory.choices),
        by_gender=_counted(Counter(m.gender for m in members), Gender.choices),
        by_age_band=_counted(Counter(m.age_band for m in members), [(label, label) for _lowest, label in AGE_BANDS]),
        by_district=_counted(Counter(m.district for m in members), District.choices),
        citizens=categories[MemberCategory.CITIZEN],
        citizen_share=_share(categories[MemberCategory.CITIZEN], total),
        min_citizen_share=committee.min_citizen_share,
        appointed=len(appointed),
        appointed_by_gender=[(code, label, count, _share(count, len(appointed)))
                             for code, label, count in _counted(appointed_genders, Gender.choices)],
        largest_gender_share=_share(max(appointed_genders.values()), len(appointed)) if appointed else None,
        max_gender_share=committee.max_gender_share,
    )
    if total and result.citizen_share < committee.min_citizen_share:
        result.broken.append(
            _("Ordinary citizens hold %(share)s %% of the seats filled; the committee's rule is at least "
              "%(rule)d %%.") % {"share": _number(result.citizen_share), "rule": committee.min_citizen_share})
    for code, label, count, share in result.appointed_by_gender:
        if share > committee.max_gender_share:
            result.broken.append(
                _("%(gender)s members are %(share)s %% of the appointed members; no gender may be above "
                  "%(rule)d %%.") % {"gender": label, "share": _number(share), "rule": committee.max_gender_share})
    return result


def _number(value: float) -> str:
    return f"{value:g}"


# --- The public list and page ------------------------------------------------------------------------


def _current_members_prefetch() -> Prefetch:
    return Prefetch("members", queryset=Member.objects.filter(ended_at__isnull=True), to_attr="current_members")


def committee_list(*, legal_status: str = "", function: str = "", department=None, agenda: str = "",
                   include_dissolved: bool = False) -> list[Committee]:
    """The committees, filtered; each carries ``current_members`` and ``composition`` (its flags)."""
    rows = Committee.objects.select_related("department").prefetch_related(_current_members_prefetch())
    if not include_dissolved:
        rows = rows.filter(dissolved_at__isnull=True)
    if legal_status:
        rows = rows.filter(legal_status=legal_status)
    if function:
        rows = rows.filter(function=function)
    if department:
        rows = rows.filter(department=department)
    if agenda == "yes":
        rows = rows.filter(is_agenda_committee=True)
    elif agenda == "no":
        rows = rows.filter(is_agenda_committee=False)
    committees = list(rows)
    for committee in committees:
        committee.composition = composition(committee, committee.current_members)
    return committees


def committee_members(committee: Committee) -> dict:
    """Current members (the chair first) and former ones, with the record of how each came in."""
    rows = list(committee.members.select_related("application__call", "invitation__draw"))
    return {"current": [m for m in rows if m.ended_at is None], "former": [m for m in rows if m.ended_at]}


def public_calls(committee: Committee) -> QuerySet:
    return committee.open_calls.filter(state__in=PUBLIC_CALL_STATES)


def all_calls(committee: Committee) -> QuerySet:
    return committee.open_calls.annotate(
        application_count=Count("applications", filter=~Q(applications__state="withdrawn")))


def committee_draws(committee: Committee) -> QuerySet:
    return (CommitteeDraw.objects.filter(committee=committee).select_related("draw")
            .annotate(seated=Count("draw__invitations__committee_member")).order_by("-created_at"))


def is_call_public(call: OpenCall) -> bool:
    return call.state in PUBLIC_CALL_STATES


def published_selection(call: OpenCall) -> list[Application]:
    """The selected applicants with the published reasons; the statements of those not selected are not
    shown (docs/governance.md "Committees"), nor who they are: only their number."""
    if call.state != OpenCallState.SELECTED:
        return []
    return list(call.applications.filter(state="selected").select_related("applicant", "member"))


def selection_counts(call: OpenCall) -> dict:
    counts = Counter(call.applications.values_list("state", flat=True))
    return {"applied": sum(counts.values()) - counts["withdrawn"], "selected": counts["selected"],
            "not_selected": counts["not_selected"]}


def applications_to_decide(call: OpenCall) -> QuerySet:
    return call.applications.filter(state="submitted").select_related("applicant")


def my_applications(user) -> QuerySet:
    if not user.is_authenticated:
        return Application.objects.none()
    return (Application.objects.filter(applicant=user).select_related("call__committee")
            .order_by("-submitted_at", "-pk"))


def my_application(user, call: OpenCall) -> Application | None:
    if not user.is_authenticated:
        return None
    return Application.objects.filter(applicant=user, call=call).first()


# --- Figures for the governance dashboard ------------------------------------------------------------


def counts_by_kind() -> dict:
    """Active committees by legal status and by function, agenda committees, and the total."""
    rows = Committee.objects.filter(dissolved_at__isnull=True)
    return {
        "total": rows.count(),
        "legal_status": {code: rows.filter(legal_status=code).count() for code in Committee.LegalStatus.values},
        "function": {code: rows.filter(function=code).count() for code in Committee.Function.values},
        "agenda": rows.filter(is_agenda_committee=True).count(),
    }


def citizen_share() -> dict:
    """Ordinary citizens among the current members of active committees: {"members", "citizens", "share"}."""
    rows = Member.objects.filter(ended_at__isnull=True, committee__dissolved_at__isnull=True)
    figures = rows.aggregate(members=Count("pk"), citizens=Count("pk", filter=Q(category=MemberCategory.CITIZEN)))
    return {**figures, "share": _share(figures["citizens"], figures["members"])}


def gender_balance() -> dict:
    """Appointed members (all but ex officio) of active committees by gender, their shares, and how many
    committees are outside their gender rule: {"by_gender": {code: count}, "shares": {code: %},
    "committees_outside_gender_rule": n}."""
    rows = Member.objects.filter(ended_at__isnull=True, committee__dissolved_at__isnull=True).exclude(
        category=MemberCategory.OFFICIAL)
    by_gender = {code: rows.filter(gender=code).count() for code in Gender.values}
    total = sum(by_gender.values())
    outside = sum(1 for c in committee_list() if any(
        share > c.max_gender_share for _code, _label, _count, share in c.composition.appointed_by_gender))
    return {"by_gender": by_gender, "shares": {code: _share(n, total) for code, n in by_gender.items()},
            "committees_outside_gender_rule": outside}


def committees_outside_rules() -> int:
    """Active committees that break at least one of their composition rules."""
    return sum(1 for c in committee_list() if c.composition.is_outside_rules)
