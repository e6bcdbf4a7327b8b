"""Ranked ballots: instant-runoff with the round-by-round count, and the BLT and CVR file formats.

Identical rankings are counted once with their number (a million ballots of a city election hold
a few tens of thousands of distinct rankings), so a count is over groups, not ballots.

**Instant-runoff.** Each round every ballot counts for its highest-ranked candidate still in the
race; a ballot with none left is *exhausted*. A candidate with more than half of the ballots not
exhausted wins. Otherwise the candidate with the fewest votes is eliminated; a tie for fewest goes
back through the earlier rounds (fewest there is eliminated), and if still tied, the candidate
listed last in the election's candidate order is eliminated. Published with the count.

**Every ballot of a file is counted.** A ballot that names no candidate (a cast-vote record whose
ranks hold only overvote and undervote marks, or a .blt ballot listing no one or only withdrawn
candidates) is exhausted from round 1, as US tabulators report it (RCTab: inactive, and within the
total number of ballots), so every round's counts plus its exhausted ballots make the file's total.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class RankedError(ValueError):
    """A ranked-ballot file that cannot be read; the message says where and why."""


@dataclass
class RankedElection:
    candidates: list[str]
    ballots: Counter  # tuple of candidates in rank order -> how many ballots
    title: str = ""
    seats: int = 1
    notes: list[str] = field(default_factory=list)
    # Ballots that name no candidate (counted in ``ballots`` under the empty ranking ``()``):
    overvoted_only: int = 0  # CVR rows whose only marks are overvotes (and undervotes)
    blank: int = 0  # CVR rows with nothing marked; .blt ballots listing no one or only withdrawn candidates


@dataclass
class IrvOutcome:
    winner: str | None
    rounds: list[dict[str, int]]  # per round: candidate -> votes (continuing candidates only)
    exhausted: list[int]  # per round
    eliminated: list[str]


def instant_runoff(candidates: list[str], ballots: Counter) -> IrvOutcome:
    continuing = list(candidates)
    rounds, exhausted, eliminated = [], [], []
    while continuing:
        live = set(continuing)
        counts = {c: 0 for c in continuing}
        gone = 0
        for ranking, number in ballots.items():
            top = next((c for c in ranking if c in live), None)
            if top is None:
                gone += number
            else:
                counts[top] += number
        rounds.append(counts)
        exhausted.append(gone)
        active = sum(counts.values())
        leader = max(continuing, key=lambda c: counts[c])
        if counts[leader] * 2 > active or len(continuing) == 1:
            return IrvOutcome(winner=leader, rounds=rounds, exhausted=exhausted, eliminated=eliminated)
        loser = _fewest(continuing, rounds, candidates)
        continuing.remove(loser)
        eliminated.append(loser)
    return IrvOutcome(winner=None, rounds=rounds, exhausted=exhausted, eliminated=eliminated)


def _fewest(continuing: list[str], rounds: list[dict[str, int]], order: list[str]) -> str:
    tied = continuing
    for counts in reversed(rounds):  # this round first, then back through the earlier ones
        low = min(counts.get(c, 0) for c in tied)
        tied = [c for c in tied if counts.get(c, 0) == low]
        if len(tied) == 1:
            return tied[0]
    return max(tied, key=order.index)  # still tied: the one listed last


def group(rankings) -> Counter:
    """Count identical rankings once (tuples); an empty ranking is kept (it is exhausted from round 1)."""
    return Counter(tuple(r) for r in rankings)


# --- BLT (the ERS / OpenSTV ballot file) -------------------------------------------------------------

def read_blt(text: str) -> RankedElection:
    """``candidates seats``, optional ``-n`` withdrawn lines, ballot lines ``weight c1 c2 ... 0``, a ``0``,
    then one quoted name per candidate and a quoted title."""
    tokens = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    lines = [t for t in tokens if t]
    try:
        count, seats = (int(x) for x in lines[0].split()[:2])
    except (IndexError, ValueError):
        raise RankedError(_("line 1: expected 'candidates seats'")) from None
    at, withdrawn = 1, set()
    while at < len(lines) and lines[at].startswith("-"):
        withdrawn.update(int(x.lstrip("-")) for x in lines[at].split())
        at += 1
    raw: list[tuple[int, list[int]]] = []
    while at < len(lines) and lines[at] != "0":
        parts = lines[at].split()
        if not parts or parts[-1] != "0":
            raise RankedError(_("ballot line %(line)d: must end with 0") % {"line": at + 1})
        try:
            weight, ranks = int(parts[0]), [int(x) for x in parts[1:-1]]
            if weight < 0:  # a negative count would take ballots away from a candidate
                raise ValueError(weight)
        except ValueError:
            raise RankedError(_("ballot line %(line)d: weights and candidates are whole numbers")
                              % {"line": at + 1}) from None
        if any(not 1 <= r <= count for r in ranks):
            raise RankedError(_("ballot line %(line)d: a candidate number outside 1..%(count)d")
                              % {"line": at + 1, "count": count})
        raw.append((weight, ranks))
        at += 1
    names = [n.strip().strip('"') for n in lines[at + 1:at + 1 + count]]
    if len(names) != count:
        raise RankedError(_("expected %(count)d candidate names after the ballots") % {"count": count})
    title = lines[at + 1 + count].strip().strip('"') if len(lines) > at + 1 + count else ""
    ballots: Counter = Counter()
    for weight, ranks in raw:
        ranking, seen = [], set()
        for r in ranks:
            if r not in seen and r not in withdrawn:  # a repeated candidate counts at its highest rank
                ranking.append(names[r - 1])
                seen.add(r)
        if weight:  # a ballot left with no candidate stays, exhausted from round 1
            ballots[tuple(ranking)] += weight
    candidates = [n for i, n in enumerate(names, start=1) if i not in withdrawn]
    return RankedElection(candidates=candidates, ballots=ballots, title=title, seats=seats,
                          blank=ballots.get((), 0))


def write_blt(election: RankedElection) -> str:
    index = {c: i for i, c in enumerate(election.candidates, start=1)}
    out = [f"{len(election.candidates)} {election.seats}"]
    out += [f"{n} {' '.join(str(index[c]) for c in ranking)} 0" for ranking, n in election.ballots.items()]
    out += ["0"] + [f'"{c}"' for c in election.candidates] + [f'"{election.title}"']
    return "\n".join(out) + "\n"


# --- Cast-vote records (one column per rank) ---------------------------------------------------------

UNDERVOTE = {"", "undervote", "under vote", "skipped", "blank"}
OVERVOTE = {"overvote", "over vote"}
WRITE_IN = {"uwi", "write-in", "writein", "write in"}


def read_cvr(text: str) -> RankedElection:
    """A CVR CSV as US cities publish them: the rank columns are those whose header names a choice or
    rank ("1ST CHOICE …", "Rank 1", …), in order. The rule, published with the count: a blank, ``undervote``
    or ``overvote`` rank is skipped and the next rank counts (Minneapolis's rule: it reproduces the
    official 2013 mayoral count exactly, where ending the ballot at an overvote does not); a candidate
    ranked again counts at its highest rank only; write-in markers (``UWI``, ``write-in``) are one
    candidate, "Write-in"; candidates are listed in order of first appearance. Every row is a ballot,
    a row of empty cells too (an empty line is not): one whose ranks hold only overvote and undervote marks is
    kept with the empty ranking and exhausted from round 1, counted as ``overvoted_only`` or ``blank``."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise RankedError(_("the file is empty"))
    columns = [i for i, h in enumerate(header) if "choice" in h.lower() or "rank" in h.lower()]
    if not columns:
        raise RankedError(_("no rank columns (a header naming a 'choice' or 'rank')"))
    seen_candidates: list[str] = []
    rankings = []
    overvoted_only = blank = 0
    for row in reader:
        if len(row) <= 1 and not "".join(row).strip():
            continue  # an empty line, not a ballot (a row of empty cells, "," or ",,", is a blank ballot)
        ranking, overvoted = [], False
        for i in columns:
            mark = (row[i] if i < len(row) else "").strip()
            low = mark.lower()
            if low in OVERVOTE:
                overvoted = True
                continue
            if low in UNDERVOTE:
                continue
            name = "Write-in" if low in WRITE_IN else mark
            if name not in ranking:
                ranking.append(name)
            if name not in seen_candidates:
                seen_candidates.append(name)
        if not ranking:
            overvoted_only += overvoted
            blank += not overvoted
        rankings.append(ranking)
    return RankedElection(candidates=seen_candidates, ballots=group(rankings), overvoted_only=overvoted_only,
                          blank=blank)
