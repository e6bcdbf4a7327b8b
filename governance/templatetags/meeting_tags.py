"""Template tags of governance.meetings: the committee page's meeting section reads through its selectors."""

from django import template
from django.urls import NoReverseMatch, reverse

from governance.meetings import rules, selectors

register = template.Library()


@register.simple_tag
def committee_meeting_section(committee, user) -> dict:
    """What ``governance/meetings/_committee_meetings.html`` shows for ``committee`` to ``user``."""
    may_manage = bool(getattr(user, "is_authenticated", False)) and rules.may_manage_committee(user, committee)
    return {
        "upcoming": list(selectors.upcoming_meetings(committee)),
        "past": list(selectors.past_meetings(committee)[:50]),
        "recommendations": list(selectors.recommendations_of(committee)),
        "documents": list(selectors.documents_of(committee, public_only=not may_manage)),
        "may_manage": may_manage,
    }


@register.filter
def committee_url(committee) -> str:
    """The committee's public page (``committees:detail``, governance.committees'), or "" until it exists."""
    try:
        return reverse("committees:detail", args=[committee.slug])
    except NoReverseMatch:
        return ""
