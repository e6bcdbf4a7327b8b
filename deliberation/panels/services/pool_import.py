"""A citizen pool from a PEOPLE.csv, read incrementally (any size up to POOL_IMPORT_MAX_BYTES, bounded memory).

The file is read twice: once to check every line (and count them), then to store the people in
batches inside one transaction, so a file with any bad line stores nothing. Repeated ids are found
without keeping the ids: an 8-byte digest a line in a numpy array (about 12 bytes a person), sorted
once at the end; the lines of the repeats are then confirmed by reading the file again.
"""

import csv
import hashlib
import io
from array import array
from collections.abc import Callable, Iterable, Iterator

import numpy
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from imports.registry import MAX_ERRORS, ErrorList

from deliberation.panels import rules
from deliberation.panels.models import Pool, PoolMember

Source = Callable[[], Iterable[str]]
Progress = Callable[[int, int | None], None]
BATCH = 2000
ID_MAX = 64  # PoolMember.person_id


def _no_progress(done: int, total: int | None) -> None:
    return None


def _digest(person: str) -> int:
    return int.from_bytes(hashlib.blake2b(person.encode(), digest_size=8).digest(), "little")


def _rows(lines: Iterable[str], errors: ErrorList) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each non-blank line, the header included; a line the csv module cannot
    read (a field over its 131,072-character limit) ends the file with an error naming it."""
    reader = csv.reader(lines)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:
            line = reader.line_num
            if "field larger than field limit" in str(problem):
                errors.add(_("PEOPLE line %(line)d: a field is longer than %(limit)s characters.")
                           % {"line": line, "limit": f"{csv.field_size_limit():,}"})
            else:
                errors.add(_("PEOPLE line %(line)d: this line cannot be read as CSV (%(problem)s).")
                           % {"line": line, "problem": problem})
            return
        if any(cell.strip() for cell in row) or reader.line_num == 1:
            yield reader.line_num, row


def _header(rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    first = next(rows, None)
    header = [name.strip() for name in first[1]] if first else []
    if not header or not header[0]:
        raise ValidationError(_("PEOPLE line 1: the header is empty; the first column must be the person's id."))
    if any("\x00" in name for name in header):
        raise ValidationError(_("PEOPLE line %(line)d: the line holds a NUL character (byte 0); the file is not "
                                "plain text.") % {"line": first[0]})
    return header


def _check(source: Source, progress: Progress) -> tuple[list[str], int]:
    """Every line checked; the header and the number of people, or every error (up to 50) raised."""
    errors = ErrorList()
    rows = _rows(source(), errors)
    header = _header(rows)
    digests, lines, count = array("Q"), array("I"), 0
    for line, row in rows:
        count += 1
        person = row[0].strip() if row else ""
        if any("\x00" in cell for cell in row):
            errors.add(_("PEOPLE line %(line)d: the line holds a NUL character (byte 0); the file is not plain "
                         "text.") % {"line": line})
        elif not person:
            errors.add(_("PEOPLE line %(line)d: the id is empty.") % {"line": line})
        elif len(person) > ID_MAX:
            errors.add(_("PEOPLE line %(line)d: the id is longer than %(max)d characters.")
                       % {"line": line, "max": ID_MAX})
        else:
            digests.append(_digest(person))
            lines.append(line)
        if count % BATCH == 0:
            progress(count, None)
    if not errors and not count:
        errors.add(_("PEOPLE: no people in the file."))
    for message in _repeats(source, digests, lines):
        errors.add(message)
    if errors:
        raise ValidationError(errors.messages())
    return header, count


def _repeats(source: Source, digests: array, lines: array) -> list[str]:
    """An error for each id already on an earlier line (the first 50), confirmed on the ids themselves."""
    if len(digests) < 2:
        return []
    values = numpy.frombuffer(digests, dtype=numpy.uint64)
    order = numpy.argsort(values, kind="stable")
    ordered = values[order]
    same = numpy.flatnonzero(ordered[1:] == ordered[:-1])
    if not len(same):
        return []
    pairs = []  # (line, first line of the same digest)
    for index in same[:MAX_ERRORS * 2]:
        start = index
        while start > 0 and ordered[start - 1] == ordered[index]:
            start -= 1
        pairs.append((int(lines[order[index + 1]]), int(lines[order[start]])))
    wanted = {line for pair in pairs for line in pair}
    ids = {line: row[0].strip() for line, row in _rows(source(), ErrorList()) if line in wanted}
    return [_("PEOPLE line %(line)d: the id “%(id)s” is already on line %(first)d.")
            % {"line": line, "id": ids.get(line), "first": first}
            for line, first in sorted(pairs) if ids.get(line) == ids.get(first)]


def _members(source: Source, header: list[str], pool: Pool) -> Iterator[PoolMember]:
    rows = _rows(source(), ErrorList())
    next(rows, None)
    for _line, row in rows:
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        yield PoolMember(pool=pool, person_id=cells[header[0]], source=PoolMember.Source.IMPORT,
                         attributes={column: cells[column] for column in header[1:]})


def import_pool(*, name: str, actor, text: str | None = None, source: Source | None = None,
                progress: Progress = _no_progress) -> Pool:
    """A pool from a PEOPLE.csv in the Sortition Foundation's layout (the id first, one column per
    attribute): a new, separate pool (e.g. people who answered a letter), never merged into the
    standing one. Every column but the id becomes an attribute. Bad lines (an empty, repeated or too
    long id, a NUL byte, a field over the csv limit) are refused with their line numbers and nothing
    is stored. ``source`` opens the file again as text lines (an import job's upload); ``text`` is the
    whole file, for tests and the shell."""
    if not rules.may_run_draws(actor):
        raise PermissionDenied(_("Only staff can import a pool."))
    if source is None:
        body = (text or "").lstrip("\ufeff")
        source = lambda: io.StringIO(body)  # noqa: E731
    header, total = _check(source, progress)
    with transaction.atomic():
        pool = Pool.objects.create(name=name.strip()[:160] or _("Imported pool"))
        batch, done = [], 0
        for member in _members(source, header, pool):
            batch.append(member)
            if len(batch) == BATCH:
                PoolMember.objects.bulk_create(batch)
                done += len(batch)
                batch = []
                progress(done, total)
        PoolMember.objects.bulk_create(batch)
        progress(done + len(batch), total)
    return pool


def run_pool_import(job, source: Source, progress: Progress) -> tuple[str, str]:
    """The import job's reader (imports.registry): the pool, and what to tell the person who sent it."""
    pool = import_pool(name=job.params.get("name", ""), actor=job.created_by, source=source, progress=progress)
    message = _("The pool “%(name)s” is imported with %(n)d people.") % {"name": pool.name,
                                                                         "n": pool.members.count()}
    return message, reverse("panels:draws")
