"""A jury's downloads: a closed vote's ballots as open data, one row per ballot, ordered by choice, naming no one."""

from django.http import HttpResponse

from frontend.spreadsheet import csv_response

from deliberation.juries import selectors
from deliberation.juries.states import VerdictRule


def verdict_ballots_csv(verdict) -> HttpResponse:
    """A ranked vote: one column per rank (a shorter ranking padded with empty cells); otherwise the choice."""
    filename = f"jury-{verdict.jury_id}-vote-{verdict.number}.csv"
    ballots = selectors.verdict_ballots(verdict)
    if verdict.rule == VerdictRule.RANKED:
        width = len(verdict.options)
        return csv_response(filename, [f"rank_{n}" for n in range(1, width + 1)],
                            (ranking + [""] * (width - len(ranking)) for ranking in ballots))
    return csv_response(filename, ["choice"], ([choice] for choice in ballots))
