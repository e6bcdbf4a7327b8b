"""Every write of drawing panels: the standing pool, draws by lot, invitations and the reserve."""

from deliberation.panels.services.draws import DrawError, perform_draw, prepare_draw
from deliberation.panels.services.invitations import (
    InvitationError, answer_invitation, expire_due_invitations, send_invitations, withdraw_invitation,
)
from deliberation.panels.services.pool import leave_pool, standing_pool, volunteer
from deliberation.panels.services.pool_import import import_pool

__all__ = [
    "DrawError", "InvitationError", "expire_due_invitations", "import_pool", "leave_pool",
    "perform_draw", "prepare_draw", "answer_invitation", "send_invitations", "standing_pool", "volunteer",
    "withdraw_invitation",
]
