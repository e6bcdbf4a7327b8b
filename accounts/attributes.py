"""The one registry of labels for the profile attributes panels, polls and votes are counted by.

Draws, deliberative poll reports and vote breakdowns store attributes as codes (``district_group``,
``age_band``, ``gender``) and their values as codes too (``downtown``, ``female``, ``30-39``). Pages show
them through ``attribute_label`` and ``value_label`` (template filters of the same names in
``frontend.templatetags.site_tags``), never raw. A key or value staff uploaded that is not known here
(a pool imported with its own columns) is shown as uploaded.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .districts import DISTRICT_GROUP_LABELS, District
from .models import Gender

ATTRIBUTE_LABELS = {
    "district_group": gettext_lazy("Living zone"),
    "age_band": gettext_lazy("Age band"),
    "gender": gettext_lazy("Gender"),
    "district": gettext_lazy("District"),
    "birth_year": gettext_lazy("Birth year"),
}
_AGE_BAND = re.compile(r"^(\d+)-(\d+)$")
_AGE_BAND_OPEN = re.compile(r"^(\d+)\+$")


def attribute_label(key: str) -> str:
    """"Living zone" for ``district_group``; an unknown key as it is."""
    label = ATTRIBUTE_LABELS.get(str(key))
    return str(label) if label is not None else key


def value_label(value, key: str = "") -> str:
    """A value's label for its attribute ("Downtown" for district_group=downtown, "30–39" for an age band).

    Without the key, a value known to any attribute is labelled all the same (a draw's criterion may
    say only ``female``); an unknown value is shown as it is.
    """
    if value is None or value == "":
        return value
    text = str(value)
    tables = _tables()
    if key in tables:
        if text in tables[key]:
            return str(tables[key][text])
    elif not key or key == "age_band":
        for table in tables.values():
            if text in table:
                return str(table[text])
    if key in ("age_band", "") and (match := _AGE_BAND.match(text)):
        return _("%(low)s–%(high)s years") % {"low": match[1], "high": match[2]}
    if key in ("age_band", "") and (match := _AGE_BAND_OPEN.match(text)):
        return _("%(low)s years and over") % {"low": match[1]}
    return text


def criterion_label(criterion: str) -> str:
    """"Gender: Female" for ``gender=female`` (a quota or a replacement's profile, as stored)."""
    key, sep, value = str(criterion).partition("=")
    if not sep:
        return value_label(criterion)
    return f"{attribute_label(key)}: {value_label(value, key)}"


def _tables() -> dict:
    return {"district_group": DISTRICT_GROUP_LABELS, "gender": dict(Gender.choices),
            "district": dict(District.choices)}
