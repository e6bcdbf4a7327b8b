"""Every write of the budget committee's part of the cycle: the budget school and its attendance, the
committee's draw from the school's graduates, the field sub-committees and their live rooms, the
members' scores, the published shortlists, and the vote created from them.

Each function checks ``budget.committee.rules`` first (a refusal is ``PermissionDenied`` with the
rule's reason), runs in one transaction, and stores nothing when it refuses (``BudgetError`` says why).
Projects move only through ``PROJECT_LIFECYCLE``, the cycle only through ``CYCLE_LIFECYCLE``.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.committee import rules, selectors
from budget.lifecycles import CYCLE_LIFECYCLE, PROJECT_LIFECYCLE, BudgetError
from budget.models import BudgetCycle, BudgetField, BudgetProject, ProjectScore, SchoolAttendance, SchoolSession
from budget.models import SubCommittee
from budget.states import CycleStage, ProjectState
from deliberation.panels.sortition import DEFAULT_ALGORITHM
from deliberation.rooms.rules import may_create_room
from deliberation.rooms.services.rooms import create_room, invite_to_room
from deliberation.rooms.states import Access, MemberRole
from governance.committees.services import start_committee_draw
from governance.models import CommitteeDraw
from voting.services import authoring as vote_authoring
from voting.services.lifecycle import schedule
from voting.states import VoteKind

ROOM_SECONDS = 3 * 3600  # the hearing's one round: the sub-committee runs its own order inside it


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _lock_cycle(cycle: BudgetCycle) -> BudgetCycle:
    return BudgetCycle.objects.select_for_update().get(pk=cycle.pk)


# --- The budget school -------------------------------------------------------------------------------

@transaction.atomic
def add_school_session(*, cycle: BudgetCycle, actor, title: str, held_on: date, place: str = "") -> SchoolSession:
    _require(rules.refuse_manage(actor))
    session = SchoolSession(cycle=cycle, title=title.strip(), held_on=held_on, place=place.strip())
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def record_attendance(*, session: SchoolSession, actor, users) -> int:
    """Record that ``users`` attended ``session``; someone already recorded stays as they were (idempotent).
    Returns how many were newly recorded."""
    _require(rules.refuse_manage(actor))
    users = [user for user in dict.fromkeys(users)]
    if not users:
        raise BudgetError(_("Choose at least one person who attended."), code="nobody")
    already = set(session.attendance.values_list("user_id", flat=True))
    new = [SchoolAttendance(session=session, user=user, recorded_by=actor) for user in users
           if user.pk not in already]
    SchoolAttendance.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def parse_emails(text: str) -> list[str]:
    """The addresses of a pasted list (one a line, or separated by commas, semicolons or spaces)."""
    for separator in ",;\t\r":
        text = text.replace(separator, " ")
    return list(dict.fromkeys(part.strip().lower() for part in text.split() if part.strip()))


@transaction.atomic
def record_attendance_by_email(*, session: SchoolSession, actor, emails_text: str) -> int:
    """The same from a pasted list of emails; an address with no account refuses the whole list."""
    _require(rules.refuse_manage(actor))
    emails = parse_emails(emails_text)
    if not emails:
        raise BudgetError(_("Paste at least one email address."), code="nobody")
    users, missing = selectors.users_by_email(emails)
    if missing:
        raise BudgetError(_("No account has these email addresses; nothing was recorded: %(emails)s.")
                          % {"emails": ", ".join(missing)}, code="unknown_email")
    return record_attendance(session=session, actor=actor, users=users)


# --- The committee's draw ----------------------------------------------------------------------------

@transaction.atomic
def start_budget_committee_draw(*, cycle: BudgetCycle, size: int, quotas_text: str, actor,
                                algorithm: str = DEFAULT_ALGORITHM) -> CommitteeDraw:
    """Draw the cycle's budget committee by lot from the standing pool's volunteers who completed the
    budget school (governance's committee draw, with panels' eligibility filter)."""
    _require(rules.refuse_manage(actor))
    if cycle.committee_id is None:
        raise BudgetError(_("This cycle has no budget committee yet; choose it on the cycle's page first."),
                          code="no_committee")
    graduates = set(selectors.graduate_ids(cycle))
    if not graduates:
        raise BudgetError(_("Nobody has completed the budget school yet, so nobody can be drawn: record the "
                            "school's attendance first."), code="no_graduates")
    if not graduates & set(selectors.standing_pool_user_ids()):
        raise BudgetError(_("None of the budget school's graduates is a volunteer of the citizen pool, so "
                            "nobody can be drawn."), code="no_graduates_in_pool")
    required = selectors.sessions_required(cycle)
    eligibility = _("Volunteers of the citizen pool who completed the budget school of “%(cycle)s” (at least "
                    "%(sessions)d sessions): %(count)d people.") % {
                        "cycle": cycle.title, "sessions": required, "count": len(graduates)}
    return start_committee_draw(
        committee=cycle.committee, size=size, quotas_text=quotas_text, actor=actor, only_users=sorted(graduates),
        eligibility=eligibility[:300], algorithm=algorithm,
        title=_("%(cycle)s: the budget committee drawn by lot") % {"cycle": cycle.title})


# --- Sub-committees ----------------------------------------------------------------------------------

def _proposers(sub_committee: SubCommittee) -> list:
    return [p.author for p in selectors.scorable_projects(sub_committee).select_related("author")
            if p.author.is_active]


def _invite(sub_committee: SubCommittee) -> None:
    """Members into the room as participants, the field's proposers as speakers (idempotent)."""
    room = sub_committee.room
    if room is None:
        return
    members = [m.user for m in selectors.current_members(sub_committee).select_related("user")
               if m.user_id and m.user.is_active]
    if members:
        invite_to_room(room=room, actor=room.facilitator, users=members)
    proposers = [u for u in _proposers(sub_committee) if u not in members]
    if proposers:
        invite_to_room(room=room, actor=room.facilitator, users=proposers, role=MemberRole.SPEAKER)


@transaction.atomic
def create_sub_committee(*, cycle: BudgetCycle, field: BudgetField, actor, facilitator=None) -> SubCommittee:
    """A field's sub-committee with its live room (run by ``facilitator``, by default the staff member when
    they may run rooms): invited members, the field's proposers as speakers, the public as observers."""
    _require(rules.refuse_manage(actor))
    cycle = _lock_cycle(cycle)
    if not cycle.fields.filter(pk=field.pk).exists():
        raise BudgetError(_("This field is not one of the cycle's fields."), code="field")
    if cycle.sub_committees.filter(field=field).exists():
        raise BudgetError(_("The field “%(field)s” already has its sub-committee.") % {"field": field},
                          code="exists")
    facilitator = facilitator or (actor if may_create_room(actor) else None)
    if facilitator is None or not may_create_room(facilitator):
        raise BudgetError(_("A sub-committee's live room needs a facilitator: choose one."), code="facilitator")
    room = create_room(
        facilitator=facilitator, title=(_("%(cycle)s · %(field)s sub-committee")
                                        % {"cycle": cycle.title, "field": field})[:120],
        description=cycle.scoring_method[:5000], access=Access.INVITED, observers_allowed=True,
        auto_advance=False,
        rounds=[{"kind": "discussion", "title": _("Hearing the proposers"), "duration_seconds": ROOM_SECONDS}])
    sub_committee = SubCommittee.objects.create(cycle=cycle, field=field, room=room)
    _invite(sub_committee)
    return sub_committee


@transaction.atomic
def assign_members(*, sub_committee: SubCommittee, actor, members) -> SubCommittee:
    """Seat these current members of the cycle's budget committee on the sub-committee (the list replaces
    the previous one) and invite them to its room."""
    _require(rules.refuse_manage(actor))
    sub_committee = SubCommittee.objects.select_for_update(of=("self",)).select_related("cycle", "room").get(
        pk=sub_committee.pk)
    allowed = set(selectors.candidate_members(sub_committee.cycle).values_list("pk", flat=True))
    members = list(members)
    strangers = [str(m.name) for m in members if m.pk not in allowed]
    if strangers:
        raise BudgetError(_("Only current members of the cycle's budget committee can sit on a sub-committee: "
                            "%(names)s.") % {"names": ", ".join(strangers)}, code="not_member")
    sub_committee.members.set(members)
    _invite(sub_committee)
    return sub_committee


# --- Scores ------------------------------------------------------------------------------------------

def sub_committee_for(project: BudgetProject) -> SubCommittee | None:
    return SubCommittee.objects.filter(cycle_id=project.cycle_id, field_id=project.field_id).select_related(
        "cycle").first()


@transaction.atomic
def score_project(*, project: BudgetProject, sub_committee: SubCommittee, user, score: int,
                  note: str = "") -> ProjectScore:
    """A member's score of an eligible project of their field; scoring again replaces the score. The
    project's mean (public) follows."""
    project = BudgetProject.objects.select_for_update().get(pk=project.pk)
    sub_committee = SubCommittee.objects.select_related("cycle", "field").get(pk=sub_committee.pk)
    member, refusal = rules.refuse_score(user, sub_committee, project)
    _require(refusal)
    cycle = sub_committee.cycle
    if score is None or not (cycle.score_min <= score <= cycle.score_max):
        raise BudgetError(_("A score is a whole number from %(low)d to %(high)d.")
                          % {"low": cycle.score_min, "high": cycle.score_max}, code="score_range")
    row, _created = ProjectScore.objects.update_or_create(
        project=project, member=member, defaults={"score": score, "note": note.strip()[:500],
                                                  "scored_at": timezone.now()})
    project.score_mean = project.scores.aggregate(mean=Avg("score"))["mean"]
    project.save(update_fields=["score_mean"])
    return row


# --- The shortlist -----------------------------------------------------------------------------------

@transaction.atomic
def publish_shortlist(*, sub_committee: SubCommittee, actor, chosen, reasons: str,
                      project_reasons: dict | None = None) -> SubCommittee:
    """Publish (or publish again, until the vote exists) the field's shortlist: the chosen projects are
    shortlisted, the other eligible ones not, each move on the project's public record with its reason."""
    sub_committee = SubCommittee.objects.select_for_update(of=("self",)).select_related("cycle", "field").get(
        pk=sub_committee.pk)
    _require(rules.refuse_shortlist(actor, sub_committee))
    reasons = reasons.strip()
    if not reasons:
        raise BudgetError(_("Write the sub-committee's reasons; they are published with the shortlist."),
                          code="reasons_required")
    project_reasons = project_reasons or {}
    ids = list(selectors.shortlist_candidates(sub_committee).values_list("pk", flat=True))
    candidates = list(BudgetProject.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    chosen = {int(pk) for pk in chosen}
    unknown = chosen - {p.pk for p in candidates}
    if unknown:
        raise BudgetError(_("Only the field's eligible projects can be shortlisted."), code="not_candidate")
    if not chosen:
        raise BudgetError(_("Choose at least one project for the shortlist."), code="empty")
    for project in candidates:
        target = ProjectState.SHORTLISTED if project.pk in chosen else ProjectState.NOT_SHORTLISTED
        project.committee_reason = (project_reasons.get(project.pk) or "").strip()[:3000]
        note = project.committee_reason or reasons[:3000]
        if project.state == target:
            project.save(update_fields=["committee_reason"])
        else:
            PROJECT_LIFECYCLE.move(project, target, actor=actor, note=note, fields=["committee_reason"])
    sub_committee.reasons = reasons
    sub_committee.shortlist_published_at = timezone.now()
    sub_committee.full_clean(exclude=["members", "room"])
    sub_committee.save(update_fields=["reasons", "shortlist_published_at"])
    return sub_committee


# --- The vote ----------------------------------------------------------------------------------------

def _option_label(project: BudgetProject, projects: list[BudgetProject]) -> str:
    """The ballot's label: the title, with the project's number when another shortlisted project has the same
    title (a vote refuses two options with one label)."""
    title = project.title.strip()
    if sum(1 for p in projects if p.title.strip() == title) > 1:
        return _("%(title)s (no. %(number)s)") % {"title": title, "number": project.number}
    return title


def _vote_spec(cycle: BudgetCycle, projects: list[BudgetProject]) -> vote_authoring.VoteSpec:
    options = [vote_authoring.OptionSpec(label=_option_label(p, projects), cost=p.reviewed_cost,
                                         category=p.field.name, description=p.description[:5000]) for p in projects]
    return vote_authoring.VoteSpec(
        title=cycle.title[:200], question=_("Which projects should the participatory budget fund?"),
        description=cycle.description, kind=VoteKind.BUDGET, opens_at=cycle.vote_opens_at,
        closes_at=cycle.vote_closes_at, options=options, budget=cycle.total_budget, budget_rule=cycle.budget_rule,
        districts=[cycle.district] if cycle.district else [], secret=True, allow_change=False)


@transaction.atomic
def create_budget_vote(*, cycle: BudgetCycle, actor):
    """The residents' vote from the published shortlists: a scheduled budget vote (voting opens and closes
    it on time by its own sweep) with one option per shortlisted project; the cycle moves to the vote."""
    _require(rules.refuse_manage(actor))
    cycle = _lock_cycle(cycle)
    if cycle.vote_id is not None:
        raise BudgetError(_("This cycle's vote has already been created."), code="vote_exists")
    if cycle.stage != CycleStage.DELIBERATION:
        raise BudgetError(_("The vote is created at the end of the committee deliberation stage."),
                          code="stage")
    blockers = selectors.vote_blockers(cycle)
    if blockers:
        raise BudgetError(blockers, code="not_ready")
    projects = list(cycle.projects.filter(state=ProjectState.SHORTLISTED).select_related("field", "department")
                    .select_for_update(of=("self",)).order_by("field__position", "-score_mean", "number"))
    try:
        vote = vote_authoring.create_vote(actor=actor, spec=_vote_spec(cycle, projects))
    except ValidationError as error:
        raise BudgetError(error.messages, code="vote_invalid") from None
    # The options are the projects in order (two projects may share a title: match by position, not label).
    for project, option in zip(projects, vote.options.order_by("position"), strict=True):
        option = vote_authoring.update_project(option=option, actor=actor,
                                               description=project.description[:5000],
                                               district=project.district, department=project.department)
        project.option = option
        project.save(update_fields=["option"])
    vote = schedule(vote=vote, actor=actor)
    cycle.vote = vote
    CYCLE_LIFECYCLE.move(cycle, CycleStage.VOTE, actor=actor, fields=["vote"])
    return vote

