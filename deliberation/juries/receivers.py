"""How juries extend the layers below them: the rooms' page and moderation, the panels' invitations.

``connect()`` runs once, from ``DeliberationConfig.ready()``; each receiver only passes the signal's
arguments to a service.
"""

from deliberation import signals
from deliberation.juries import selectors
from deliberation.juries.services import seating
from deliberation.rooms import extensions


def on_member_removed(sender, *, room, user_id, actor, reason, **kwargs) -> None:
    seating.member_removed(room=room, user_id=user_id, actor=actor, reason=reason)


def on_invitation_confirmed(sender, *, invitation, **kwargs) -> None:
    seating.seat_confirmed(invitation)


def on_invitation_withdrawn(sender, *, invitation, actor, reason, **kwargs) -> None:
    seating.unseat_withdrawn(invitation, actor, reason)


def connect() -> None:
    extensions.register_room_page_context(selectors.room_page_context)
    signals.member_removed.connect(on_member_removed, dispatch_uid="juries.member_removed")
    signals.invitation_confirmed.connect(on_invitation_confirmed, dispatch_uid="juries.invitation_confirmed")
    signals.invitation_withdrawn.connect(on_invitation_withdrawn, dispatch_uid="juries.invitation_withdrawn")
