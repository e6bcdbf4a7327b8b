"""The one CSV-cell escaper every spreadsheet download uses, so a cell cannot run as a formula.

Spreadsheet programs treat a cell that starts with = + - @ as a formula, and also one that starts
with a tab or a carriage return (OWASP, "CSV Injection"). Such a text cell is written with a leading
apostrophe, which the programs show as text and do not print. Only text is escaped: numbers (a
negative count) are written as they are. Interchange formats that are not spreadsheets (.pb, .blt,
the PEOPLE.csv a draw stores and hashes) are written unchanged, so they read back byte for byte.
"""

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a CSV cell: None as empty, text that starts like a formula with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


def safe_csv_text(text: str, *, lineterminator: str = "\n") -> str:
    """A stored CSV text re-written with every cell escaped: for downloading a snapshot kept verbatim."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    for row in csv.reader(io.StringIO(text)):
        writer.writerow(safe_row(row))
    return out.getvalue()
