"""Draw and invitation lifecycles as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


# A draw's moves (deliberation.panels.services.draws): preparing -> published or failed; published -> drawn.
DRAW_TRANSITIONS: dict[str, set[str]] = {
    "preparing": {"published", "failed"},
    "published": {"drawn"},
    "drawn": set(),
    "failed": set(),
}


class InvitationState(models.TextChoices):
    """A drawn (or reserve) person's invitation: asked, then confirmed, declined or expired; a confirmed
    member may later drop out (withdrawn, by staff). Every end but "confirmed" frees the seat for the reserve."""

    INVITED = "invited", _("Invited: waiting for an answer")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer by the deadline")
    WITHDRAWN = "withdrawn", _("Dropped out after confirming")


# An invitation's moves (deliberation.panels.services.invitations).
INVITATION_TRANSITIONS: dict[str, set[str]] = {
    InvitationState.INVITED: {InvitationState.CONFIRMED, InvitationState.DECLINED, InvitationState.EXPIRED},
    InvitationState.CONFIRMED: {InvitationState.WITHDRAWN},
    InvitationState.DECLINED: set(),
    InvitationState.EXPIRED: set(),
    InvitationState.WITHDRAWN: set(),
}
SEATED_INVITATION_STATES = (InvitationState.INVITED, InvitationState.CONFIRMED)
