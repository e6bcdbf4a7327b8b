"""How deliberative polls hear the panels: a confirmed invitation seats its person in the poll.

``connect()`` runs once, from ``DeliberationConfig.ready()``; the receiver only passes the signal's
arguments to a service. A member who drops out keeps their answers, so a withdrawal asks nothing here.
"""

from deliberation import signals
from deliberation.deliberative_polls import services


def on_invitation_confirmed(sender, *, invitation, **kwargs) -> None:
    services.seat_confirmed(invitation)


def connect() -> None:
    signals.invitation_confirmed.connect(on_invitation_confirmed,
                                         dispatch_uid="deliberative_polls.invitation_confirmed")
