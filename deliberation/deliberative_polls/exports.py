"""A deliberative poll's downloads: the report's tables and the anonymised responses as spreadsheets.

What the files hold is survey/exports.py (pure, also written to disk by the management command);
this module makes them downloads through the one CSV helper (the BOM, no cell runs as a formula).
"""

import json

from django.http import HttpResponse

from frontend.spreadsheet import csv_response

from deliberation.deliberative_polls import selectors
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.deliberative_polls.survey.exports import table_rows


def _csv(rows: list[list], filename: str) -> HttpResponse:
    return csv_response(filename, rows[0], rows[1:])


def table_csv(poll: DeliberativePoll, name: str) -> HttpResponse:
    """One of the report's tables (survey.exports.TABLES)."""
    return _csv(table_rows(selectors.dpoll_report(poll))[name], f"dpoll-{poll.pk}-{name}.csv")


def responses(poll: DeliberativePoll, fmt: str) -> HttpResponse:
    """The anonymised responses as CSV, or JSON (a list of objects keyed by the header)."""
    rows = selectors.dpoll_anonymous_responses(poll)
    if fmt == "csv":
        return _csv(rows, f"dpoll-{poll.pk}-responses.csv")
    header, body = rows[0], rows[1:]
    return HttpResponse(json.dumps([dict(zip(header, row)) for row in body], ensure_ascii=False),
                        content_type="application/json")
