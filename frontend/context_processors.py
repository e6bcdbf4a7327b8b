"""Values every page needs: the unread-notification and pending-invitation counts for the header."""

from django.conf import settings

from proposals.selectors import unread_notification_count

from deliberation.panels.selectors import pending_invitation_count


def site(request):
    unread = invitations = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = unread_notification_count(user=user)
        invitations = pending_invitation_count(user)
    return {"unread_notifications": unread, "pending_invitations": invitations, "EMBEDDED": settings.EMBEDDED}
