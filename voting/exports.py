"""What a vote's downloads contain: its published result as JSON and CSV, and when each may be had.

The result is exported exactly as published in ``vote.result`` (suppressed breakdown cells stay
suppressed), once the vote is tallied; while a vote with live results is open, its counts so far
(``final: false``), nothing else. Layouts are documented in docs/voting.md (step 4, "Pages").

- ``results.json``: ``{"final", "vote": {...}, "options": [...], "result": {...}}``.
- ``results.csv``: one row per option; every row also carries the vote-level facts (ballots,
  quorum, rule), so a row stands alone in a spreadsheet. Columns follow the vote's kind (winner,
  passed, IRV rounds, budget steps). A ranked vote adds a last row ``exhausted`` with the ballots
  exhausted per round.
- ``breakdown.csv``: the published breakdowns, one row per field, group and option; a suppressed
  group is one row with ``suppressed`` 1 and no numbers.

CSV files start with a UTF-8 byte-order mark (spreadsheets then read Korean right), and a text
cell that starts like a formula (=, +, -, @, tab, CR) gets a leading apostrophe (frontend/spreadsheet.py).
"""

from frontend.spreadsheet import csv_text

from .models import Vote
from .selectors import live_counts
from .states import VoteKind, VoteState

RULES = {VoteKind.SINGLE: "plurality", VoteKind.MULTIPLE: "approval", VoteKind.YES_NO: "yes-no-majority",
         VoteKind.RANKED: "irv"}


def rule_of(vote: Vote) -> str:
    return (vote.budget_rule or "greedy") if vote.kind == VoteKind.BUDGET else RULES[vote.kind]


def has_results(vote: Vote) -> bool:
    """Results may be downloaded: tallied, or open with live results (counts so far only; never a secret vote's)."""
    return vote.state == VoteState.TALLIED or (vote.state == VoteState.OPEN and vote.shows_live_counts)


def has_ballots(vote: Vote) -> bool:
    """The anonymous ballots of a tallied budget (.pb) or ranked (.blt) vote."""
    return vote.state == VoteState.TALLIED and vote.kind in (VoteKind.BUDGET, VoteKind.RANKED)


def has_receipts(vote: Vote) -> bool:
    return vote.state in (VoteState.CLOSED, VoteState.TALLIED)


def published(vote: Vote) -> dict:
    """The result as published after the tally; while open with live results, the counts so far."""
    if vote.state == VoteState.TALLIED:
        return dict(vote.result or {})
    return live_counts(vote)


def results_data(vote: Vote) -> dict:
    options = list(vote.options.order_by("position"))
    return {
        "final": vote.state == VoteState.TALLIED,
        "vote": {"id": vote.pk, "title": vote.title, "question": vote.question, "kind": vote.kind,
                 "rule": rule_of(vote), "state": vote.state, "secret": vote.secret,
                 "opens_at": vote.opens_at.isoformat(), "closes_at": vote.closes_at.isoformat(),
                 "tallied_at": vote.tallied_at.isoformat() if vote.tallied_at else None,
                 "quorum": vote.quorum, "quorum_percent": vote.quorum_percent,
                 "acceptance": vote.acceptance if vote.kind == VoteKind.YES_NO else None,
                 "max_choices": vote.max_choices, "budget": vote.budget,
                 "category_budgets": vote.category_budgets or {}},
        "options": [{"position": o.position, "label": o.label, "cost": o.cost, "category": o.category,
                     "project_id": o.external_id or None} for o in options],
        "result": published(vote),
    }


def _cell(value):
    """Booleans as 1/0 (frontend/spreadsheet.py escapes the rest: = + - @ tab CR get an apostrophe)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def _csv(rows: list[list]) -> str:
    return csv_text(rows[0], ([_cell(v) for v in row] for row in rows[1:]))


def results_csv(vote: Vote) -> str:
    result = published(vote)
    final = vote.state == VoteState.TALLIED
    counts = result.get("counts", {})
    head = ["vote_id", "state", "rule", "ballots", "quorum", "quorum_met", "position", "label", "votes"]
    facts = [vote.pk, vote.state, rule_of(vote), result.get("ballots", 0), vote.quorum,
             result.get("quorum_met") if final else None]
    rounds = result.get("rounds", []) if final else []
    steps = {str(key): (number, status) for number, (key, status) in enumerate(result.get("steps", []), start=1)}
    selected = set(result.get("selected", []))
    extra = []
    if final and vote.kind in (VoteKind.SINGLE, VoteKind.MULTIPLE, VoteKind.YES_NO, VoteKind.RANKED):
        extra.append("winner")
    if final and vote.kind == VoteKind.YES_NO:
        extra.append("passed")
    if vote.kind == VoteKind.BUDGET:
        extra += ["project_id", "cost", "category"] + (["selected", "step", "step_outcome"] if final else [])
    extra += [f"round_{n}" for n in range(1, len(rounds) + 1)]
    rows = [head + extra]
    for option in vote.options.order_by("position"):
        key = str(option.position)
        row = facts + [option.position, option.label, counts.get(key, 0)]
        values = {"winner": result.get("winner") == option.position, "passed": result.get("passed"),
                  "project_id": option.external_id or key, "cost": option.cost, "category": option.category,
                  "selected": option.position in selected, "step": steps.get(key, (None, None))[0],
                  "step_outcome": steps.get(key, (None, None))[1]}
        row += [values[c] if c in values else rounds[int(c[6:]) - 1].get(key) for c in extra]
        rows.append(row)
    if rounds:  # the ballots that ranked no continuing candidate, per round
        exhausted = result.get("exhausted", [])
        rows.append(facts + [None, "exhausted", None] + [None for c in extra if not c.startswith("round_")]
                    + [exhausted[n] if n < len(exhausted) else None for n in range(len(rounds))])
    return _csv(rows)


def breakdown_csv(vote: Vote) -> str:
    """The published breakdowns (after the tally): field, group, ballots, option, votes; suppressed kept."""
    labels = dict(vote.options.values_list("position", "label"))
    rows = [["vote_id", "field", "group", "suppressed", "ballots", "position", "label", "votes"]]
    for field, groups in ((vote.result or {}).get("breakdown") or {}).items():
        for group, cell in groups.items():
            if cell.get("suppressed"):
                rows.append([vote.pk, field, group, True, None, None, None, None])
                continue
            for key, votes in cell.get("counts", {}).items():
                rows.append([vote.pk, field, group, False, cell.get("ballots"), int(key), labels.get(int(key)), votes])
    return _csv(rows)
