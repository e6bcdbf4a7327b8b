"""Values every page needs: the unread-notification and pending-invitation counts for the header."""

from django.conf import settings

# The pages on which "Rooms" is the current menu item (draws, juries and polls share the namespace).
ROOM_VIEWS = ("deliberation:list", "deliberation:create", "deliberation:room", "deliberation:record")


def site(request):
    unread = invitations = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from proposals.selectors import unread_notification_count

        from deliberation.selectors import pending_invitation_count

        unread = unread_notification_count(user=user)
        invitations = pending_invitation_count(user)
    return {"unread_notifications": unread, "pending_invitations": invitations, "EMBEDDED": settings.EMBEDDED,
            "room_views": ROOM_VIEWS}
