"""Following a vote (POST, works without JavaScript): the button on the vote's page."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.refusals import show_refusal

from .. import selectors, services


@require_POST
def follow(request, pk: int):
    vote = selectors.visible_vote(pk=pk, viewer=request.user)
    if vote is None:
        raise Http404(_("No such vote."))
    back = reverse("voting:detail", args=[pk]) + "#follow"
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("voting:detail", args=[pk]))
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow_vote(user=request.user, vote=vote)
            messages.success(request, _("You no longer follow this vote."))
        else:
            services.follow_vote(user=request.user, vote=vote)
            messages.success(request, _("You follow this vote: you will be told when it opens, closes and "
                                        "publishes its results."))
    except PermissionDenied as exc:
        show_refusal(request, exc)
    return redirect(back)


urlpatterns = [path("votes/<int:pk>/follow/", follow, name="follow")]
