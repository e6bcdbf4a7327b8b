"""Which reader runs each kind of import, registered by the module that owns the kind (adhocracy4 style).

A reader is ``reader(job, source, progress) -> (message, url)``: ``source()`` opens the upload again
from the start as an iterator of text lines (bounded memory, any number of passes), ``progress(done,
total)`` reports rows processed. It raises ``ImportRefused`` with one message a bad row (or one for the
file) and must store nothing in that case; it returns what to tell the person and where to send them.
"""

from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

Source = Callable[[], Iterator[str]]
Progress = Callable[[int, int | None], None]
Reader = Callable[..., tuple[str, str]]

MAX_ERRORS = 50  # a file with more bad rows lists the first ones and says how many more

_readers: dict[str, tuple[Reader, str]] = {}


class ImportRefused(Exception):
    """The file cannot be imported; ``errors`` says why, one reason a line, for the person who sent it."""

    def __init__(self, errors: Iterable[str], *, more: int = 0):
        self.errors = list(errors)
        if more:
            self.errors.append(_("… and %(n)d more errors.") % {"n": more})
        super().__init__("\n".join(self.errors))


class ErrorList:
    """Collects row errors up to MAX_ERRORS and counts the rest."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.more = 0

    def add(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.errors)

    def messages(self) -> list[str]:
        return self.errors + ([_("… and %(n)d more errors.") % {"n": self.more}] if self.more else [])

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportRefused(self.errors, more=self.more)


def register(kind: str, reader: Reader, *, max_bytes_setting: str) -> None:
    """``max_bytes_setting``: the name of the setting that caps this kind's file size."""
    _readers[kind] = (reader, max_bytes_setting)


def reader_for(kind: str) -> Reader:
    return _readers[kind][0]


def max_bytes_for(kind: str) -> int:
    return int(getattr(settings, _readers[kind][1]))
