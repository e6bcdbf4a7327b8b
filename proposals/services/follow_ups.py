"""The department follow-up queue: clarification, the public answer, progress, completion."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.lifecycle import Lifecycle
from frontend.markdown import render_markdown

from .. import rules
from ..models import FollowUp, FollowUpUpdate, Proposal
from ..states import FOLLOW_UP_TRANSITIONS, FollowUpState, State, Verdict
from .lifecycle import TransitionError, transition
from .notifications import notify, vote_followers


FOLLOW_UP_LIFECYCLE = Lifecycle(
    FollowUp, FOLLOW_UP_TRANSITIONS, error=TransitionError, labels=FollowUpState,
    message=gettext_noop("A follow-up item cannot go from “%(from)s” to “%(to)s”."),
    stamps={FollowUpState.ANSWERED: "answered_at", FollowUpState.COMPLETED: "completed_at"},
    fields=["verdict", "progress_percent"],
)


def move_follow_up(*, follow_up: FollowUp, to: str) -> FollowUp:
    """The one transition function of the follow-up lifecycle."""
    return FOLLOW_UP_LIFECYCLE.move(follow_up, to)


def _lock_for(officer, follow_up: FollowUp) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    refusal = rules.refuse_follow_up(officer, follow_up)
    if refusal:
        raise PermissionDenied(refusal)
    return follow_up


def _text(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Please write the text; it will be published.")}, code="required")
    if len(body) > 20_000:
        raise ValidationError({"body": _("The text is too long (at most 20,000 characters).")}, code="max_length")
    return body


def _record(follow_up, *, kind, author, body, verdict="", percent=None) -> FollowUpUpdate:
    return FollowUpUpdate.objects.create(
        follow_up=follow_up, kind=kind, author=author, body=body, body_html=render_markdown(body),
        verdict=verdict, progress_percent=percent,
    )


@transaction.atomic
def request_clarification(*, officer, follow_up: FollowUp, body: str) -> FollowUp:
    follow_up = _lock_for(officer, follow_up)
    body = _text(body)
    move_follow_up(follow_up=follow_up, to=FollowUpState.CLARIFICATION)
    _record(follow_up, kind=FollowUpUpdate.Kind.CLARIFICATION, author=officer, body=body)
    if follow_up.proposal_id:
        notify(kind="clarification", proposal=follow_up.proposal, follow_up=follow_up,
               recipients=[follow_up.proposal.author_id])
    return follow_up


@transaction.atomic
def reply_to_clarification(*, author, follow_up: FollowUp, body: str) -> FollowUp:
    """The proposal's author answers the department's question; the item goes back to the queue."""
    # of=self: the proposal link is nullable (an outer join), which PostgreSQL cannot lock.
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=follow_up.pk)
    if follow_up.proposal is None or follow_up.proposal.author_id != author.pk:
        raise PermissionDenied(_("Only the author of the proposal can reply to the department."))
    body = _text(body)
    move_follow_up(follow_up=follow_up, to=FollowUpState.OPEN)
    _record(follow_up, kind=FollowUpUpdate.Kind.CLARIFICATION_REPLY, author=author, body=body)
    return follow_up


@transaction.atomic
def publish_answer(*, officer, follow_up: FollowUp, verdict: str, body: str) -> FollowUp:
    """The department's public answer, always with reasons; the proposal becomes answered."""
    follow_up = _lock_for(officer, follow_up)
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose whether the proposal is accepted.")}, code="invalid")
    body = _text(body)
    follow_up.verdict = verdict
    move_follow_up(follow_up=follow_up, to=FollowUpState.ANSWERED)
    _record(follow_up, kind=FollowUpUpdate.Kind.ANSWER, author=officer, body=body, verdict=verdict)
    if follow_up.proposal_id:
        proposal = Proposal.objects.select_for_update().get(pk=follow_up.proposal_id)
        # A proposal already answered (e.g. a second item, from a vote on it) keeps its state.
        if proposal.state not in (State.ANSWERED, State.IN_PROGRESS, State.COMPLETED):
            transition(proposal=proposal, to=State.ANSWERED, actor=officer, reason=verdict)
    elif follow_up.vote_id:  # a vote's outcome: those who follow the vote hear the answer
        notify(kind="answered", follow_up=follow_up, vote=follow_up.vote, recipients=vote_followers(follow_up.vote))
    return follow_up


@transaction.atomic
def update_progress(*, officer, follow_up: FollowUp, body: str, percent: int, completed: bool = False) -> FollowUp:
    """Report progress on an accepted (or partly accepted) item; 100% or ``completed`` finishes it."""
    follow_up = _lock_for(officer, follow_up)
    if follow_up.verdict not in (Verdict.ACCEPTED, Verdict.PARTIAL):
        raise ValidationError(_("Progress is reported only on accepted items."), code="not_accepted")
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")}, code="invalid")
    body = _text(body)
    completed = completed or int(percent) == 100
    follow_up.progress_percent = 100 if completed else int(percent)
    move_follow_up(follow_up=follow_up, to=FollowUpState.COMPLETED if completed else FollowUpState.IN_PROGRESS)
    kind = FollowUpUpdate.Kind.COMPLETION if completed else FollowUpUpdate.Kind.PROGRESS
    _record(follow_up, kind=kind, author=officer, body=body, percent=follow_up.progress_percent)
    if follow_up.proposal_id:
        proposal = Proposal.objects.select_for_update().get(pk=follow_up.proposal_id)
        target = State.COMPLETED if completed else State.IN_PROGRESS
        if proposal.state != target:
            transition(proposal=proposal, to=target, actor=officer, reason=str(follow_up.progress_percent))
        else:
            notify(kind="progress", proposal=proposal, follow_up=follow_up)
    elif follow_up.vote_id:
        notify(kind="progress", follow_up=follow_up, vote=follow_up.vote, recipients=vote_followers(follow_up.vote))
    return follow_up


def notify_overdue(*, now=None) -> int:
    """Tell each department's officers once when an item passes its due date (run by the sweep)."""
    now = now or timezone.now()
    count = 0
    for follow_up in FollowUp.objects.filter(
        state__in=[FollowUpState.OPEN, FollowUpState.CLARIFICATION], due_at__lt=now, overdue_notified_at__isnull=True
    ):
        with transaction.atomic():
            updated = FollowUp.objects.filter(pk=follow_up.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
            if updated:
                officers = list(User.objects.filter(department_id=follow_up.department_id, role="officer")
                                .values_list("pk", flat=True))
                notify(kind="overdue", proposal=follow_up.proposal, follow_up=follow_up, recipients=officers)
                count += 1
    return count


@transaction.atomic
def open_follow_up(*, department, title: str, due_at, level: str = "department") -> FollowUp:
    """A new item in ``department``'s queue from another source (a committee's recommendation): the
    caller links it to its source; the department answers it like any other item."""
    follow_up = FollowUp(department=department, title=title.strip()[:200], due_at=due_at, level=level)
    follow_up.full_clean()
    follow_up.save()
    return follow_up
