"""What the modules above accounts add to a person's public profile page, without accounts importing them.

``accounts`` is the bottom app: proposals, voting and deliberation import it, never the reverse. A
module whose records can appear on a profile registers a provider in its ``AppConfig.ready()``; the
page shows each section a provider returns for that person (a provider returns None when the person
chose not to publish it, or has nothing to show).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSection:
    """One block of a profile page: its heading, the template that draws it and that template's context."""

    key: str
    heading: str
    template: str
    context: dict


ProfileSectionProvider = Callable[..., "ProfileSection | None"]

_providers: list[ProfileSectionProvider] = []


def register_profile_section(provider: ProfileSectionProvider) -> None:
    """Add ``provider(person=…, viewer=…) -> ProfileSection | None``; registering it twice adds it once."""
    if provider not in _providers:
        _providers.append(provider)


def profile_sections(*, person, viewer) -> list[ProfileSection]:
    """The sections of ``person``'s page, in registration order, as ``viewer`` may see them."""
    sections = (provider(person=person, viewer=viewer) for provider in _providers)
    return [section for section in sections if section is not None]
