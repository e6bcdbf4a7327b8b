"""Template helpers for proposals: the words and links of notifications, and the proposals' cards."""

import django
from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.html import format_html

from frontend import fragments
from frontend.templatetags.site_tags import time_left

from ..extensions import follow_up_panels as registered_panels
from ..notices import notification_text, notification_url

register = template.Library()


@register.filter
def notice_text(note) -> str:
    return notification_text(note)


@register.filter
def notice_url(note) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + notification_url(note)


@register.inclusion_tag("proposals/_follow_up_panels.html", takes_context=True)
def follow_up_panels(context, follow_up):
    """The templates other apps registered for a follow-up's card (proposals.extensions), each with the item."""
    return {"follow_up": follow_up, "panels": registered_panels(), "request": context.get("request"),
            "user": context.get("user"), "perms": context.get("perms")}


CARD_TEMPLATE = "proposals/_card.html"


def card_content(proposal) -> tuple:
    """Every value proposals/_card.html shows of a proposal: the card's cache key (frontend/fragments.py)."""
    is_open = proposal.is_support_open
    return (proposal.pk, proposal.state, proposal.title, proposal.origin, proposal.category.display_name,
            proposal.district, proposal.support_count, proposal.next_threshold(), is_open,
            time_left(proposal.support_closes_at) if is_open else "", proposal.published_at is not None,
            proposal.escalation_level)


@register.simple_tag
def proposal_cards(proposals):
    """The proposals' cards as ``<li>`` items, each rendered once per content for every reader (a card shows
    nothing of the viewer): the listing, the home page and the profiles render them twenty at a time."""
    template = get_template(CARD_TEMPLATE)
    cards = fragments.render_many(
        list(proposals), kind="proposal-card", fingerprint=fragments.template_fingerprint(CARD_TEMPLATE),
        content=card_content, render=lambda proposal: template.render({"proposal": proposal}))
    return fragments.join(format_html("<li>{}</li>", card) for card in cards)


@register.simple_tag
def filter_fields(form, *, skip: str = "q"):
    """The listing's filter fields (label and widget each), rendered once per content: their choices, values
    and errors, the same for every reader who sends the same filters (Django renders each select through
    templates, a fifth of the listing's time)."""
    fields = [field for field in form if field.name != skip]

    def content(field):
        return (field.name, str(field.label), field.auto_id, [(str(v), str(label)) for v, label in
                getattr(field.field, "choices", [])], field.value(), list(field.errors))

    html = fragments.render_many(
        fields, kind="filter-field", fingerprint=django.get_version(), content=content,
        render=lambda field: format_html('<div class="field">{}{}</div>', field.label_tag(), field))
    return fragments.join(html)
