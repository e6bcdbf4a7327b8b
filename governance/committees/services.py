"""Every write of the committees: the committee itself, its members (appointed, selected from an open call,
or drawn by lot from the pool), the chair, and the open calls' lifecycle.

Each function checks ``rules`` first (a refusal is ``PermissionDenied`` with the rule's reason), runs in
one transaction, and ``full_clean``s what it writes. An open call and its applications move only through
their ``Lifecycle`` (tables in ``governance/states.py``); an illegal move is refused with the states named.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.demographics import age_band
from core.lifecycle import IllegalTransition, Lifecycle
from deliberation.panels import services as panel_services
from deliberation.panels.models import Invitation
from deliberation.panels.sortition import DEFAULT_ALGORITHM
from deliberation.panels.states import InvitationState

from governance.committees import rules
from governance.models import Application, Committee, CommitteeDraw, Member, OpenCall
from governance.states import (
    APPLICATION_TRANSITIONS, OPEN_CALL_TRANSITIONS, ApplicationState, MemberCategory, MemberRoute, OpenCallState,
)


class CommitteeError(ValidationError):
    """A write the committee's rules refuse (seats full, a member who has left...); the message says why."""


class OpenCallError(IllegalTransition):
    """A move an open call's lifecycle does not allow."""


class ApplicationError(IllegalTransition):
    """A move an application's lifecycle does not allow."""


OPEN_CALL_LIFECYCLE = Lifecycle(
    OpenCall, OPEN_CALL_TRANSITIONS, error=OpenCallError, labels=OpenCallState,
    message=gettext_noop("An open call cannot go from “%(from)s” to “%(to)s”."),
    stamps={OpenCallState.OPEN: "published_at", OpenCallState.SELECTED: "selected_at"},
)

APPLICATION_LIFECYCLE = Lifecycle(
    Application, APPLICATION_TRANSITIONS, error=ApplicationError, labels=ApplicationState,
    message=gettext_noop("An application cannot go from “%(from)s” to “%(to)s”."),
    stamps={ApplicationState.SELECTED: "decided_at", ApplicationState.NOT_SELECTED: "decided_at"},
)

COMMITTEE_FIELDS = (
    "name", "name_en", "slug", "legal_status", "function", "department", "mandate", "legal_basis", "term_start",
    "term_end", "size", "is_agenda_committee", "proposal", "vote", "policy", "min_citizen_share",
    "max_gender_share", "minutes_deadline_days", "recommendation_due_days",
)


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _clean_agenda_links(fields: dict) -> None:
    """An agenda committee is formed for one proposal, vote or policy; another committee links to none."""
    links = [name for name in ("proposal", "vote", "policy") if fields.get(name)]
    if not fields.get("is_agenda_committee"):
        if links:
            raise CommitteeError(_("Only an agenda committee links to a proposal, a vote or a policy."),
                                 code="links_only_for_agenda")
        return
    if len(links) != 1:
        raise CommitteeError(_("An agenda committee is formed for exactly one proposal, vote or policy."),
                             code="agenda_link")


@transaction.atomic
def create_committee(*, actor, secretaries=(), **fields) -> Committee:
    """A new committee (all its fields, its composition rules and its secretariat)."""
    _require(rules.may_create_for_department(actor, fields.get("department")))
    unknown = set(fields) - set(COMMITTEE_FIELDS)
    assert not unknown, unknown
    fields["policy"] = (fields.get("policy") or "").strip()
    _clean_agenda_links(fields)
    committee = Committee(**fields)
    committee.full_clean()
    committee.save()
    committee.secretaries.set(secretaries)
    return committee


@transaction.atomic
def update_committee(*, committee: Committee, actor, secretaries=None, **fields) -> Committee:
    """Edit a committee; its department changes only by city staff (an officer keeps it in theirs)."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _require(rules.may_manage_committee(actor, committee))
    unknown = set(fields) - set(COMMITTEE_FIELDS)
    assert not unknown, unknown
    if "department" in fields and fields["department"] != committee.department:
        _require(rules.may_create_for_department(actor, fields["department"]))
    for name, value in fields.items():
        setattr(committee, name, value)
    committee.policy = (committee.policy or "").strip()
    _clean_agenda_links({name: getattr(committee, name) for name in COMMITTEE_FIELDS})
    committee.full_clean()
    committee.save()
    if secretaries is not None:
        committee.secretaries.set(secretaries)
    return committee


# --- Members -----------------------------------------------------------------------------------------


def current_members(committee: Committee):
    return committee.members.filter(ended_at__isnull=True)


def _check_seat_free(committee: Committee, adding: int = 1) -> None:
    taken = current_members(committee).count()
    if taken + adding > committee.size:
        raise CommitteeError(
            _("The committee has %(size)d seats and %(taken)d are taken; end a membership first.")
            % {"size": committee.size, "taken": taken}, code="seats_full")


def _term_start(committee: Committee) -> date:
    return max(timezone.localdate(), committee.term_start)


def _profile(user) -> dict:
    """What a member's public row takes from the person's profile (docs/governance.md "Committees")."""
    return {"name": user.display_name or str(user.public_name), "gender": user.gender,
            "age_band": age_band(user.birth_year), "district": user.district}


def _lock(committee: Committee, actor) -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _require(rules.may_manage_committee(actor, committee))
    return committee


@transaction.atomic
def appoint_member(*, committee: Committee, actor, name: str, category: str, gender: str, reason: str,
                   age_band: str = "", district: str = "", term_start: date | None = None,
                   term_end: date | None = None, user=None) -> Member:
    """Appoint a member (route "appointed"); why is on the record (``route_note``)."""
    committee = _lock(committee, actor)
    if not reason.strip():
        raise CommitteeError(_("Say why this person is appointed; it is published with the membership."),
                             code="reason_required")
    _check_seat_free(committee)
    if user is not None and current_members(committee).filter(user=user).exists():
        raise CommitteeError(_("This person is already a member of the committee."), code="already_member")
    member = Member(committee=committee, user=user, name=name.strip(), category=category, gender=gender,
                    age_band=age_band, district=district, term_start=term_start or _term_start(committee),
                    term_end=term_end if term_end is not None else committee.term_end,
                    route=MemberRoute.APPOINTED, route_note=reason.strip())
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def end_membership(*, member: Member, actor, reason: str) -> Member:
    """End a membership, with the reason on the record; the row stays (the committee's history)."""
    _lock(member.committee, actor)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.ended_at is not None:
        raise CommitteeError(_("This membership has already ended."), code="ended")
    if not reason.strip():
        raise CommitteeError(_("A reason is required; it stays on record."), code="reason_required")
    member.ended_at = timezone.now()
    member.end_reason = reason.strip()[:300]
    member.save(update_fields=["ended_at", "end_reason"])
    return member


@transaction.atomic
def set_chair(*, member: Member, actor) -> Member:
    """Make a current member the chair; the committee has one current chair, so the former one steps down."""
    committee = _lock(member.committee, actor)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.ended_at is not None:
        raise CommitteeError(_("Only a current member can chair the committee."), code="ended")
    current_members(committee).filter(is_chair=True).exclude(pk=member.pk).update(is_chair=False)
    member.is_chair = True
    member.save(update_fields=["is_chair"])
    return member


# --- Open calls --------------------------------------------------------------------------------------


@transaction.atomic
def create_open_call(*, committee: Committee, actor, title: str, description: str, seats: int, opens_at,
                     closes_at, category: str = MemberCategory.CITIZEN) -> OpenCall:
    """A draft call; it is public once opened."""
    committee = _lock(committee, actor)
    call = OpenCall(committee=committee, title=title.strip(), description=description.strip(), seats=seats,
                    category=category, opens_at=opens_at, closes_at=closes_at, created_by=actor)
    call.full_clean()
    if call.closes_at <= call.opens_at:
        raise CommitteeError(_("The call must close after it opens."), code="window")
    call.save()
    return call


@transaction.atomic
def update_open_call(*, call: OpenCall, actor, **fields) -> OpenCall:
    """Edit a call while it is a draft (once open, applicants rely on what it said)."""
    call = OpenCall.objects.select_for_update().get(pk=call.pk)
    _lock(call.committee, actor)
    if call.state != OpenCallState.DRAFT:
        raise CommitteeError(_("Only a draft call can be edited."), code="not_draft")
    for name in ("title", "description", "seats", "category", "opens_at", "closes_at"):
        if name in fields:
            setattr(call, name, fields[name])
    call.full_clean()
    if call.closes_at <= call.opens_at:
        raise CommitteeError(_("The call must close after it opens."), code="window")
    call.save()
    return call


def _lock_call(call: OpenCall, actor) -> OpenCall:
    call = OpenCall.objects.select_for_update().get(pk=call.pk)
    _lock(call.committee, actor)
    return call


@transaction.atomic
def open_call(*, call: OpenCall, actor) -> OpenCall:
    """Publish the call; applications are taken from ``opens_at`` to ``closes_at``."""
    call = _lock_call(call, actor)
    OPEN_CALL_LIFECYCLE.check(call, OpenCallState.OPEN)
    if call.closes_at <= timezone.now():
        raise CommitteeError(_("This call's closing time has passed; change it before opening the call."),
                             code="window_past")
    return OPEN_CALL_LIFECYCLE.move(call, OpenCallState.OPEN, actor=actor)


@transaction.atomic
def close_call(*, call: OpenCall, actor) -> OpenCall:
    """Stop taking applications (staff may close before ``closes_at``); the review begins."""
    call = _lock_call(call, actor)
    return OPEN_CALL_LIFECYCLE.move(call, OpenCallState.CLOSED, actor=actor)


def close_due_calls(*, now=None) -> int:
    """Close every open call whose ``closes_at`` has passed (the deadline lives in the database; a beat task
    and the embedded sweeper run this). Idempotent and safe late: a call already closed, or being moved
    by someone else right now, is left alone. Returns how many it closed."""
    now = now or timezone.now()
    closed = 0
    for pk in OpenCall.objects.filter(state=OpenCallState.OPEN, closes_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            call = (OpenCall.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, state=OpenCallState.OPEN, closes_at__lte=now).first())
            if call is not None:
                OPEN_CALL_LIFECYCLE.move(call, OpenCallState.CLOSED, now=now)
                closed += 1
    return closed


@transaction.atomic
def cancel_call(*, call: OpenCall, actor) -> OpenCall:
    call = _lock_call(call, actor)
    return OPEN_CALL_LIFECYCLE.move(call, OpenCallState.CANCELLED, actor=actor)


@transaction.atomic
def apply(*, call: OpenCall, user, statement: str) -> Application:
    """A citizen applies with a statement (what they bring, why they want to serve)."""
    call = OpenCall.objects.select_for_update().get(pk=call.pk)
    _require(rules.may_apply(user, call))
    application = Application(call=call, applicant=user, statement=statement.strip())
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def withdraw_application(*, application: Application, user) -> Application:
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    _require(rules.may_withdraw(user, application))
    return APPLICATION_LIFECYCLE.move(application, ApplicationState.WITHDRAWN, actor=user)


@transaction.atomic
def publish_selection(*, call: OpenCall, actor, decisions: dict, note: str) -> list[Member]:
    """The department's selection, published at once: each submitted application is selected or not with
    a reason (``decisions``: {application id: (selected, reason)}), the call's note says how the selection
    was made; the selected become members (route "open_call", the application linked)."""
    call = _lock_call(call, actor)
    OPEN_CALL_LIFECYCLE.check(call, OpenCallState.SELECTED)
    pending = list(call.applications.select_for_update().filter(state=ApplicationState.SUBMITTED)
                   .select_related("applicant"))
    errors = {}
    for application in pending:
        selected, reason = decisions.get(application.pk, (None, ""))
        if selected is None:
            errors[application.pk] = _("Decide on every application.")
        elif not (reason or "").strip():
            errors[application.pk] = _("Give a reason for each decision; it is published.")
    if set(decisions) - {a.pk for a in pending}:
        raise CommitteeError(_("Some decisions are for applications that are not waiting for one."),
                             code="unknown_application")
    if errors:
        error = CommitteeError(_("Some applications lack a decision or a reason."), code="incomplete")
        error.per_application = errors
        raise error
    if not note.strip():
        raise CommitteeError(_("Say how the selection was made; it is published with the selection."),
                             code="note_required")
    chosen = [a for a in pending if decisions[a.pk][0]]
    if len(chosen) > call.seats:
        raise CommitteeError(_("This call has %(seats)d seats; %(count)d applicants are selected.")
                             % {"seats": call.seats, "count": len(chosen)}, code="too_many")
    committee = call.committee
    _check_seat_free(committee, len(chosen))
    members = []
    for application in pending:
        selected, reason = decisions[application.pk]
        application.reason = reason.strip()
        APPLICATION_LIFECYCLE.move(application, ApplicationState.SELECTED if selected else ApplicationState.NOT_SELECTED,
                                   actor=actor, fields=["reason"])
        if selected:
            member = Member(committee=committee, user=application.applicant, category=call.category,
                            term_start=_term_start(committee), term_end=committee.term_end,
                            route=MemberRoute.OPEN_CALL, route_note=application.reason, application=application,
                            **_profile(application.applicant))
            member.full_clean()
            member.save()
            members.append(member)
    call.selection_note = note.strip()
    OPEN_CALL_LIFECYCLE.move(call, OpenCallState.SELECTED, actor=actor, fields=["selection_note"])
    return members


# --- Draws by lot ------------------------------------------------------------------------------------


@transaction.atomic
def start_committee_draw(*, committee: Committee, size: int, quotas_text: str, actor,
                         algorithm: str = DEFAULT_ALGORITHM, only_users=None, eligibility: str = "",
                         title: str = "") -> CommitteeDraw:
    """Prepare a draw from the standing pool for this committee through the draw pipeline; the draw itself
    (public values), the invitations and the reserve then happen on the draw's own pages (/draws/).
    ``only_users`` and ``eligibility`` restrict who may be drawn (panels' ``prepare_draw``), e.g. the
    budget committee drawn from the budget school's graduates."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _require(rules.may_start_draw(actor, committee))
    _check_seat_free(committee, size)
    draw = panel_services.prepare_draw(
        pool=panel_services.standing_pool(), title=title or _("%(committee)s: members drawn by lot") % {
            "committee": committee.name}, size=size, quotas_text=quotas_text, actor=actor, algorithm=algorithm,
        only_users=only_users, eligibility=eligibility)
    return CommitteeDraw.objects.create(committee=committee, draw=draw)


@transaction.atomic
def seat_drawn_members(*, committee_draw: CommitteeDraw, actor) -> tuple[list[Member], list[Invitation]]:
    """Every confirmed invitation of the draw not yet seated becomes a member (route "lot"). Returns the new
    members and the confirmed people who could not be seated (no account, or no gender in their profile)."""
    committee = _lock(committee_draw.committee, actor)
    # The committee's row lock (``_lock``) serializes seating; the invitations are read, not locked.
    waiting = (Invitation.objects.filter(draw_id=committee_draw.draw_id, state=InvitationState.CONFIRMED,
                                         committee_member__isnull=True)
               .select_related("user").order_by("seat"))
    seated, skipped = [], []
    for invitation in waiting:
        user = invitation.user
        if user is None or not user.gender or user.deleted_at is not None:
            skipped.append(invitation)
            continue
        if current_members(committee).filter(user=user).exists():
            skipped.append(invitation)
            continue
        _check_seat_free(committee)
        member = Member(committee=committee, user=user, category=MemberCategory.CITIZEN,
                        term_start=_term_start(committee), term_end=committee.term_end, route=MemberRoute.LOT,
                        route_note=_("Drawn by lot: draw no. %(draw)d, seat %(seat)d.")
                        % {"draw": committee_draw.draw_id, "seat": invitation.seat},
                        invitation=invitation, **_profile(user))
        member.full_clean()
        member.save()
        seated.append(member)
    return seated, skipped
