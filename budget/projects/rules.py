"""May this person do this to this budget project now? Each rule answers None (allowed) or the translated
reason it is refused; views, templates and services ask the same rules (docs/architecture.md).

The call's window is asked of the clock, not only of the stage: a cycle still marked CALL after
``call_closes_at`` (the sweep has not run yet) refuses like a closed one.
"""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from budget.lifecycles import PROJECT_LIFECYCLE
from budget.models import BudgetCycle, BudgetProject, CoProposer
from budget.states import CycleStage, ProjectState

# How many projects (drafts and submitted ones, withdrawn ones not counted) one person may have in a cycle.
PROJECTS_PER_PERSON = 10

# A project may be withdrawn from these states (the table must also allow it), and only before the vote.
WITHDRAWABLE = {ProjectState.DRAFT, ProjectState.SUBMITTED, ProjectState.ELIGIBLE, ProjectState.INELIGIBLE}
# The cycle's stages before the vote: a project may be withdrawn or joined only then.
BEFORE_THE_VOTE = {CycleStage.ANNOUNCED, CycleStage.CALL, CycleStage.REVIEW, CycleStage.DELIBERATION}
# Projects a resident may join as a co-proposer (not drafts, not withdrawn, not decided).
JOINABLE = {ProjectState.SUBMITTED, ProjectState.ELIGIBLE, ProjectState.INELIGIBLE, ProjectState.SHORTLISTED,
            ProjectState.NOT_SHORTLISTED}
ANSWERABLE = {ProjectState.ELIGIBLE, ProjectState.INELIGIBLE}


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def is_call_open(cycle: BudgetCycle, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return cycle.stage == CycleStage.CALL and cycle.call_opens_at <= now < cycle.call_closes_at


def call_refusal(cycle: BudgetCycle, now: datetime | None = None) -> str | None:
    """Why projects cannot be proposed or submitted to ``cycle`` now, or None while the call is open."""
    if is_call_open(cycle, now):
        return None
    return _("The call for projects is not open: it runs from %(opens)s to %(closes)s.") % {
        "opens": _when(cycle.call_opens_at), "closes": _when(cycle.call_closes_at)}


def may_view(user, project: BudgetProject) -> bool:
    """A draft is its author's only (staff and officers included), and so is a draft withdrawn before it was
    ever submitted (it has no number); every other project is public."""
    if project.state != ProjectState.DRAFT and project.number is not None:
        return True
    return _signed_in(user) and project.author_id == user.pk


def may_propose(user, cycle: BudgetCycle, now: datetime | None = None) -> str | None:
    if not _signed_in(user):
        return _("Please sign in to propose a project.")
    refusal = call_refusal(cycle, now)
    if refusal:
        return refusal
    mine = cycle.projects.filter(author=user).exclude(state=ProjectState.WITHDRAWN).count()
    if mine >= PROJECTS_PER_PERSON:
        return _("You already have %(count)s projects in this cycle, the most one person may propose.") % {
            "count": PROJECTS_PER_PERSON}
    return None


def may_edit(user, project: BudgetProject, now: datetime | None = None) -> str | None:
    if not _signed_in(user) or project.author_id != user.pk:
        return _("Only the proposer can edit this project.")
    if project.state != ProjectState.DRAFT:
        return _("A submitted project can no longer be edited; the department reviews what was submitted.")
    return call_refusal(project.cycle, now)


def may_submit(user, project: BudgetProject, now: datetime | None = None) -> str | None:
    return may_edit(user, project, now)


def may_withdraw(user, project: BudgetProject, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _signed_in(user) or project.author_id != user.pk:
        return _("Only the proposer can withdraw this project.")
    cycle = project.cycle
    if (project.state not in WITHDRAWABLE or not PROJECT_LIFECYCLE.allows(project, ProjectState.WITHDRAWN)
            or cycle.stage not in BEFORE_THE_VOTE or now >= cycle.vote_opens_at):
        return _("A project can be withdrawn only before the committee's shortlist and the vote.")
    return None


def may_answer(user, project: BudgetProject, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _signed_in(user) or project.author_id != user.pk:
        return _("Only the proposer can answer the department's review.")
    if not hasattr(project, "review") or project.state not in ANSWERABLE:
        return _("The department has not published its review of this project yet.")
    if hasattr(project, "answer"):
        return _("You have already answered the review.")
    if project.answer_due_at and now >= project.answer_due_at:
        return _("The time to answer the review ended on %(due)s.") % {"due": _when(project.answer_due_at)}
    return None


def may_join(user, project: BudgetProject) -> str | None:
    if not _signed_in(user):
        return _("Please sign in to join this project.")
    if project.author_id == user.pk:
        return _("You proposed this project yourself.")
    if project.state not in JOINABLE or project.cycle.stage not in BEFORE_THE_VOTE:
        return _("This project can no longer be joined.")
    if CoProposer.objects.filter(project=project, user=user).exists():
        return _("You have already joined this project.")
    return None
