"""Helpers every proposal view shares: loading what the viewer may see, safe redirects."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import rules
from ..models import Proposal


def visible_proposal(request, pk: int) -> Proposal:
    """The proposal if this viewer may see it; a 404 otherwise, so hidden things do not leak."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("category", "category__default_department", "author"), pk=pk
    )
    if not rules.may_view(request.user, proposal):
        raise Http404
    return proposal


def proposal_post(view):
    """POST-only proposal action; an anonymous visitor is sent to sign in and back to the proposal."""

    @require_POST
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("proposals:detail", args=[pk]))
        return view(request, pk, *args, **kwargs)

    return wrapper


def redirect_next(request, fallback: str):
    """Go back to a local ``next`` URL if one was given, else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)
