"""Who may do what in a citizens' jury or consensus conference: one place, asked by services, views and templates."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from deliberation.rooms import rules
from deliberation.juries.models import Jury, Verdict
from deliberation.rooms.models import RoomMember
from deliberation.juries.states import JuryKind, JuryState, VerdictState
from deliberation.rooms.states import MemberRole

# The bounds of the panel (the issue: a jury of 10-20, a conference of up to 20). Settings of the same
# name override them (the browser test seats a jury of two); read at each call, so tests can change them.
JURY_MIN_SIZE = 10
JURY_MAX_SIZE = 20
CONFERENCE_MIN_SIZE = 2
CONFERENCE_MAX_SIZE = 20


def size_bounds(kind: str) -> tuple[int, int]:
    if kind == JuryKind.CONFERENCE:
        return (getattr(settings, "CONFERENCE_MIN_SIZE", CONFERENCE_MIN_SIZE),
                getattr(settings, "CONFERENCE_MAX_SIZE", CONFERENCE_MAX_SIZE))
    return getattr(settings, "JURY_MIN_SIZE", JURY_MIN_SIZE), getattr(settings, "JURY_MAX_SIZE", JURY_MAX_SIZE)


def may_create_jury(user) -> bool:
    """Facilitators, staff and admins set juries up (as they create rooms)."""
    return user.is_authenticated and (rules.may_create_room(user) or user.is_staff)


def may_manage(user, jury: Jury) -> bool:
    return user.is_authenticated and (jury.facilitator_id == user.pk or user.is_city_admin)


def juror_membership(user, jury: Jury) -> RoomMember | None:
    """The juror's seat: an invited participant of the private room (removed or not); None for anyone else."""
    if not user.is_authenticated:
        return None
    return RoomMember.objects.filter(room_id=jury.private_room_id, user=user, role=MemberRole.PARTICIPANT,
                                     invited=True).first()


def is_seated(user, jury: Jury) -> bool:
    member = juror_membership(user, jury)
    return member is not None and member.removed_at is None


def seated_jurors(jury: Jury):
    return RoomMember.objects.filter(room_id=jury.private_room_id, role=MemberRole.PARTICIPANT, invited=True,
                                     removed_at__isnull=True)


def refuse_juror_action(user, jury: Jury) -> str | None:
    """Why ``user`` may not act as a juror (vote, draft, dissent); None for a seated juror."""
    if not user.is_authenticated:
        return _("Please sign in.")
    member = juror_membership(user, jury)
    if member is not None and member.removed_at is not None:
        return _("You were removed from this jury.")
    if member is not None:
        return None
    hearing = RoomMember.objects.filter(room_id=jury.room_id, user=user, removed_at__isnull=True).first()
    if hearing is not None and hearing.role == MemberRole.SPEAKER:
        return _("Experts testify; they do not vote or write for the jury.")
    if hearing is not None and hearing.role == MemberRole.OBSERVER:
        return _("Observers watch the hearing; they do not vote or write for the jury.")
    if may_manage(user, jury):
        return _("The facilitator runs the jury; only the jurors vote.")
    return _("Only the jury's seated jurors can do this.")


def refuse_ballot(user, verdict: Verdict) -> str | None:
    refusal = refuse_juror_action(user, verdict.jury)
    if refusal:
        return refusal
    if verdict.state != VerdictState.OPEN:
        return _("This vote is closed.")
    if verdict.voters.filter(user=user).exists():
        return _("You have already voted in this vote; a secret ballot cannot be changed.")
    return None


def refuse_draft_edit(user, jury: Jury) -> str | None:
    """The facilitator and the seated jurors write the draft, while the jury is drafting."""
    if not may_manage(user, jury):
        refusal = refuse_juror_action(user, jury)
        if refusal:
            return refusal
    if jury.state != JuryState.DRAFTING:
        return _("The recommendation can be edited only while the jury is drafting it.")
    return None


MINORITY_STATES = (JuryState.DRAFTING, JuryState.ADOPTING, JuryState.ADOPTED)


def refuse_minority(user, jury: Jury) -> str | None:
    refusal = refuse_juror_action(user, jury)
    if refusal:
        return refusal
    if jury.state not in MINORITY_STATES:
        return _("Minority opinions are written once drafting begins and until the recommendation is published.")
    return None


def may_view_room(user, room) -> bool:
    """Whether ``user`` may enter one of the jury's rooms: what the room's own admission says."""
    return rules.refuse_join(user, room, rules.membership(user, room)) is None


@dataclass(frozen=True)
class NextAction:
    """A step the facilitator's page offers now: the form's ``action`` value and the button's label."""

    name: str
    label: str
    primary: bool = True


def next_actions(user, jury: Jury, verdict: Verdict | None) -> list[NextAction]:
    """The next steps of the jury's stages (JURY_TRANSITIONS) that ``user`` may take now, in the page's order;
    ``verdict``: the latest one. The services check each again when it is taken."""
    if not may_manage(user, jury):
        return []
    state, actions = jury.state, []
    if state == JuryState.FORMING:
        actions.append(NextAction("start_hearing", _("Start the hearing")))
    elif state == JuryState.HEARING:
        actions.append(NextAction("start_deliberation", _("End the hearing and open the private room")))
    elif state == JuryState.DELIBERATING and jury.kind == JuryKind.JURY:
        actions.append(NextAction("open_verdict", _("Open the verdict vote")))
    elif state == JuryState.DELIBERATING:
        actions.append(NextAction("start_drafting", _("Start drafting the recommendation")))
    if verdict is not None and verdict.state == VerdictState.OPEN:
        actions.append(NextAction("close_verdict", _("Close the vote now"), primary=False))
    if state == JuryState.DRAFTING:
        actions.append(NextAction("open_adoption", _("Put the draft to the vote")))
    elif state == JuryState.ADOPTED:
        actions.append(NextAction("publish", _("Publish the recommendation")))
    if state == JuryState.VERDICT and verdict is not None and verdict.state == VerdictState.CLOSED and not verdict.met:
        actions.append(NextAction("add_round", _("Add a deliberation round"), primary=False))
    return actions
