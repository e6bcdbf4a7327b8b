"""The citizen pool and the quotas, read from and written to CSV in the Sortition Foundation's layout.

PEOPLE.csv: the first column is the person's id, then one column per attribute (a feature of the
quotas: gender, age band, district...), any other columns are kept as they are. QUOTAS.csv: at least
``feature,value,min,max`` (the older ``category,name,min,max`` is accepted too); further columns
(``min_flex,max_flex``...) are accepted and ignored. Each mistake is reported with its line number.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class SortitionError(Exception):
    """A draw cannot go ahead; ``lines`` says why, one reason a line, for the person running it.

    ``detail`` keeps what the library said, in its own (English, technical) words, for staff who
    want to dig: pages show it folded away, never as the reason.
    """

    def __init__(self, lines: Iterable[str], detail: str = ""):
        self.lines = list(lines)
        self.detail = detail
        super().__init__("\n".join(self.lines))


class PoolError(SortitionError):
    """The people or the quotas file is malformed."""


@dataclass(frozen=True)
class Quota:
    feature: str
    value: str
    min: int
    max: int
    line: int = 0


@dataclass
class Pool:
    """People by id (in file order), each a row of every column; ``columns`` the header, id first."""

    columns: list[str]
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def id_column(self) -> str:
        return self.columns[0]

    def count(self, feature: str, value: str) -> int:
        return sum(1 for row in self.people.values() if row[feature] == value)


QUOTA_HEADERS = (("feature", "value"), ("category", "name"))


def _rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in next(reader, [])]
    rows = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        rows.append((reader.line_num, cells))
    return header, rows


def read_table(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """A CSV as (its header, (line number, row) for each non-blank line): what the readers below start from."""
    return _rows(text)


def _integer(text: str, line: int, column: str, errors: list[str]) -> int:
    try:
        number = int(text)
    except ValueError:
        errors.append(_("QUOTAS line %(line)d: %(column)s “%(text)s” is not a whole number.")
                      % {"line": line, "column": column, "text": text})
        return 0
    if number < 0:
        errors.append(_("QUOTAS line %(line)d: %(column)s is negative (%(number)d).")
                      % {"line": line, "column": column, "number": number})
    return number


def read_quotas(text: str) -> list[Quota]:
    header, rows = _rows(text)
    lowered = [name.lower() for name in header]
    names = next((pair for pair in QUOTA_HEADERS if set(pair) <= set(lowered)), None)
    if names is None or not {"min", "max"} <= set(lowered):
        raise PoolError([_("QUOTAS line 1: the header must have the columns feature, value, min and max "
                           "(found: %(found)s).") % {"found": ", ".join(header) or "-"}])
    column = {name.lower(): name for name in header}
    feature_name, value_name = (column[name] for name in names)
    quotas, errors, seen = [], [], {}
    for line, row in rows:
        feature, value = row[feature_name], row[value_name]
        low = _integer(row[column["min"]], line, "min", errors)
        high = _integer(row[column["max"]], line, "max", errors)
        if not feature or not value:
            errors.append(_("QUOTAS line %(line)d: the feature or the value is empty.") % {"line": line})
            continue
        if low > high:
            errors.append(_("QUOTAS line %(line)d: %(feature)s=%(value)s has min %(min)d above max %(max)d.")
                          % {"line": line, "feature": feature, "value": value, "min": low, "max": high})
        if (feature, value) in seen:
            errors.append(_("QUOTAS line %(line)d: %(feature)s=%(value)s is already on line %(first)d.")
                          % {"line": line, "feature": feature, "value": value, "first": seen[feature, value]})
        seen[feature, value] = line
        quotas.append(Quota(feature, value, low, high, line))
    if not quotas and not errors:
        errors.append(_("QUOTAS: no quota rows."))
    if errors:
        raise PoolError(errors)
    return quotas


def features_of(quotas: Iterable[Quota]) -> dict[str, dict[str, Quota]]:
    """Quotas by feature, then value, in file order."""
    features: dict[str, dict[str, Quota]] = {}
    for quota in quotas:
        features.setdefault(quota.feature, {})[quota.value] = quota
    return features


def read_people(text: str, quotas: list[Quota]) -> Pool:
    header, rows = _rows(text)
    if not header or not header[0]:
        raise PoolError([_("PEOPLE line 1: the header is empty; the first column must be the person's id.")])
    features = features_of(quotas)
    missing = [feature for feature in features if feature not in header]
    if missing:
        raise PoolError([_("PEOPLE line 1: no column for the feature “%(feature)s” of the quotas.")
                         % {"feature": feature} for feature in missing])
    pool, errors = Pool(columns=header), []
    for line, row in rows:
        person = row[header[0]]
        if not person:
            errors.append(_("PEOPLE line %(line)d: the id is empty.") % {"line": line})
            continue
        if person in pool.people:
            errors.append(_("PEOPLE line %(line)d: the id “%(id)s” is already on line %(first)d.")
                          % {"line": line, "id": person, "first": pool.lines[person]})
            continue
        for feature, values in features.items():
            if row[feature] not in values:
                errors.append(_("PEOPLE line %(line)d: %(feature)s “%(value)s” has no row in the quotas "
                                "(values with a quota: %(known)s).")
                              % {"line": line, "feature": feature, "value": row[feature],
                                 "known": ", ".join(values)})
        pool.people[person], pool.lines[person] = row, line
    if not pool.people and not errors:
        errors.append(_("PEOPLE: no people in the file."))
    if errors:
        raise PoolError(errors)
    return pool


def write_people(pool: Pool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(pool.columns)
    for row in pool.people.values():
        writer.writerow([row.get(column, "") for column in pool.columns])
    return out.getvalue()


def write_quotas(quotas: Iterable[Quota]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max"])
    for quota in quotas:
        writer.writerow([quota.feature, quota.value, quota.min, quota.max])
    return out.getvalue()
