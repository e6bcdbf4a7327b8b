"""The signed-in user's notifications: what happened to proposals they wrote or supported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..notices import notification_text, notification_url


@login_required
def notifications(request):
    if request.method == "POST":
        services.mark_all_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("proposals:notifications")
    page = Paginator(selectors.notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    rows = [{"note": note, "text": notification_text(note), "url": notification_url(note)} for note in page]
    return render(request, "proposals/notifications.html", {"page": page, "rows": rows})
