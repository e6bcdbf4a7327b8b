"""Presentation helpers shared by the page templates: time left, threshold meanings, badges, shared fragments."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import attributes
from frontend import fragments
from proposals.states import EscalationLevel, FollowUpState, State, Verdict

register = template.Library()

_THRESHOLD_LABELS = {
    "deliberation": lambda: _("public deliberation"),
    "department": lambda: _("the department"),
    "mayor": lambda: _("the mayor's level"),
}


@register.filter
def attribute_label(key: str) -> str:
    """A profile attribute's name ("Living zone" for ``district_group``); see accounts/attributes.py."""
    return attributes.attribute_label(key)


@register.filter
def value_label(value, key: str = "") -> str:
    """An attribute value's label: ``{{ value|value_label:attribute }}`` ("Female" for female)."""
    return attributes.value_label(value, key)


@register.filter
def criterion_label(criterion: str) -> str:
    """``gender=female`` as "Gender: Female"."""
    return attributes.criterion_label(criterion)


@register.filter
def threshold_label(name: str) -> str:
    """What crossing a threshold means, e.g. "public deliberation"."""
    label = _THRESHOLD_LABELS.get(name)
    return label() if label else name


@register.filter
def time_left(deadline: datetime | None) -> str:
    """Days or hours until a deadline, in words; "" when there is none."""
    if deadline is None:
        return ""
    seconds = (deadline - timezone.now()).total_seconds()
    if seconds <= 0:
        return _("Time is up")
    days, hours = int(seconds // 86400), int(seconds // 3600)
    if days >= 1:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    if hours >= 1:
        return ngettext("%(n)d hour left", "%(n)d hours left", hours) % {"n": hours}
    return _("Less than an hour left")


@register.filter
def days_until(deadline: datetime | None) -> int | None:
    """Whole days until a deadline in Seoul's calendar (negative when it has passed)."""
    if deadline is None:
        return None
    today = timezone.localdate()
    return (timezone.localtime(deadline).date() - today).days


@register.filter
def due_in_words(deadline: datetime | None) -> str:
    days = days_until(deadline)
    if days is None:
        return ""
    if days > 0:
        return ngettext("due in %(n)d day", "due in %(n)d days", days) % {"n": days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}


@register.filter
def state_label(value: str) -> str:
    return State(value).label if value in State.values else value


@register.filter
def follow_up_state_label(value: str) -> str:
    return FollowUpState(value).label if value in FollowUpState.values else value


@register.filter
def verdict_label(value: str) -> str:
    return Verdict(value).label if value in Verdict.values else value


@register.filter
def escalation_text(level: str) -> str:
    if level == EscalationLevel.MAYOR:
        return _("Escalated to the mayor's level")
    if level == EscalationLevel.DEPARTMENT:
        return _("Escalated to the department")
    return ""


@register.filter
def percent_of(value, total) -> int:
    """Whole percent of value toward total, capped at 100 (for progress bars)."""
    try:
        return max(0, min(100, int(int(value) * 100 / int(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.inclusion_tag("frontend/progress.html")
def progress_bar(value, maximum, label: str = ""):
    """An accessible progress bar (role=progressbar with aria values) that needs no JavaScript."""
    return {"value": value, "maximum": maximum, "percent": percent_of(value, maximum), "label": label}


class PageStringsNode(template.Node):
    def __init__(self, element_id, groups, nodelist):
        self.element_id, self.groups, self.nodelist = element_id, groups, nodelist

    def render(self, context):
        autoescape, context.autoescape = context.autoescape, False  # json_script escapes the whole
        try:
            text = self.nodelist.render(context)
        finally:
            context.autoescape = autoescape
        table = {}
        for line in text.splitlines():
            key, _space, value = line.strip().partition(" ")
            if key:
                table[key] = value.strip()
        for key, expression in self.groups.items():
            value = expression.resolve(context)
            if isinstance(value, (list, tuple)):
                value = {str(k): label for k, label in value}
            if value:
                table[key] = value
        return json_script(table, self.element_id.resolve(context))


@register.tag
def page_strings(parser, token):
    """The page's translated strings for its scripts, as ONE ``json_script`` blob read by frontend/i18n.js.

    One string a line, its key first::

        {% page_strings "i18n" RoomStates=room_states %}
          Connecting {% translate "Connecting…" %}
        {% endpage_strings %}

    Keyword arguments add groups: a dict, or a list of (value, label) pairs such as a model's ``choices``
    (empty ones are left out).
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("page_strings needs the id of its script element")
    groups = template.base.token_kwargs(bits[2:], parser, support_legacy=False)
    if len(groups) != len(bits) - 2:
        raise template.TemplateSyntaxError("page_strings takes the element id, then key=value groups only")
    nodelist = parser.parse(("endpage_strings",))
    parser.delete_first_token()
    return PageStringsNode(parser.compile_filter(bits[1]), groups, nodelist)


@register.simple_tag
def header_badges(*parts) -> list[dict]:
    """The badges of ``frontend/page_header.html``, given as (label, CSS class, test id) triples::

        {% header_badges jury.get_kind_display "" "" jury.get_state_display state_class "jury-state" as badges %}

    A badge with an empty label is left out, so a page can pass one that applies only sometimes.
    """
    if len(parts) % 3:
        raise template.TemplateSyntaxError("header_badges takes (label, CSS class, test id) triples")
    triples = zip(parts[0::3], parts[1::3], parts[2::3])
    return [{"label": label, "css": css, "testid": testid} for label, css, testid in triples if label]


class SharedFragmentNode(template.Node):
    def __init__(self, name, vary_on, nodelist, fingerprint):
        self.name, self.vary_on, self.nodelist, self.fingerprint = name, vary_on, nodelist, fingerprint

    def render(self, context):
        values = tuple(value.resolve(context) for value in self.vary_on)
        return fragments.render_one(kind=self.name, fingerprint=self.fingerprint, parts=values,
                                    render=lambda: self.nodelist.render(context))


@register.tag("shared_fragment")
def shared_fragment(parser, token):
    """``{% shared_fragment "name" value ... %}…{% endshared_fragment %}``: a part of a page that is the same
    for every reader once the values named (and the language) are given, rendered once and kept in the cache
    (frontend/fragments.py). Nothing of the viewer may be inside (a name, a count, a CSRF token): what
    depends on anything but the named values belongs outside the tag."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment needs a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return SharedFragmentNode(name, [parser.compile_filter(bit) for bit in bits[2:]], nodelist,
                              fragments.source_fingerprint(parser.origin))
