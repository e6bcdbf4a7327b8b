"""Creating votes: staff write drafts; where an admin allows it a verified resident submits one for review.

Who may do what is answered here, once, by ``refuse_*`` functions (None when allowed, else the reason)
that pages and services both ask. A draft is staff's to edit until it is scheduled (then
services.schedule and services.extend_close take over); a citizen's vote is submitted, editable
by its author while it waits, and a moderator approves it to a draft (optionally scheduling it at
once, when the moderator also manages votes) or rejects it with a reason its author sees.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.districts import District

from .. import rules
from ..models import Option, Vote
from ..states import BudgetRule, VoteKind, VoteState
from .lifecycle import VoteError, schedule, transition

# What a citizen may not set: the city's money and its departments' work are staff's decisions.
STAFF_ONLY_KINDS = {VoteKind.BUDGET}
# Positions 1, 2, 3: selectors.count relies on this order.
YES_NO_LABELS = (gettext_noop("Yes"), gettext_noop("No"), gettext_noop("Abstain"))


@dataclass
class OptionSpec:
    label: str
    cost: int | None = None
    category: str = ""
    description: str = ""


@dataclass
class VoteSpec:
    """Everything a vote's author decides, as a form or an import hands it over."""

    title: str
    question: str
    kind: str
    opens_at: datetime
    closes_at: datetime
    options: list[OptionSpec] = field(default_factory=list)
    description: str = ""
    max_choices: int | None = None
    budget: int | None = None
    category_budgets: dict[str, int] = field(default_factory=dict)
    budget_rule: str = ""
    min_age: int | None = None
    districts: list[str] = field(default_factory=list)
    secret: bool = True
    allow_change: bool = False
    live_results: bool = False
    quorum: int | None = None
    quorum_percent: int | None = None
    acceptance: str = "majority"
    department: object = None
    follow_up_winner: bool = False
    answer_due_days: int = 60
    proposal: object = None


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _require_submitted(vote: Vote) -> None:
    if vote.state != VoteState.SUBMITTED:
        raise VoteError(_("This vote is not awaiting review (it is “%(state)s”).")
                        % {"state": VoteState(vote.state).label}, code="not_submitted")


# -- Checking a vote's content --------------------------------------------------------------------

def check_spec(spec: VoteSpec, *, now: datetime, for_citizen: bool = False) -> None:
    """Everything a vote needs before it is stored; one ValidationError listing each field's problem."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if spec.kind not in VoteKind.values:
        add("kind", _("Choose the kind of vote."))
    elif for_citizen and spec.kind in STAFF_ONLY_KINDS:
        add("kind", _("Only staff can create a participatory budget vote."))
    if spec.opens_at <= now:
        add("opens_at", _("The opening time must be in the future."))
    if spec.closes_at <= spec.opens_at:
        add("closes_at", _("The vote must close after it opens."))
    if spec.kind != VoteKind.YES_NO:
        _check_options(spec, add)
    if spec.kind == VoteKind.MULTIPLE and spec.max_choices and spec.max_choices > len(spec.options):
        add("max_choices", _("At most %(k)d choices, but there are only %(n)d options.")
            % {"k": spec.max_choices, "n": len(spec.options)})
    if spec.kind == VoteKind.BUDGET:
        _check_budget(spec, add)
    unknown = [d for d in spec.districts if d not in District.values]
    if unknown:
        add("districts", _("Unknown district: %(district)s.") % {"district": unknown[0]})
    if spec.secret and spec.allow_change:
        add("allow_change", _("A secret ballot cannot be changed once cast: nothing may link it to its voter."))
    if spec.follow_up_winner and spec.department is None:
        add("department", _("Choose the department that follows up the winning option."))
    if errors:
        raise ValidationError(errors)


def _check_options(spec: VoteSpec, add) -> None:
    labels = [o.label.strip() for o in spec.options]
    if len(labels) < 2:
        add("options", _("A vote needs at least two options."))
    if any(not label for label in labels):
        add("options", _("Every option needs a label."))
    repeated = sorted({label for label in labels if label and labels.count(label) > 1})
    if repeated:
        add("options", _("This option is listed twice: %(label)s.") % {"label": repeated[0]})


def _check_budget(spec: VoteSpec, add) -> None:
    if not spec.budget:
        add("budget", _("A participatory budget needs its total budget."))
    missing = [o.label for o in spec.options if o.cost is None]
    if missing:
        add("options", _("Every project needs a cost; missing for: %(label)s.") % {"label": missing[0]})
    too_dear = [o.label for o in spec.options if o.cost is not None and spec.budget and o.cost > spec.budget]
    if too_dear:
        add("options", _("This project costs more than the whole budget: %(label)s.") % {"label": too_dear[0]})
    categories = {o.category for o in spec.options if o.category}
    for category, amount in spec.category_budgets.items():
        if category not in categories:
            add("category_budgets", _("No project is in the category “%(category)s”.") % {"category": category})
        elif spec.budget and amount > spec.budget:
            add("category_budgets", _("The budget of “%(category)s” is larger than the total budget.")
                % {"category": category})
    if spec.budget_rule and spec.budget_rule not in BudgetRule.values:
        add("budget_rule", _("Choose a rule that decides the budget."))


# -- Writes ---------------------------------------------------------------------------------------

def _fields(spec: VoteSpec) -> dict:
    budget = spec.kind == VoteKind.BUDGET
    return dict(
        title=spec.title.strip(), question=spec.question.strip(), description=spec.description.strip(),
        kind=spec.kind, max_choices=spec.max_choices if spec.kind in (VoteKind.MULTIPLE, VoteKind.BUDGET) else None,
        budget=spec.budget if budget else None, category_budgets=spec.category_budgets if budget else {},
        budget_rule=(spec.budget_rule or BudgetRule.GREEDY) if budget else "",
        opens_at=spec.opens_at, closes_at=spec.closes_at, min_age=spec.min_age, districts=list(spec.districts),
        secret=spec.secret, allow_change=spec.allow_change, live_results=spec.live_results, quorum=spec.quorum,
        quorum_percent=spec.quorum_percent, acceptance=spec.acceptance if spec.kind == VoteKind.YES_NO else "majority",
        department=spec.department, follow_up_winner=spec.follow_up_winner, answer_due_days=spec.answer_due_days,
        proposal=spec.proposal,
    )


def _write_options(vote: Vote, spec: VoteSpec) -> None:
    """Replace the options (a draft has no ballots); a project keeps its imported .pb id by its label."""
    if vote.kind == VoteKind.YES_NO:
        # Stored in the site's language (Korean), whatever language the author's pages are in.
        with translation.override(settings.LANGUAGE_CODE):
            specs = [OptionSpec(label=_(label)) for label in YES_NO_LABELS]
    else:
        specs = spec.options
    # What the options form does not carry (a project's page details, the imported id) stays with the label.
    kept = {o.label: o for o in vote.options.all()}
    vote.options.all().delete()
    for position, option in enumerate(specs, start=1):
        label = option.label.strip()
        old = kept.get(label)
        row = Option(vote=vote, position=position, label=label,
                     description=option.description or (old.description if old else ""),
                     cost=option.cost if vote.kind == VoteKind.BUDGET else None,
                     category=option.category.strip() if vote.kind == VoteKind.BUDGET else "",
                     district=old.district if old else "", department_id=old.department_id if old else None,
                     external_id=old.external_id if old else "")
        row.full_clean(exclude=["vote"])
        row.save()


def _store(vote: Vote, spec: VoteSpec) -> Vote:
    for name, value in _fields(spec).items():
        setattr(vote, name, value)
    vote.full_clean(exclude=["created_by"])  # kept as it was (None once its author's account is gone)
    vote.save()
    _write_options(vote, spec)
    return vote


@transaction.atomic
def create_vote(*, actor, spec: VoteSpec) -> Vote:
    """A staff member's new vote, as a draft."""
    _require(None if rules.may_manage(actor) else _("Only staff can create votes."))
    check_spec(spec, now=timezone.now())
    return _store(Vote(created_by=actor, state=VoteState.DRAFT), spec)


@transaction.atomic
def submit_vote(*, actor, spec: VoteSpec) -> Vote:
    """A verified resident's proposed vote; it waits for a moderator (no department, no follow-up yet)."""
    _require(rules.refuse_submit(actor))
    spec.department, spec.follow_up_winner, spec.quorum, spec.proposal = None, False, None, None
    spec.quorum_percent, spec.acceptance = None, "majority"
    check_spec(spec, now=timezone.now(), for_citizen=True)
    return _store(Vote(created_by=actor, state=VoteState.SUBMITTED), spec)


@transaction.atomic
def update_vote(*, vote: Vote, actor, spec: VoteSpec) -> Vote:
    """Change a draft (staff) or a submitted vote (its author), re-checked under the vote's lock."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    _require(rules.refuse_edit(actor, vote))
    if not rules.is_editable(vote):
        raise VoteError(_("A vote that is “%(state)s” keeps its question, options and rules; only a scheduled "
                          "or open vote's close can be extended.") % {"state": VoteState(vote.state).label},
                        code="not_editable")
    citizen = vote.state == VoteState.SUBMITTED
    if citizen:  # what staff decide stays as it was
        spec.department, spec.follow_up_winner, spec.quorum = vote.department, vote.follow_up_winner, vote.quorum
        spec.proposal, spec.answer_due_days = vote.proposal, vote.answer_due_days
        spec.quorum_percent, spec.acceptance = vote.quorum_percent, vote.acceptance
    check_spec(spec, now=timezone.now(), for_citizen=citizen)
    return _store(vote, spec)


@transaction.atomic
def cancel_vote(*, vote: Vote, actor) -> Vote:
    """Staff cancel a draft or a scheduled vote; a citizen withdraws their vote awaiting review."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    _require(rules.refuse_cancel(actor, vote))
    transition(vote, VoteState.CANCELLED)
    return vote


@transaction.atomic
def approve_vote(*, vote: Vote, moderator, schedule_now: bool = False) -> Vote:
    """A moderator accepts a submitted vote as a draft; ``schedule_now`` also schedules it (staff only).

    Scheduling goes through services.schedule, with its checks, in the same transaction: if it is
    refused, the vote stays awaiting review.
    """
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    _require(rules.refuse_review(moderator))
    _require_submitted(vote)
    if schedule_now and not rules.may_manage(moderator):
        raise PermissionDenied(_("Only staff can schedule votes; approve it as a draft instead."))
    if schedule_now and vote.opens_at <= timezone.now():
        raise VoteError(_("Its opening time has passed: approve it as a draft and set new times."),
                        code="opens_in_past")
    vote.reviewed_by, vote.reviewed_at, vote.review_reason = moderator, timezone.now(), ""
    transition(vote, VoteState.DRAFT, fields=["reviewed_by", "reviewed_at", "review_reason"])
    if schedule_now:
        vote = schedule(vote=vote, actor=moderator)
    return vote


@transaction.atomic
def reject_vote(*, vote: Vote, moderator, reason: str) -> Vote:
    """A moderator turns a submitted vote down; the reason is shown to its author."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    _require(rules.refuse_review(moderator))
    _require_submitted(vote)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason; its author will read it.")]}, code="reason_required")
    vote.reviewed_by, vote.reviewed_at, vote.review_reason = moderator, timezone.now(), reason.strip()
    transition(vote, VoteState.REJECTED, fields=["reviewed_by", "reviewed_at", "review_reason"])
    return vote


@transaction.atomic
def update_project(*, option: Option, actor, description: str, district: str, department) -> Option:
    """Staff write what a budget project's page says beyond the ballot line: what it is, where, and which
    department would carry it out. Allowed while the vote's options may change (rules.refuse_edit_project)."""
    vote = Vote.objects.select_for_update().get(pk=option.vote_id)
    _require(rules.refuse_edit_project(actor, vote))
    option = Option.objects.get(pk=option.pk)
    option.description, option.district, option.department = description.strip(), district, department
    option.full_clean(exclude=["vote"])
    option.save(update_fields=["description", "district", "department"])
    return option
