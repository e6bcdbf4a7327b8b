"""Trying to link a secret vote's roll (who voted) to its ballots the way someone who reads the database would.

Each attack orders the roll rows and the ballot rows by something the database keeps — the writing
transaction (``xmin``), the physical place (``ctid``), the key, a time — and pairs them rank by rank;
ties among ballots are broken at random (as an attacker would have to). The count of pairs that are
right is compared with what chance gives: when the two orders are unrelated, the pairing is a uniform
random permutation, whose number of fixed points is at least m with probability at most 1/m!
(for n >= m). ``chance_bound`` is the smallest m with 1/m! <= ALPHA: an attack that gets m or more
right does better than chance, and a test that fails it is wrong by luck with probability <= ALPHA.
"""

import math
import random

from django.db import connection

ALPHA = 1e-5  # the chance that a design that leaks nothing fails one attack by luck (bound: 9 right)


def chance_bound(alpha: float = ALPHA) -> int:
    """The smallest m with 1/m! <= alpha: P(a random permutation has >= m fixed points) <= alpha."""
    m = 1
    while 1 / math.factorial(m) > alpha:
        m += 1
    return m


def rows(table: str, where: str, params: list, *columns: str) -> list[dict]:
    """Rows with the system columns an attacker reads: xmin (the writing transaction) and ctid (the place)."""
    extra = "".join(f", {c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text::bigint, ctid::text, id{extra} FROM {table} WHERE {where}", params)
        names = ["xmin", "ctid", "id", *columns]
        found = [dict(zip(names, row)) for row in cursor.fetchall()]
    for row in found:
        page, slot = row["ctid"].strip("()").split(",")
        row["ctid"] = (int(page), int(slot))
    return found


def rank_pairing(roll: list[dict], ballots: list[dict], *, roll_key, ballot_key, owner) -> int:
    """Pairs the roll in ``roll_key`` order with the ballots in ``ballot_key`` order; how many pairs are right.

    ``owner(ballot)`` is the truth (who cast it); roll rows carry ``who``.
    """
    ordered_roll = sorted(roll, key=roll_key)
    shuffled = list(ballots)
    random.SystemRandom().shuffle(shuffled)  # ties in a random order
    ordered_ballots = sorted(shuffled, key=ballot_key)  # stable: ties stay shuffled
    return sum(r["who"] == owner(b) for r, b in zip(ordered_roll, ordered_ballots))


def same_transaction(roll: list[dict], ballots: list[dict], *, owner) -> int:
    """Roll rows whose transaction wrote exactly one ballot, and that ballot is theirs."""
    by_xmin: dict[int, list[dict]] = {}
    for ballot in ballots:
        by_xmin.setdefault(ballot["xmin"], []).append(ballot)
    return sum(1 for r in roll if len(by_xmin.get(r["xmin"], [])) == 1 and owner(by_xmin[r["xmin"]][0]) == r["who"])


def best_linkage(roll: list[dict], ballots: list[dict], *, owner, times: tuple[str, str] | None = None) -> dict:
    """Every attack's number of right guesses: by transaction, by place, by key, by time if both rows have one."""
    found = {
        "same xmin": same_transaction(roll, ballots, owner=owner),
        "xmin order": rank_pairing(roll, ballots, roll_key=lambda r: r["xmin"], ballot_key=lambda b: b["xmin"],
                                   owner=owner),
        "ctid order": rank_pairing(roll, ballots, roll_key=lambda r: r["ctid"], ballot_key=lambda b: b["ctid"],
                                   owner=owner),
        "id order": rank_pairing(roll, ballots, roll_key=lambda r: r["id"], ballot_key=lambda b: str(b["id"])
                                 if not isinstance(b["id"], int) else b["id"], owner=owner),
    }
    if times:
        roll_time, ballot_time = times
        found["time order"] = rank_pairing(roll, ballots, roll_key=lambda r: r[roll_time],
                                           ballot_key=lambda b: b[ballot_time], owner=owner)
    return found
