"""From the vote to execution: the tallied vote funds the cycle's projects, the departments report on them.

- ``sync_cycle``: once the cycle's vote is tallied, each shortlisted project whose option the vote selected
  becomes FUNDED (linked to the follow-up item the vote's close handed on for its option), the others
  NOT_FUNDED, and the cycle moves from the vote to execution. Idempotent, safe to run twice or late: the
  Vote receiver runs it at the tally, ``sync_tallied_cycles`` (beat, the embedded sweeper) catches anything
  missed (docs/budget.md).
- ``link_follow_up``: a follow-up item created for the cycle's vote after the tally links its project.
- ``add_report``: an execution report; the project's running figures and its follow-up's progress.
"""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budget.lifecycles import CYCLE_LIFECYCLE, PROJECT_LIFECYCLE
from budget.models import BudgetCycle, BudgetProject, ExecutionReport
from budget.states import CycleStage, ExecutionStage, ProjectState
from proposals.models import FollowUp
from proposals.rules import refuse_follow_up
from proposals.services.follow_ups import publish_answer, update_progress
from proposals.states import AWAITING_ANSWER, FollowUpState, Verdict
from voting.states import VoteState

from . import rules

# A running total above the reviewed cost by more than this share is refused (docs/budget.md).
OVERSPEND_TOLERANCE = 0.10


def selected_positions(vote) -> set[int]:
    """The option positions the tallied vote funded (none when its quorum was not met)."""
    result = vote.result or {}
    if not result.get("quorum_met", True):
        return set()
    return {int(p) for p in result.get("selected", [])}


@transaction.atomic
def sync_cycle(*, cycle_id: int, now: datetime | None = None) -> bool:
    """Fund and un-fund the cycle's shortlisted projects from its tallied vote; returns whether anything moved."""
    cycle = BudgetCycle.objects.select_for_update(of=("self",)).filter(pk=cycle_id).select_related("vote").first()
    if cycle is None or cycle.vote is None or cycle.vote.state != VoteState.TALLIED:
        return False
    now = now or timezone.now()
    vote = cycle.vote
    selected = selected_positions(vote)
    follow_ups = {f.option_position: f for f in FollowUp.objects.filter(vote=vote, option_position__isnull=False)}
    moved = False
    projects = (BudgetProject.objects.select_for_update(of=("self",)).select_related("option")
                .filter(cycle=cycle, state__in=[ProjectState.SHORTLISTED, ProjectState.FUNDED,
                                                ProjectState.COMPLETED]))
    with translation.override(settings.LANGUAGE_CODE):  # the public record is written in the site's language
        for project in projects:
            position = project.option.position if project.option_id else None
            follow_up = follow_ups.get(position)
            if project.state == ProjectState.SHORTLISTED:
                if position in selected:
                    project.follow_up = follow_up
                    PROJECT_LIFECYCLE.move(project, ProjectState.FUNDED, now=now, fields=["follow_up"],
                                           note=_("Funded by the residents' vote."))
                else:
                    PROJECT_LIFECYCLE.move(project, ProjectState.NOT_FUNDED, now=now,
                                           note=_("Not funded by the residents' vote."))
                moved = True
            elif project.follow_up_id is None and follow_up is not None:
                project.follow_up = follow_up
                project.save(update_fields=["follow_up"])
                moved = True
    if cycle.stage == CycleStage.VOTE:
        CYCLE_LIFECYCLE.move(cycle, CycleStage.EXECUTION, now=now)
        moved = True
    return moved


def sync_tallied_cycles(*, now: datetime | None = None) -> int:
    """Every cycle whose vote is tallied but whose projects or stage still wait for it (the sweep)."""
    waiting = (BudgetCycle.objects.filter(vote__state=VoteState.TALLIED, stage=CycleStage.VOTE)
               | BudgetCycle.objects.filter(vote__state=VoteState.TALLIED, projects__state=ProjectState.SHORTLISTED))
    return sum(sync_cycle(cycle_id=pk, now=now) for pk in waiting.values_list("pk", flat=True).distinct())


def link_follow_up(*, follow_up: FollowUp) -> bool:
    """A follow-up item of a cycle's tallied vote for one option: its project is funded and linked to it."""
    if follow_up.vote_id is None or follow_up.option_position is None:
        return False
    with transaction.atomic():
        project = (BudgetProject.objects.select_for_update(of=("self",))
                   .filter(option__vote_id=follow_up.vote_id, option__position=follow_up.option_position,
                           cycle__vote_id=follow_up.vote_id).first())
        if project is None or project.follow_up_id == follow_up.pk:
            return False
        if project.follow_up_id is None:
            project.follow_up = follow_up
            project.save(update_fields=["follow_up"])
        if project.state == ProjectState.SHORTLISTED:
            with translation.override(settings.LANGUAGE_CODE):
                PROJECT_LIFECYCLE.move(project, ProjectState.FUNDED, note=_("Funded by the residents' vote."))
        return True


# --- Execution reports ----------------------------------------------------------------------------------

def earliest_report_date(project: BudgetProject) -> date:
    """A report may not predate the vote's close (the project was not funded before it)."""
    cycle = project.cycle
    closes_at = cycle.vote.closes_at if cycle.vote_id else cycle.vote_closes_at
    return timezone.localdate(closes_at)


def overspend_limit(project: BudgetProject) -> int | None:
    decided = project.reviewed_cost or project.estimated_cost
    return int(decided * (1 + OVERSPEND_TOLERANCE)) if decided else None


def check_report(*, project: BudgetProject, reported_on: date, amount: int, stage: str, progress_percent: int,
                 note: str, today: date | None = None) -> dict[str, list[str]]:
    """Every field's problem, or an empty dict."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if reported_on > today:
        add("reported_on", _("The date of a report cannot be in the future."))
    elif reported_on < earliest_report_date(project):
        add("reported_on", _("A report cannot be dated before the vote closed (%(day)s).")
            % {"day": date_format(earliest_report_date(project), "DATE_FORMAT")})
    elif project.last_report_on and reported_on < project.last_report_on:
        add("reported_on", _("The last report is dated %(day)s: reports follow each other in time.")
            % {"day": date_format(project.last_report_on, "DATE_FORMAT")})
    if amount is None or amount < 0:
        add("amount", _("The money spent is a whole number of won, 0 or more."))
    else:
        limit = overspend_limit(project)
        if limit is not None and project.spent + amount > limit:
            add("amount", _("The money spent would come to %(total)s won, more than the decided cost plus "
                            "10%% (%(limit)s won). Ask the budget office to revise the cost first.")
                % {"total": f"{project.spent + amount:,}", "limit": f"{limit:,}"})
    if stage not in ExecutionStage.values or stage == ExecutionStage.NOT_STARTED:
        add("stage", _("Choose the stage the project has reached."))
    if progress_percent is None or not 0 <= progress_percent <= 100:
        add("progress_percent", _("Progress is a percentage from 0 to 100."))
    elif progress_percent == 100 and stage != ExecutionStage.COMPLETED:
        add("progress_percent", _("A progress of 100 percent means completed: choose the stage “Completed”."))
    if not (note or "").strip():
        add("note", _("Please write what was done; the note is published."))
    return errors


@transaction.atomic
def add_report(*, actor, project: BudgetProject, reported_on: date, amount: int, stage: str, progress_percent: int,
               note: str, now: datetime | None = None) -> ExecutionReport:
    """One report on a funded project: stored, the project's figures updated, its follow-up told."""
    now = now or timezone.now()
    project = (BudgetProject.objects.select_for_update(of=("self",)).select_related("cycle", "cycle__vote")
               .get(pk=project.pk))
    refusal = rules.refuse_report(actor, project)
    if refusal:
        raise PermissionDenied(refusal)
    completed = stage == ExecutionStage.COMPLETED
    if completed:
        progress_percent = 100
    errors = check_report(project=project, reported_on=reported_on, amount=amount, stage=stage,
                          progress_percent=progress_percent, note=note, today=timezone.localdate(now))
    if errors:
        raise ValidationError(errors)
    note = note.strip()
    report = ExecutionReport(project=project, reported_on=reported_on, amount=amount, stage=stage,
                             progress_percent=progress_percent, note=note, author=actor, created_at=now)
    report.full_clean(exclude=["project", "author"])
    report.save()
    project.spent += amount
    project.execution_stage = stage
    project.last_report_on = reported_on
    figures = ["spent", "execution_stage", "last_report_on"]
    if completed:
        project.completed_on = reported_on
        PROJECT_LIFECYCLE.move(project, ProjectState.COMPLETED, actor=actor, now=now, note=note,
                               fields=[*figures, "completed_on"])
    else:
        project.save(update_fields=figures)
    _tell_follow_up(actor, project, note=note, percent=progress_percent, completed=completed)
    return report


def _tell_follow_up(officer, project: BudgetProject, *, note: str, percent: int, completed: bool) -> None:
    """The report as a progress entry on the project's follow-up item (the department's queue and the
    citizen monitors read it there), through proposals' own services. Only the department's officers work on
    an item (proposals.rules): a report by budget staff is kept on the project alone."""
    if project.follow_up_id is None:
        return
    follow_up = FollowUp.objects.get(pk=project.follow_up_id)
    if refuse_follow_up(officer, follow_up) or follow_up.state == FollowUpState.COMPLETED:
        return
    if follow_up.state in AWAITING_ANSWER:
        with translation.override(settings.LANGUAGE_CODE):
            body = _("The residents' vote funded this project; the department reports its execution here.")
        follow_up = publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.ACCEPTED, body=body)
    if follow_up.verdict in (Verdict.ACCEPTED, Verdict.PARTIAL):
        update_progress(officer=officer, follow_up=follow_up, body=note, percent=percent, completed=completed)
