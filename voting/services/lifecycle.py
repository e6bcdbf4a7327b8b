"""The vote's lifecycle: scheduling, opening and closing at their times, the tally, extending the close.

One table of allowed moves (states.TRANSITIONS), one function that applies a move. Opening and
closing happen by time: ``sweep_votes`` (Celery beat, every worker start, the embedded sweeper) moves
every vote whose time has come, including any that passed while the server was down, and tallies
what it closed. Everything here is idempotent and safe to run twice or late.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import live, rules
from ..models import Vote
from ..selectors import count
from ..states import TRANSITIONS, VoteKind, VoteState


class VoteError(ValidationError):
    """A move the vote's lifecycle does not allow; the message says which."""


def transition(vote: Vote, to: str) -> None:
    """Apply one move of the lifecycle (the caller saves); an illegal one raises VoteError."""
    if to not in TRANSITIONS[vote.state]:
        raise VoteError(_("A vote cannot go from “%(from)s” to “%(to)s”.")
                        % {"from": VoteState(vote.state).label, "to": VoteState(to).label}, code="illegal_transition")
    vote.state = to


@transaction.atomic
def schedule(*, vote: Vote, actor) -> Vote:
    """Fix the vote's question, options and rules; it opens by itself at ``opens_at``."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if not rules.may_manage(actor):
        raise PermissionDenied(_("Only staff can schedule votes."))
    options = list(vote.options.all())
    if vote.kind != VoteKind.YES_NO and len(options) < 2:
        raise VoteError(_("A vote needs at least two options."), code="too_few_options")
    if vote.kind == VoteKind.BUDGET and any(o.cost is None for o in options):
        raise VoteError(_("Every project of a budget vote needs a cost."), code="missing_cost")
    if vote.secret and vote.allow_change:
        raise VoteError(_("A secret ballot cannot be changed once cast: nothing may link it to its voter."),
                        code="secret_change")
    transition(vote, VoteState.SCHEDULED)
    vote.save(update_fields=["state"])
    return vote


@transaction.atomic
def extend_close(*, vote: Vote, actor, closes_at: datetime) -> Vote:
    """The one change an opened vote allows: a later close."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if not rules.may_manage(actor):
        raise PermissionDenied(_("Only staff can extend a vote."))
    if vote.state not in (VoteState.SCHEDULED, VoteState.OPEN):
        raise VoteError(_("Only a scheduled or open vote can be extended."), code="not_open")
    if closes_at <= vote.closes_at:
        raise VoteError(_("The new close must be later than the current one."), code="not_later")
    vote.closes_at = closes_at
    vote.save(update_fields=["closes_at"])
    return vote


def sweep_votes(*, now: datetime | None = None) -> int:
    """Open what is due, close what is due and tally it; returns how many votes moved."""
    now = now or timezone.now()
    moved = _move_due(VoteState.SCHEDULED, "opens_at", VoteState.OPEN, now)
    moved += _move_due(VoteState.OPEN, "closes_at", VoteState.CLOSED, now)
    for pk in list(Vote.objects.filter(state=VoteState.CLOSED).values_list("pk", flat=True)):
        moved += tally(vote_id=pk, now=now)
    return moved


def _move_due(state: str, time_field: str, to: str, now: datetime) -> int:
    """Every vote in ``state`` whose ``time_field`` has passed goes to ``to``, each re-checked under its lock."""
    moved = 0
    due = Vote.objects.filter(state=state, **{f"{time_field}__lte": now}).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            vote = Vote.objects.select_for_update().get(pk=pk)
            if vote.state == state and getattr(vote, time_field) <= now:
                transition(vote, to)
                vote.save(update_fields=["state"])
                moved += 1
                transaction.on_commit(lambda pk=pk: live.vote_changed(pk), robust=True)
    return moved


@transaction.atomic
def tally(*, vote_id: int, now: datetime | None = None) -> bool:
    """Count a closed vote and publish its result; does nothing for a vote not closed (idempotent)."""
    vote = Vote.objects.select_for_update().get(pk=vote_id)
    if vote.state != VoteState.CLOSED:
        return False
    now = now or timezone.now()
    vote.result = count(vote)
    vote.result["follow_ups"] = hand_on(vote, vote.result, now)
    transition(vote, VoteState.TALLIED)
    vote.tallied_at = now
    vote.save(update_fields=["result", "state", "tallied_at"])
    transaction.on_commit(lambda: live.vote_changed(vote_id), robust=True)  # pages reload for the results
    return True


def hand_on(vote: Vote, result: dict, now: datetime) -> int:
    """Accepted outcomes become items in the department's follow-up queue; returns how many.

    A passed yes/no vote is one item; a budget vote, one per selected project; a single or
    multiple choice vote, its winner when the vote says so. Nothing without a department.
    """
    from datetime import timedelta

    from proposals.models import FollowUp

    if vote.department_id is None or not result.get("quorum_met"):
        return 0
    options = {o.position: o for o in vote.options.all()}
    if vote.kind == VoteKind.YES_NO:
        outcomes = [(None, vote.title)] if result.get("passed") else []
    elif vote.kind == VoteKind.BUDGET:
        outcomes = [(p, options[p].label) for p in result.get("selected", [])]
    elif vote.follow_up_winner and result.get("winner") is not None:
        outcomes = [(result["winner"], f"{vote.title}: {options[result['winner']].label}")]
    else:
        outcomes = []
    due = now + timedelta(days=vote.answer_due_days)
    FollowUp.objects.bulk_create([
        FollowUp(department_id=vote.department_id, vote=vote, option_position=position, title=title[:200],
                 proposal=vote.proposal, due_at=due, created_at=now) for position, title in outcomes])
    return len(outcomes)
