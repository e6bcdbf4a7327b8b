"""From a drawn panel to the seats of a jury or a deliberative poll: the confirmed invitations seat people.

A jury or a poll names the ``Draw`` its panel comes from. Whoever confirms an invitation of that draw
is seated at once (``invitations.ON_CONFIRMED``); a member staff record as dropping out is removed
from the jury (``invitations.ON_WITHDRAWN``); a jury or poll linked to a draw after some people
confirmed seats those people (``seat_confirmed_panel``). Imported people have no account: staff seat
them by hand once they have one (docs/juries.md). A seat that cannot be taken (a full jury, a jury
already deliberating, a poll whose first survey has closed) is left to staff and logged, never an
error for the citizen who just said yes.
"""

import logging

from django.core.exceptions import ValidationError

from deliberation.panels import selectors
from deliberation.juries.models import Jury
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.panels.models import Invitation
from deliberation.juries.states import JuryState
from deliberation.panels.services import invitations
from deliberation.deliberative_polls.services import SEATING_STATES as POLL_SEATING_STATES
from deliberation.deliberative_polls.services import add_participant
from deliberation.juries.services.juries import SEATING_STATES as JURY_SEATING_STATES
from deliberation.juries.services.juries import do_add_juror, remove_juror

logger = logging.getLogger(__name__)


def _seat(draw_id: int, user) -> list[str]:
    """Seat ``user`` in every jury and poll drawn from ``draw_id`` that still takes seats; what happened, in
    words for the log."""
    done = []
    for jury in Jury.objects.filter(draw_id=draw_id, state__in=JURY_SEATING_STATES):
        try:
            do_add_juror(jury=jury, user=user)
            done.append(f"jury {jury.pk}: seated")
        except ValidationError as refusal:
            logger.warning("draw %s: %s not seated in jury %s: %s", draw_id, user.pk, jury.pk, refusal.messages)
    for poll in DeliberativePoll.objects.filter(draw_id=draw_id, state__in=POLL_SEATING_STATES):
        if poll.participants.filter(user=user).exists():
            continue
        try:
            add_participant(poll=poll, user=user)
            done.append(f"poll {poll.pk}: seated")
        except ValidationError as refusal:
            logger.warning("draw %s: %s not seated in poll %s: %s", draw_id, user.pk, poll.pk, refusal.messages)
    return done


def seat_confirmed(invitation: Invitation) -> None:
    """``ON_CONFIRMED``: the person who just confirmed takes their seat (an account is needed)."""
    if invitation.user_id is not None:
        _seat(invitation.draw_id, invitation.user)


def unseat_withdrawn(invitation: Invitation, actor, reason: str) -> None:
    """``ON_WITHDRAWN``: a member who drops out leaves the jury's rooms (a poll keeps their answers)."""
    if invitation.user_id is None:
        return
    for jury in Jury.objects.filter(draw_id=invitation.draw_id).exclude(state=JuryState.PUBLISHED):
        try:
            remove_juror(jury=jury, user=invitation.user, actor=actor, reason=reason)
        except ValidationError as refusal:  # not (or no longer) a member
            logger.info("draw %s: %s not removed from jury %s: %s", invitation.draw_id, invitation.user_id,
                        jury.pk, refusal.messages)


def seat_confirmed_panel(draw) -> int:
    """Seat everyone who has already confirmed (a jury or poll linked to the draw after they did); idempotent.
    Returns how many people with an account were passed on."""
    people = [row["user"] for row in selectors.confirmed_people(draw) if row["user"] is not None]
    for user in people:
        _seat(draw.pk, user)
    return len(people)


invitations.ON_CONFIRMED.append(seat_confirmed)
invitations.ON_WITHDRAWN.append(unseat_withdrawn)
