"""The one way a spreadsheet download is written: ``csv_response`` (and ``csv_text`` where an export
module hands back text), with a BOM and no cell that can run as a formula.

Spreadsheet programs treat a cell that starts with = + - @ as a formula, and also one that starts
with a tab or a carriage return (OWASP, "CSV Injection"). Such a text cell is written with a leading
apostrophe, which the programs show as text and do not print. Only text is escaped: numbers (a
negative count) are written as they are. The BOM lets spreadsheet programs read Korean as UTF-8.
Interchange formats that are not spreadsheets (.pb, .blt, the QUOTAS.csv a draw stores and hashes)
are written unchanged, so they read back byte for byte.
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value):
    """``value`` as a CSV cell: None as empty, text that starts like a formula with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Iterable]) -> str:
    """``rows`` as CSV lines, every cell escaped, without a BOM: a chunk of a streamed download."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """A whole spreadsheet download as text: the BOM, the header, the rows, every cell escaped."""
    return BOM + csv_lines([header, *rows])


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A spreadsheet download (``csv_text``) as an attachment named ``filename``."""
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stored_csv_response(filename: str, text: str) -> HttpResponse:
    """A stored CSV text (a snapshot kept verbatim, e.g. a pool's rows) downloaded as a spreadsheet."""
    rows = list(csv.reader(io.StringIO(text.lstrip(BOM))))
    return csv_response(filename, rows[0] if rows else [], rows[1:])
