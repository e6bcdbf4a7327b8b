"""Citizen monitoring on a follow-up card: the item's summary, and the reply forms for its department."""

from django import template

from governance.monitoring import rules, selectors
from governance.monitoring.forms import ReplyForm

register = template.Library()


@register.simple_tag(takes_context=True)
def monitoring_panel(context, follow_up) -> dict:
    """What ``_follow_up_ratings.html`` shows: ``monitored`` (any monitor ever), ``summary``, and ``to_reply``
    (ratings this user may reply to, each with a ``form``), ``on_item_page`` to skip the card there."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if not follow_up.monitor_assignments.exists():
        return {"monitored": False}
    summary = selectors.summary_of(follow_up)
    to_reply = []
    if user is not None and getattr(user, "is_officer", False) and user.department_id == follow_up.department_id:
        for rating in selectors.ratings_of(follow_up).filter(replied_at__isnull=True):
            if rules.refuse_reply(user, rating) is None:
                rating.form = ReplyForm(prefix=f"rating-{rating.pk}")
                to_reply.append(rating)
    return {"monitored": True, "summary": summary, "to_reply": to_reply,
            "on_item_page": bool(match and match.view_name in ("monitoring:item", "monitoring:rate")),
            "next": request.get_full_path() if request else ""}
