"""The pabulib .pb format (https://pabulib.org/format): participatory budgets as open data.

A file has three sections, each started by a line with its name: META (key;value rows), PROJECTS
(a header row, then one row per project) and VOTES (a header row, then one row per voter, the
``vote`` column listing project ids separated by commas). Fields are separated by ``;``. Costs and
the budget are whole currency units. Extra columns are kept as they are.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class PabulibError(ValueError):
    """A .pb file that cannot be read; the message says where and why."""


@dataclass
class Election:
    meta: dict[str, str] = field(default_factory=dict)
    projects: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> row (incl. "cost")
    votes: list[dict[str, str]] = field(default_factory=list)  # rows (incl. "voter_id", "vote")
    project_columns: list[str] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return _whole(self.meta.get("budget", ""), _("META budget"))

    def costs(self) -> dict[str, int]:
        return {pid: _whole(row.get("cost", ""), _("cost of project %(id)s") % {"id": pid})
                for pid, row in self.projects.items()}

    def approvals(self) -> list[list[str]]:
        """Each voter's chosen project ids, in the order written; unknown ids are an error."""
        ballots = []
        for row in self.votes:
            chosen = [p.strip() for p in (row.get("vote") or "").split(",") if p.strip()]
            unknown = [p for p in chosen if p not in self.projects]
            if unknown:
                raise PabulibError(_("voter %(voter)s: unknown project %(project)s")
                                   % {"voter": row.get("voter_id"), "project": unknown[0]})
            ballots.append(chosen)
        return ballots


def _whole(text: str, what: str) -> int:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise PabulibError(_("%(what)s: not a number: %(text)r") % {"what": what, "text": text}) from None
    if value != int(value) or value < 0:
        raise PabulibError(_("%(what)s: not a whole, non-negative amount: %(text)r") % {"what": what, "text": text})
    return int(value)


def rows(lines: Iterable[str]) -> Iterator[tuple[str, int, list[str], list[str]]]:
    """Each data row of a .pb file, read incrementally: (section, line number, the section's header, the
    row's cells, stripped). A META row's cells are its key and value. Memory stays one row."""
    section, header = None, None
    reader = csv.reader(lines, delimiter=";")
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:  # e.g. a field over the csv module's 131,072-character limit
            raise PabulibError(_("line %(line)d: %(problem)s") % {"line": number, "problem": problem}) from None
        if not row or not any(cell.strip() for cell in row):
            continue
        name = row[0].strip().upper()
        if len(row) == 1 and name in ("META", "PROJECTS", "VOTES"):
            section, header = name, None
            continue
        if section is None:
            raise PabulibError(_("line %(line)d: data before the META section") % {"line": number})
        cells = [cell.strip() for cell in row]
        if header is None:
            header = cells
            yield section, number, header, []
            continue
        if section != "META" and len(row) != len(header):
            raise PabulibError(_("line %(line)d: %(fields)d fields where the %(section)s header has %(header)d")
                               % {"line": number, "fields": len(row), "section": section, "header": len(header)})
        yield section, number, header, cells


def read(text: str) -> Election:
    """Parse a .pb file's text."""
    election = Election()
    for section, _number, header, cells in rows(io.StringIO(text)):
        if not cells:  # the section's header
            if section == "PROJECTS":
                election.project_columns = header
            elif section == "VOTES":
                election.vote_columns = header
        elif section == "META":
            election.meta[cells[0]] = cells[1] if len(cells) > 1 else ""
        elif section == "PROJECTS":
            record = dict(zip(header, cells))
            election.projects[record[header[0]]] = record
        else:
            election.votes.append(dict(zip(header, cells)))
    if not election.projects:
        raise PabulibError(_("no PROJECTS section"))
    return election


def write(election: Election) -> str:
    """The .pb text of an election (META, PROJECTS, VOTES), as pabulib publishes them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    columns = election.project_columns or ["project_id", "cost"]
    writer.writerow(columns)
    for pid, row in election.projects.items():
        writer.writerow([row.get(c, pid if c == columns[0] else "") for c in columns])
    writer.writerow(["VOTES"])
    columns = election.vote_columns or ["voter_id", "vote"]
    writer.writerow(columns)
    for row in election.votes:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()
