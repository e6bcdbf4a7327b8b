"""The signed-in user's notifications (what happened to what they wrote, supported or follow) and their settings by kind."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..models import Notification
from ..notices import KIND_DESCRIPTIONS, notification_text, notification_url


@login_required
def notifications(request):
    if request.method == "POST":
        services.mark_all_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("proposals:notifications")
    page = Paginator(selectors.notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    rows = [{"note": note, "text": notification_text(note), "url": notification_url(note)} for note in page]
    return render(request, "proposals/notifications.html", {"page": page, "rows": rows})


def _kinds_for(user) -> list[str]:
    """The kinds a person can receive: the overdue notice is for department officers only."""
    kinds = list(Notification.Kind.values)
    if not user.is_officer:
        kinds.remove(Notification.Kind.OVERDUE)
    return kinds


@login_required
def notification_settings(request):
    """Each kind on or off, in the site and by email; a checkbox left unticked is off (no JavaScript)."""
    kinds = _kinds_for(request.user)
    if request.method == "POST":
        choices = {kind: (f"in_site_{kind}" in request.POST, f"email_{kind}" in request.POST) for kind in kinds}
        services.save_notification_settings(user=request.user, choices=choices)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("proposals:notification_settings")
    current = selectors.notification_choices(user=request.user)
    rows = [{"kind": kind, "label": Notification.Kind(kind).label, "description": KIND_DESCRIPTIONS.get(kind, ""),
             "in_site": current[kind][0], "email": current[kind][1]} for kind in kinds]
    return render(request, "proposals/notification_settings.html", {"rows": rows})
