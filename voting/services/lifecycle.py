"""The vote's lifecycle: scheduling, opening and closing at their times, the tally, extending the close.

One table of allowed moves (states.TRANSITIONS), applied by ``VOTE_LIFECYCLE`` (core.lifecycle). Opening and
closing happen by time: ``sweep_votes`` (Celery beat, every worker start, the embedded sweeper) moves
every vote whose time has come, including any that passed while the server was down, and tallies
what it closed. Closing a secret vote unseals its ballots in one shuffled batch (and the tally does
it again, finding nothing left): docs/voting.md "Secrecy". Everything here is idempotent and safe to
run twice or late.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import IllegalTransition, Lifecycle

from config.celery import run_at
from proposals.models import FollowUp, Proposal
from proposals.services.lifecycle import record_milestone, transition as move_proposal
from proposals.services.notifications import notify_vote_followers
from proposals.states import AWAITING_ANSWER, TRANSITIONS as PROPOSAL_TRANSITIONS, State

from .. import live, rules
from ..ballot_box import BrokenSeal
from ..models import Vote
from ..selectors import count
from ..states import TRANSITIONS, VoteKind, VoteState
from .ballots import unseal_ballots


log = logging.getLogger(__name__)


class VoteError(IllegalTransition):
    """A move the vote's lifecycle does not allow; the message says which."""


def _tell_followers(kind: str):
    """An on_enter hook: the vote's followers hear of the move (stored now, emailed after the commit)."""
    def hook(vote: Vote, *, actor=None, now=None) -> None:
        notify_vote_followers(vote=vote, kind=kind)
    return hook


VOTE_LIFECYCLE = Lifecycle(
    Vote, TRANSITIONS, error=VoteError, labels=VoteState, stamps={VoteState.TALLIED: "tallied_at"},
    message=gettext_noop("A vote cannot go from “%(from)s” to “%(to)s”."),
    on_enter={VoteState.OPEN: _tell_followers("vote_opened"), VoteState.CLOSED: _tell_followers("vote_closed"),
              VoteState.TALLIED: _tell_followers("vote_results")},
)


def transition(vote: Vote, to: str, **kwargs) -> Vote:
    """Apply and save one move of the lifecycle (core.lifecycle); an illegal one raises VoteError."""
    return VOTE_LIFECYCLE.move(vote, to, **kwargs)


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
    _queue_times(vote)
    return vote


ARM_WITHIN_SECONDS = 35  # a time nearer than the next sweep (beat: every 30 s) gets its exact-time task now


def _queue_times(vote: Vote) -> None:
    """Exact-time tasks for an opening or close due before the next sweep; the sweep arms the rest."""
    from ..tasks import close_vote, open_vote  # in here: the task imports services (a cycle)

    reach = timezone.now() + timedelta(seconds=ARM_WITHIN_SECONDS)
    if vote.state == VoteState.SCHEDULED and vote.opens_at <= reach:
        run_at(open_vote, vote.pk, eta=vote.opens_at)
    if vote.closes_at <= reach:
        run_at(close_vote, vote.pk, eta=vote.closes_at)


def move_vote_if_due(*, vote_id: int, now: datetime | None = None) -> bool:
    """Open or close one vote if its stored time has come (a stale task finds nothing to do)."""
    now = now or timezone.now()
    vote = Vote.objects.filter(pk=vote_id).only("state").first()
    if vote is None:
        return False
    if vote.state == VoteState.SCHEDULED:
        return _move_due(VoteState.SCHEDULED, "opens_at", VoteState.OPEN, now, pk=vote_id) > 0
    if vote.state == VoteState.OPEN:
        return _move_due(VoteState.OPEN, "closes_at", VoteState.CLOSED, now, pk=vote_id) > 0
    return False


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
    _queue_times(vote)
    return vote


def sweep_votes(*, now: datetime | None = None) -> int:
    """Open what is due, close what is due and tally it; returns how many votes moved."""
    now = now or timezone.now()
    moved = _move_due(VoteState.SCHEDULED, "opens_at", VoteState.OPEN, now)
    moved += _move_due(VoteState.OPEN, "closes_at", VoteState.CLOSED, now)
    for pk in list(Vote.objects.filter(state=VoteState.CLOSED).values_list("pk", flat=True)):
        moved += tally(vote_id=pk, now=now)
    return moved


def _move_due(state: str, time_field: str, to: str, now: datetime, pk: int | None = None) -> int:
    """Every vote in ``state`` whose ``time_field`` has passed goes to ``to``, each re-checked under its lock."""
    moved = 0
    due = Vote.objects.filter(state=state, **{f"{time_field}__lte": now}).values_list("pk", flat=True)
    if pk is not None:
        due = due.filter(pk=pk)
    for pk in list(due):
        try:
            with transaction.atomic():
                vote = Vote.objects.select_for_update().get(pk=pk)
                if vote.state == state and getattr(vote, time_field) <= now:
                    transition(vote, to, now=now)
                    if to == VoteState.OPEN and vote.proposal_id:
                        _record_on_proposal(vote, code="vote_opened", reason=vote.title, now=now)
                    if to == VoteState.CLOSED:  # the receipts list and the tally read the ballots from now on
                        unseal_ballots(vote)
                    moved += 1
                    transaction.on_commit(lambda pk=pk: live.vote_changed(pk), robust=True)
        except BrokenSeal:  # nothing is lost: the vote stays open (refusing ballots by its clock) until the key is back
            log.exception("vote %s: its sealed ballots do not open; is the old SECRET_KEY in SECRET_KEY_FALLBACKS?",
                          pk)
    return moved


@transaction.atomic
def tally(*, vote_id: int, now: datetime | None = None) -> bool:
    """Count a closed vote and publish its result; does nothing for a vote not closed (idempotent)."""
    vote = Vote.objects.select_for_update().get(pk=vote_id)
    if vote.state != VoteState.CLOSED:
        return False
    now = now or timezone.now()
    unseal_ballots(vote)  # the close did it; a sealed ballot left by anything else is counted too
    vote.result = count(vote)
    vote.result["follow_ups"] = hand_on(vote, vote.result, now)
    if vote.kind == VoteKind.YES_NO and vote.proposal_id:
        decide_proposal(vote, vote.result, now)
    transition(vote, VoteState.TALLIED, now=now, fields=["result"])
    transaction.on_commit(lambda: live.vote_changed(vote_id), robust=True)  # pages reload for the results
    return True


def hand_on(vote: Vote, result: dict, now: datetime) -> int:
    """Accepted outcomes become items in the department's follow-up queue; returns how many.

    A passed yes/no vote is one item; a budget vote, one per selected project (to the project's own
    department when it names one, else the vote's); a single or multiple choice vote, its winner when
    the vote says so. Nothing without a department.
    """
    if not result.get("quorum_met"):
        return 0
    options = {o.position: o for o in vote.options.all()}
    if vote.kind == VoteKind.BUDGET:
        return _hand_on_projects(vote, [options[p] for p in result.get("selected", [])], now)
    if vote.department_id is None:
        return 0
    if vote.kind == VoteKind.YES_NO:
        outcomes = [(None, vote.title)] if result.get("passed") else []
    elif vote.follow_up_winner and result.get("winner") is not None:
        outcomes = [(result["winner"], f"{vote.title}: {options[result['winner']].label}")]
    else:
        outcomes = []
    due = now + timedelta(days=vote.answer_due_days)
    if vote.kind == VoteKind.YES_NO and vote.proposal_id and outcomes:
        # A proposal already escalated has an item awaiting the department's answer: the vote joins
        # it (one answer per proposal), and the answer is due no later than the vote asks.
        waiting = (FollowUp.objects.select_for_update()
                   .filter(proposal_id=vote.proposal_id, vote__isnull=True, state__in=AWAITING_ANSWER).first())
        if waiting is not None:
            waiting.vote = vote
            waiting.due_at = min(waiting.due_at, due) if waiting.due_at else due
            waiting.save(update_fields=["vote", "due_at"])
            return 1
    FollowUp.objects.bulk_create([
        FollowUp(department_id=vote.department_id, vote=vote, option_position=position, title=title[:200],
                 proposal=vote.proposal, due_at=due, created_at=now) for position, title in outcomes])
    return len(outcomes)


def _hand_on_projects(vote: Vote, funded: list, now: datetime) -> int:
    """One follow-up item per funded project that has a department (its own, else the vote's)."""
    due = now + timedelta(days=vote.answer_due_days)
    items = [FollowUp(department_id=o.department_id or vote.department_id, vote=vote, option_position=o.position,
                      title=o.label[:200], proposal=vote.proposal, due_at=due, created_at=now)
             for o in funded if o.department_id or vote.department_id]
    FollowUp.objects.bulk_create(items)
    return len(items)


def decide_proposal(vote: Vote, result: dict, now: datetime) -> None:
    """A yes/no vote on a proposal decides it: adopted when the vote passed, not adopted otherwise.

    The move goes through the proposal's own lifecycle and lands on its timeline with the counts.
    A proposal whose state allows no such move (already answered, hidden, withdrawn) keeps its
    state; the result is then recorded on its timeline as a milestone.
    """
    proposal = Proposal.objects.select_for_update().get(pk=vote.proposal_id)
    counts = result.get("counts", {})
    reason = ",".join(str(counts.get(str(p), 0)) for p in (1, 2, 3))
    if not result.get("quorum_met"):
        reason += ",quorum"
    to = State.ADOPTED if result.get("passed") else State.REJECTED
    if to in PROPOSAL_TRANSITIONS.get(proposal.state, set()):
        move_proposal(proposal=proposal, to=to, reason=reason, now=now)
    else:
        _record_on_proposal(vote, code="vote_passed" if result.get("passed") else "vote_failed", reason=reason,
                            now=now)


def _record_on_proposal(vote: Vote, *, code: str, reason: str, now: datetime) -> None:
    record_milestone(proposal=Proposal(pk=vote.proposal_id), code=code, reason=reason[:1000], now=now)
