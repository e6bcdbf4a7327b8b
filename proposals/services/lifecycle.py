"""The proposal lifecycle: drafts, publishing, withdrawing, and the one transition function."""

from datetime import datetime, timedelta

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.ratelimit import check_rate
from core.lifecycle import IllegalTransition, Lifecycle
from frontend.markdown import render_markdown

from .. import rules
from ..models import BODY_MAX, Category, Proposal, Tag, TimelineEntry
from ..states import TRANSITIONS, Origin, Scope, State
from .notifications import notify_state_change

MAX_TAGS = 5


class TransitionError(IllegalTransition):
    """An illegal move in the lifecycle; the message names both states."""


def check_text_length(*, field: str, text: str, limit: int) -> None:
    """Enforce a TextField's max_length, which Django only passes to form widgets, never validates."""
    try:
        MaxLengthValidator(limit)(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None


def _refuse_restore(proposal: Proposal, to: str) -> str | None:
    if proposal.state == State.HIDDEN and to != proposal.state_before_hidden:
        return (_("A hidden proposal can only be restored to the state it had: “%(state)s”.")
                % {"state": State(proposal.state_before_hidden).label})
    return None


def _remember_hidden(proposal: Proposal, from_state: str, to: str) -> None:
    proposal.state_before_hidden = from_state if to == State.HIDDEN else ""


def _record_transition(proposal: Proposal, from_state: str, to: str, *, actor, now, reason: str = "") -> None:
    TimelineEntry.objects.create(
        proposal=proposal, kind=TimelineEntry.Kind.TRANSITION, from_state=from_state, to_state=to,
        actor=actor, reason=reason, created_at=now,
    )
    if State.HIDDEN not in (from_state, to):
        notify_state_change(proposal=proposal, state=to)


PROPOSAL_LIFECYCLE = Lifecycle(
    Proposal, TRANSITIONS, error=TransitionError, labels=State,
    message=gettext_noop("A proposal cannot go from “%(from)s” to “%(to)s”."),
    guard=_refuse_restore, apply=_remember_hidden, fields=["state_before_hidden", "updated_at"],
    record=_record_transition,
)


def transition(*, proposal: Proposal, to: str, actor=None, reason: str = "", now: datetime | None = None) -> Proposal:
    """Apply one lifecycle transition to a proposal the caller has locked; record it on the timeline.

    Every state change of a proposal goes through here; nothing else assigns ``proposal.state``.
    """
    return PROPOSAL_LIFECYCLE.move(proposal, to, actor=actor, now=now, reason=reason)


def record_milestone(*, proposal: Proposal, code: str, reason: str = "", actor=None, now=None) -> None:
    TimelineEntry.objects.create(
        proposal=proposal, kind=TimelineEntry.Kind.MILESTONE, code=code, reason=reason, actor=actor,
        created_at=now or timezone.now(),
    )


def parse_tags(raw: str | list[str]) -> list[str]:
    items = raw if isinstance(raw, list) else raw.replace("#", " ").replace(",", " ").split()
    tags = list(dict.fromkeys(t.strip()[:30] for t in items if t.strip()))
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(n)d tags.") % {"n": MAX_TAGS}}, code="too_many_tags")
    return tags


@transaction.atomic
def save_draft(
    *, author, title: str, body: str, category: Category, scope: str = Scope.CITYWIDE,
    district: str = "", tags: str | list[str] = "", proposal: Proposal | None = None, origin: str = Origin.CITIZEN,
) -> Proposal:
    """Create or update the author's draft. Validation errors leave the stored draft untouched.

    ``origin`` is set when the draft is created (a citizens' jury's recommendation: Origin.JURY)."""
    if proposal is None:
        refusal = rules.refuse_create(author)
        if refusal:
            raise PermissionDenied(refusal)
        proposal = Proposal(author=author, origin=origin)
    else:
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        refusal = rules.refuse_edit(author, proposal)
        if refusal:
            raise PermissionDenied(refusal)
    proposal.title = title.strip()
    proposal.body = body.strip()
    proposal.category = category
    proposal.scope = scope
    proposal.district = district if scope == Scope.DISTRICT else ""
    if scope == Scope.DISTRICT and not district:
        raise ValidationError({"district": _("Choose the district this proposal is about.")})
    check_text_length(field="body", text=proposal.body, limit=BODY_MAX)
    tag_names = parse_tags(tags)
    proposal.body_html = render_markdown(proposal.body)
    proposal.full_clean(exclude=["author", "search_vector"])
    if proposal.pk is None:  # counted only once valid: fixing a form error is not creating another draft
        check_rate(action="proposal.create", user_id=author.pk)
    proposal.save()
    proposal.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tag_names])
    return proposal


@transaction.atomic
def publish_proposal(*, proposal: Proposal, actor) -> Proposal:
    """Open the support window; it closes by itself at ``support_closes_at``."""
    proposal = Proposal.objects.select_for_update().select_related("category").get(pk=proposal.pk)
    refusal = rules.refuse_edit(actor, proposal)
    if refusal:
        raise PermissionDenied(refusal)
    now = timezone.now()
    proposal.published_at = now
    proposal.support_closes_at = now + timedelta(days=proposal.category.support_window_days)
    proposal.save(update_fields=["published_at", "support_closes_at"])
    transition(proposal=proposal, to=State.PUBLISHED, actor=actor, now=now)
    update_search_vector(proposal_ids=[proposal.pk])
    return proposal


@transaction.atomic
def withdraw_proposal(*, proposal: Proposal, actor, reason: str = "") -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    refusal = rules.refuse_withdraw(actor, proposal)
    if refusal:
        raise PermissionDenied(refusal)
    return transition(proposal=proposal, to=State.WITHDRAWN, actor=actor, reason=reason.strip()[:1000])


def update_search_vector(*, proposal_ids: list[int] | None = None) -> None:
    """Refresh the full-text vector on PostgreSQL ('simple' config: Korean has no stemmer there)."""
    if connection.vendor != "postgresql":
        return
    vector = SearchVector("title", weight="A", config="simple") + SearchVector("body", weight="B", config="simple")
    qs = Proposal.objects.all() if proposal_ids is None else Proposal.objects.filter(pk__in=proposal_ids)
    qs.update(search_vector=vector)
