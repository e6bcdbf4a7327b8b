"""Reads of the budget committee's part of the cycle: the budget school and who completed it, the
sub-committees, their projects and scores, and what a sub-committee's live room shows."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from budget.models import BudgetCycle, BudgetProject, ProjectScore, SchoolAttendance, SubCommittee
from budget.states import CycleStage, ProjectState
from deliberation.panels.models import PoolMember
from governance.models import Member

# The projects a sub-committee deals with: those the department found eligible, and what became of them.
COMMITTEE_STATES = [ProjectState.ELIGIBLE, ProjectState.SHORTLISTED, ProjectState.NOT_SHORTLISTED,
                    ProjectState.FUNDED, ProjectState.NOT_FUNDED, ProjectState.COMPLETED]


# --- The budget school -------------------------------------------------------------------------------

def sessions_required(cycle: BudgetCycle) -> int:
    """How many sessions complete the school (at least one: a graduate has attended something)."""
    return max(1, cycle.school_sessions_required)


def graduate_ids(cycle: BudgetCycle) -> QuerySet:
    """The ids of the people who attended at least ``sessions_required`` of the cycle's sessions."""
    return (SchoolAttendance.objects.filter(session__cycle=cycle).values("user")
            .annotate(attended=Count("session", distinct=True))
            .filter(attended__gte=sessions_required(cycle)).values_list("user", flat=True))


def school_table(cycle: BudgetCycle) -> list[dict]:
    """Everyone who attended a session: their sessions (ids), how many, and whether they completed."""
    required = sessions_required(cycle)
    rows: dict[int, dict] = {}
    attendance = (SchoolAttendance.objects.filter(session__cycle=cycle).select_related("user")
                  .order_by("user__display_name", "user_id", "session_id"))
    for record in attendance:
        row = rows.setdefault(record.user_id, {"user": record.user, "sessions": set()})
        row["sessions"].add(record.session_id)
    table = []
    for row in rows.values():
        row["attended"] = len(row["sessions"])
        row["completed"] = row["attended"] >= required
        table.append(row)
    return table


def pool_matches(query: str, limit: int = 30) -> list:
    """Active standing-pool volunteers whose name or email contains ``query`` (staff's search)."""
    query = query.strip()
    if len(query) < 2:
        return []
    members = (PoolMember.objects.filter(pool__standing=True, active=True, user__isnull=False)
               .filter(Q(user__display_name__icontains=query) | Q(user__email__icontains=query))
               .select_related("user").order_by("user__display_name", "user_id")[:limit])
    return [member.user for member in members]


def users_by_email(emails: list[str]) -> tuple[list, list[str]]:
    """(the accounts of these emails, the emails with no account), case-insensitively."""
    found, missing = [], []
    User = get_user_model()
    for email in emails:
        user = User.objects.filter(email__iexact=email, deleted_at__isnull=True).first()
        (found.append(user) if user else missing.append(email))
    return found, missing


def standing_pool_user_ids() -> QuerySet:
    return PoolMember.objects.filter(pool__standing=True, active=True, user__isnull=False).values_list(
        "user_id", flat=True)


# --- Sub-committees ----------------------------------------------------------------------------------

def sub_committees(cycle: BudgetCycle) -> list[SubCommittee]:
    return list(cycle.sub_committees.select_related("field", "room").annotate(
        member_count=Count("members", filter=Q(members__ended_at__isnull=True), distinct=True))
        .order_by("field__position", "field_id"))


def candidate_members(cycle: BudgetCycle) -> QuerySet:
    """The budget committee's current members, whom staff seat on a sub-committee."""
    if cycle.committee_id is None:
        return Member.objects.none()
    return Member.objects.filter(committee_id=cycle.committee_id, ended_at__isnull=True).order_by("name", "pk")


def current_members(sub_committee: SubCommittee) -> QuerySet:
    return sub_committee.members.filter(ended_at__isnull=True).order_by("-is_chair", "name", "pk")


def field_projects(sub_committee: SubCommittee) -> QuerySet:
    """The field's projects the sub-committee deals with, with their score count, best mean first."""
    return (BudgetProject.objects.filter(cycle_id=sub_committee.cycle_id, field_id=sub_committee.field_id,
                                         state__in=COMMITTEE_STATES)
            .annotate(score_count=Count("scores", distinct=True))
            .order_by("-score_mean", "number", "pk"))


def scorable_projects(sub_committee: SubCommittee) -> QuerySet:
    return field_projects(sub_committee).filter(state=ProjectState.ELIGIBLE)


def member_score_counts(sub_committee: SubCommittee) -> list[dict]:
    """Each current member and how many of the field's projects they have scored."""
    members = current_members(sub_committee).annotate(scored=Count(
        "budget_scores", filter=Q(budget_scores__project__cycle_id=sub_committee.cycle_id,
                                  budget_scores__project__field_id=sub_committee.field_id), distinct=True))
    return [{"member": m, "scored": m.scored} for m in members]


def my_scores(member, sub_committee: SubCommittee) -> dict[int, int]:
    """{project id: score} of this member's scores in the field."""
    if member is None:
        return {}
    return dict(ProjectScore.objects.filter(member=member, project__cycle_id=sub_committee.cycle_id,
                                            project__field_id=sub_committee.field_id)
                .values_list("project_id", "score"))


def default_shortlist(sub_committee: SubCommittee) -> set[int]:
    """The projects the published method ticks: once published, the shortlist as it is; before, every
    scored eligible project whose mean reaches the middle of the score range (docs/budget.md)."""
    projects = list(field_projects(sub_committee))
    if sub_committee.shortlist_published_at:
        return {p.pk for p in projects if p.state == ProjectState.SHORTLISTED}
    cycle = sub_committee.cycle
    middle = Decimal(cycle.score_min + cycle.score_max) / 2
    return {p.pk for p in projects if p.state == ProjectState.ELIGIBLE and p.score_mean is not None
            and p.score_mean >= middle}


def shortlist_candidates(sub_committee: SubCommittee) -> QuerySet:
    """What a shortlist chooses among: the eligible projects and those a previous publication placed."""
    return field_projects(sub_committee).filter(
        state__in=[ProjectState.ELIGIBLE, ProjectState.SHORTLISTED, ProjectState.NOT_SHORTLISTED])


# --- The vote ----------------------------------------------------------------------------------------

def vote_blockers(cycle: BudgetCycle) -> list[str]:
    """What keeps the vote from being created, one line each (empty: it may be created). Translated."""
    lines = []
    unpublished = [str(sc.field) for sc in cycle.sub_committees.select_related("field")
                   if sc.shortlist_published_at is None]
    covered = set(cycle.sub_committees.values_list("field_id", flat=True))
    missing_fields = [str(f) for f in cycle.fields.all() if f.pk not in covered
                      and cycle.projects.filter(field=f, state=ProjectState.ELIGIBLE).exists()]
    if unpublished or missing_fields:
        lines.append(_("These fields have not published their shortlist: %(fields)s.")
                     % {"fields": ", ".join(unpublished + missing_fields)})
    unreviewed = list(cycle.projects.filter(state=ProjectState.SUBMITTED).values_list("title", flat=True))
    if unreviewed:
        lines.append(_("These projects are still awaiting the department's review: %(projects)s.")
                     % {"projects": ", ".join(unreviewed)})
    shortlisted = cycle.projects.filter(state=ProjectState.SHORTLISTED)
    no_review = list(shortlisted.filter(Q(review__isnull=True) | Q(reviewed_cost__isnull=True))
                     .values_list("title", flat=True))
    if no_review:
        lines.append(_("These shortlisted projects have no review or no reviewed cost: %(projects)s.")
                     % {"projects": ", ".join(no_review)})
    if not shortlisted.exists():
        lines.append(_("No project is shortlisted."))
    elif shortlisted.count() < 2:
        lines.append(_("A vote needs at least two shortlisted projects."))
    return lines


# --- The sub-committee's live room (registered with rooms.extensions) ---------------------------------

SHORTLIST_STATES = (ProjectState.ELIGIBLE, ProjectState.SHORTLISTED, ProjectState.NOT_SHORTLISTED)


def room_page_context(room) -> dict:
    """A sub-committee's room shows its field's projects and, to its members, the scoring form."""
    sub_committee = (SubCommittee.objects.filter(room=room).select_related("cycle", "field").first()
                     if room.pk else None)
    if sub_committee is None:
        return {"budget_sub_committee": None}
    projects = list(field_projects(sub_committee))
    return {
        "budget_sub_committee": sub_committee,
        "budget_projects": projects,
        "budget_candidates": [p for p in projects if p.state in SHORTLIST_STATES],
        "budget_member_user_ids": set(current_members(sub_committee).exclude(user=None)
                                      .values_list("user_id", flat=True)),
        "budget_score_range": range(sub_committee.cycle.score_min, sub_committee.cycle.score_max + 1),
        # The chair (or staff) publishes the shortlist from the room too, when the hearing ends.
        "budget_chair_user_ids": set(current_members(sub_committee).filter(is_chair=True).exclude(user=None)
                                     .values_list("user_id", flat=True)),
        "budget_shortlist_open": (sub_committee.cycle.vote_id is None
                                  and sub_committee.cycle.stage == CycleStage.DELIBERATION),
        "budget_ticked": default_shortlist(sub_committee),
        "room_page_includes": ["budget/committee/_room_panel.html"],
    }
