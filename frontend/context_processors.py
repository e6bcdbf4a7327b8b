"""Values every page needs: the unread-notification and pending-invitation counts for the header, and
the header's sign-in link."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from proposals.selectors import unread_notification_count

from deliberation.panels.selectors import pending_invitation_count


def site(request):
    unread = invitations = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = unread_notification_count(user=user)
        invitations = pending_invitation_count(user)
    return {"unread_notifications": unread, "pending_invitations": invitations, "EMBEDDED": settings.EMBEDDED,
            "sign_in_url": sign_in_url(request)}


def _next_target(request) -> str:
    """Where signing in should lead back to: this page, or, on the account pages themselves (sign in, sign
    up, password reset ...), the ``next`` they were given, so the link never nests ?next= in ?next=."""
    if not _is_current_account_page(request):
        return request.get_full_path()
    target = request.GET.get("next", "")
    for _depth in range(5):  # a link nested by an older page: unwrap to the page it was meant for
        parts = urlsplit(target)
        if not _is_account_page(parts.path):
            break
        target = parse_qs(parts.query).get("next", [""])[0]
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return target if target and safe else ""


def _is_current_account_page(request) -> bool:
    """Whether this request is for an account page: its own URL match when it has one (resolving the path
    again cost every page a walk of the URLconf), else (an error page) the path resolved."""
    match = getattr(request, "resolver_match", None)
    return _is_account_match(match) if match is not None else _is_account_page(request.path_info)


def _is_account_page(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return _is_account_match(match)


def _is_account_match(match) -> bool:
    return not match.namespace and (match.url_name or "").startswith("account_")


def sign_in_url(request) -> str:
    """The header's sign-in link (``?next=`` back to where the reader was, once)."""
    target = _next_target(request)
    return reverse("account_login") + (f"?{urlencode({'next': target})}" if target else "")
