"""How the base layer and the panels tell the packages built on them what happened, without importing them.

``rooms`` knows nothing of juries, ``panels`` nothing of juries or deliberative polls (the import contract
in ``.importlinter``); they send these signals and the packages above connect their receivers in
``DeliberationConfig.ready()``, as adhocracy4 registers its phases. Each is sent synchronously, so a
receiver's write shares the sender's transaction (or, where the docstring says so, follows its commit).
"""

from django.dispatch import Signal

# Sent by rooms.services.moderation.remove_member inside its transaction, once a member is removed:
# sender=Room, room, user_id, actor, reason. A jury's rooms are one membership: removed from both.
member_removed = Signal()

# Sent by panels.services.invitations.answer_invitation after the commit that confirmed an invitation:
# sender=Invitation, invitation. Juries and polls drawn from its draw seat the person. An exception in a
# receiver reaches the caller of ``answer_invitation`` after the commit: keep them small and idempotent.
invitation_confirmed = Signal()

# Sent by panels.services.invitations.withdraw_invitation after the commit that records a confirmed member dropping out:
# sender=Invitation, invitation, actor, reason. A jury removes them from its rooms; a poll keeps their answers.
invitation_withdrawn = Signal()
