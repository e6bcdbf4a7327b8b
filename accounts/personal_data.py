"""What each module holds about a person, for "download my data" and "delete my account".

accounts sits below the modules, so it cannot name their models. Each module registers one section
in its ``AppConfig.ready()``: ``export(user)`` returns JSON-ready data (lists of dicts, times in ISO
8601), ``erase(user)`` removes what must not outlive the account (it runs inside the deletion's
transaction; what it leaves is shown under "former member", as docs/privacy.md says).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    export: Callable
    erase: Callable | None = None


_SECTIONS: dict[str, Section] = {}


def register(name: str, *, export: Callable, erase: Callable | None = None) -> None:
    _SECTIONS[name] = Section(name, export, erase)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.name)


def erase(user) -> None:
    for section in sections():
        if section.erase is not None:
            section.erase(user)


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None
