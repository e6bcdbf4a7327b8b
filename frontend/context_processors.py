"""Values every page needs: the unread-notification count for the header."""

from django.conf import settings


def site(request):
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from proposals.selectors import unread_notification_count

        unread = unread_notification_count(user=user)
    return {"unread_notifications": unread, "EMBEDDED": settings.EMBEDDED}
