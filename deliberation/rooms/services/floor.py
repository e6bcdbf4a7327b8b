"""A fair floor: the facilitator's gentle invitation to speak, and the room's vote to move on early.

Every move-on vote emits ``move_on.updated`` {round_id, votes, needed}; the vote that reaches
``rules.move_on_needed`` skips the round through the clock (``round.ended`` skipped, then
``round.started`` or ``room.waiting``), once: later votes count for the next round.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.rooms import rules
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.selectors import eligible_voters
from deliberation.rooms.models import MoveOnVote, Room, RoomMember
from deliberation.rooms.states import RoundState
from deliberation.rooms.services import clock
from deliberation.rooms.services.locking import lock_room, lock_room_for_facilitator


class FloorError(ValidationError):
    """A floor move that cannot happen now (a second move-on vote); the message says which."""


@transaction.atomic
def invite_to_speak(*, room: Room, actor, user_id: int) -> RoomMember:
    """The facilitator invites a member to take the floor; ``floor.invited`` is shown to that person."""
    room = lock_room_for_facilitator(room.pk, actor)
    member = (RoomMember.objects.select_related("user")
              .filter(room=room, user_id=user_id, removed_at__isnull=True).first())
    if member is None:
        raise FloorError(_("This person is not a member of the room."), code="not_member")
    append_event(room_id=room.pk, type="floor.invited", actor=actor,
                 data={"user_id": member.user_id, "name": member.user.public_name})
    return member


@transaction.atomic
def vote_move_on(*, room: Room, user) -> int:
    """Record ``user``'s vote to leave the current round; skip it when the votes reach the threshold.

    Returns the number of votes for the round (counted before a skip).
    """
    room, now = lock_room(room.pk), timezone.now()
    refusal = rules.refuse_move_on(user, room, rules.membership(user, room))
    if refusal:
        raise PermissionDenied(refusal)
    rnd = clock._current(room)  # no_round unless a round is running or paused
    if rnd.state == RoundState.RUNNING and not rules.is_round_running(rnd, now):  # its time is up (issue 11)
        raise clock.ClockError(_("This round's time is up; the next step starts in a moment."), code="no_round")
    try:
        with transaction.atomic():
            MoveOnVote.objects.create(room=room, round=rnd, user=user, created_at=now)
    except IntegrityError:
        raise FloorError(_("You have already voted to move on."), code="already_voted") from None
    votes = MoveOnVote.objects.filter(round=rnd).count()
    needed = rules.move_on_needed(eligible_voters(room))
    append_event(room_id=room.pk, type="move_on.updated", actor=user,
                 data={"round_id": rnd.pk, "votes": votes, "needed": needed})
    if votes >= needed:
        clock.skip_by_vote(room=room, rnd=rnd, now=now)
    return votes
