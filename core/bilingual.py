"""Names that staff enter in two languages: the Korean name is the name, English is optional.

A model with ``name`` (Korean, required) and ``name_en`` (English, may be blank) mixes in
``BilingualName`` and is shown everywhere through ``display_name``: the English name when the active
language is English and one was entered, the Korean name otherwise. Korean is the site's default
language, so a name is never missing; English is never shown beside Korean.
"""

import re

from django.utils.translation import get_language

# "교통 (Transport)": the way names were written before they had an English field.
_BRACKETED_ENGLISH = re.compile(r"^(?P<ko>.*?\S)\s*\((?P<en>[^()\uac00-\ud7a3]+)\)\s*$")


def in_active_language(korean: str, english: str) -> str:
    """The English text on an English page when there is one, the Korean text otherwise."""
    if english and (get_language() or "").startswith("en"):
        return english
    return korean


def split_bracketed_english(name: str) -> tuple[str, str]:
    """("교통", "Transport") from "교통 (Transport)"; (name, "") when there is no English in brackets."""
    match = _BRACKETED_ENGLISH.match(name or "")
    if not match:
        return name, ""
    return match["ko"].strip(), match["en"].strip()


class BilingualName:
    """Mixed into models with ``name`` (Korean) and ``name_en`` (English, blank allowed)."""

    @property
    def display_name(self) -> str:
        return in_active_language(self.name, getattr(self, "name_en", ""))

    def __str__(self) -> str:
        return self.display_name
