"""Casting ballots: checked against the vote's kind, one per person by the database, secret if asked."""

import hashlib
import json
import secrets
import threading
from collections import OrderedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demographics import age_band

from .. import ballot_box, live, rules
from ..models import Ballot, Option, SealedBallot, Vote, VoterRoll
from ..states import VoteKind, VoteState


class BallotError(ValidationError):
    """A ballot that does not fit its vote (the message says why); nothing is stored."""


def receipt_hash(vote_id: int, code: str) -> str:
    """What is published after the close: a voter finds their ballot by hashing the code they were given."""
    return hashlib.sha256(f"{vote_id}:{code}".encode()).hexdigest()


def ranking_from_ranks(ranks: dict[int, int]) -> list[int]:
    """A ranked form ({option position: rank}) as a ranking; duplicate or missing ranks are refused."""
    ordered = sorted(ranks.values())
    if len(set(ordered)) != len(ordered):
        raise BallotError(_("Two options have the same rank."), code="duplicate_rank")
    if ordered != list(range(1, len(ordered) + 1)):
        raise BallotError(_("Ranks must run 1, 2, 3… without a gap."), code="missing_rank")
    return [position for position, _rank in sorted(ranks.items(), key=lambda item: item[1])]


def clean_choices(vote: Vote, options: dict[int, object], choices) -> list[int]:
    """The ballot's option positions, checked against the vote's kind; BallotError says what is wrong."""
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise BallotError(_("A ballot is a list of options."), code="invalid")
    unknown = [c for c in choices if c not in options]
    if unknown:
        raise BallotError(_("This ballot names an option that is not in this vote."), code="unknown_option")
    if len(set(choices)) != len(choices):
        raise BallotError(_("An option appears twice on this ballot."), code="duplicate")
    if not choices:
        raise BallotError(_("Please choose at least one option."), code="empty")
    if vote.kind in (VoteKind.SINGLE, VoteKind.YES_NO) and len(choices) != 1:
        raise BallotError(_("Choose exactly one option."), code="too_many")
    if vote.kind == VoteKind.MULTIPLE and vote.max_choices and len(choices) > vote.max_choices:
        raise BallotError(_("Choose at most %(k)d options.") % {"k": vote.max_choices}, code="too_many")
    if vote.kind == VoteKind.BUDGET:
        total = sum(options[c].cost or 0 for c in choices)
        if total > vote.budget:
            raise BallotError(_("These projects cost %(total)s, more than the budget of %(budget)s.")
                              % {"total": f"{total:,}", "budget": f"{vote.budget:,}"}, code="over_budget")
        for category, limit in (vote.category_budgets or {}).items():
            spent = sum(options[c].cost or 0 for c in choices if options[c].category == category)
            if spent > limit:
                raise BallotError(_("The projects in “%(category)s” cost more than its budget of %(budget)s.")
                                  % {"category": category, "budget": f"{limit:,}"}, code="over_budget")
    return list(choices)


def cast_ballot(*, vote: Vote, user, choices) -> tuple[Ballot, str]:
    """Store ``user``'s ballot; returns it and the receipt code (shown once, never stored in clear).

    A second ballot is refused, except in a vote that is not secret and allows changes until the
    close: there it replaces the first (the receipt stays the same; the code returned is empty).
    A secret vote's ballot is stored sealed (SealedBallot) until the close, which unseals them all
    in one shuffled batch (docs/voting.md "Secrecy"); the Ballot returned is then not saved.
    """
    now = timezone.now()
    # ``vote`` as the caller read it (the view reads it once, without a second read here): who may vote is
    # checked on it; its state and close, which a ballot races with, are read under the lock the close
    # waits for, in the statement that stores the ballot (_store_while_open). A refusal reads the vote
    # again, to say why as the page would.
    if rules.refuse_voter(user, vote, now):
        vote = Vote.objects.get(pk=vote.pk)
        refusal = rules.refuse_vote(user, vote, now)
        if refusal:
            raise PermissionDenied(refusal)
    options = ballot_options(vote)
    cleaned = clean_choices(vote, options, choices)
    code = secrets.token_urlsafe(12)
    ballot = Ballot(
        vote=vote, choices=cleaned, receipt_hash=receipt_hash(vote.pk, code), cast_on=timezone.localdate(now),
        voter=None if vote.secret else user, age_band=age_band(user.birth_year), gender=user.gender,
        district=user.district)
    if vote.secret:  # sealed until the close, which unseals them all in one shuffled batch
        row = SealedBallot(vote=vote, sealed=ballot_box.seal(_sealed_fields(ballot), context=_box(vote.pk),
                                                             size=_sealed_size(options)))
    else:
        row = ballot
    if _store_while_open(vote.pk, user, now, row):
        # After the commit (at once outside a transaction): the live count moves only for a stored ballot.
        transaction.on_commit(lambda: live.ballot_cast(vote.pk), robust=True)
        return ballot, code
    if vote.allow_change and not vote.secret:  # an open vote that allows changes: replace it
        with transaction.atomic():
            _enter_roll_while_open(vote.pk, user, now)  # the close waits for this transaction; a closed vote is refused
            ballot = Ballot.objects.select_for_update().get(vote=vote, voter=user)
            ballot.choices = cleaned
            ballot.save(update_fields=["choices"])
            transaction.on_commit(lambda: live.ballot_cast(vote.pk), robust=True)
        return ballot, ""
    raise BallotError(_("You have already voted in this vote."), code="already_voted")


_OPTIONS_KEPT = 256
_options_memo: OrderedDict = OrderedDict()
_options_lock = threading.Lock()


def ballot_options(vote: Vote) -> dict[int, Option]:
    """``vote``'s options by position, as casting checks a ballot against them.

    An open vote's options never change (only a draft or a submitted vote is edited, and no state leads
    back to those from open: voting/states.py), so a process keeps those of the last few hundred open votes
    it saw, one query each, instead of reading them for every ballot (docs/voting.md "Casting"). The key
    holds the opening too, so a vote id the database gave again (SQLite after a rollback) is not taken
    for the old vote.
    """
    if vote.state != VoteState.OPEN:
        return {o.position: o for o in vote.options.all()}
    key = (vote.pk, vote.opens_at)
    with _options_lock:
        options = _options_memo.get(key)
        if options is not None:
            _options_memo.move_to_end(key)
            return options
    options = {o.position: o for o in vote.options.all()}
    with _options_lock:
        _options_memo[key] = options
        while len(_options_memo) > _OPTIONS_KEPT:
            _options_memo.popitem(last=False)
    return options


def _box(vote_id: int) -> str:
    """What a sealed ballot is bound to: it opens only as a ballot of this vote."""
    return f"voting.vote:{vote_id}"


def _sealed_fields(ballot: Ballot) -> dict:
    """What a sealed ballot holds: everything of the ballot but its date (it gets the close's)."""
    return {"choices": ballot.choices, "receipt_hash": ballot.receipt_hash, "age_band": ballot.age_band,
            "gender": ballot.gender, "district": ballot.district}


def _sealed_size(options: dict) -> int:
    """Room for the longest ballot of this vote: every option chosen (or ranked), the receipt's hash, and
    cells as long as any (a district or band name of up to 40 characters, JSON-escaped as \\uXXXX)."""
    longest = {"choices": sorted(options), "receipt_hash": "0" * 64,
               "age_band": "\\u0000" * 40, "gender": "\\u0000" * 40, "district": "\\u0000" * 40}
    return len(json.dumps(longest, separators=(",", ":")))


def unseal_ballots(vote: Vote) -> int:
    """At the close, under the vote's lock: every sealed ballot becomes a ballot, in a random order.

    Dated the close's day, as an imported election's ballots: no date of casting to match the roll's.
    Safe to run twice or late (nothing is left the second time). Returns how many were unsealed.
    """
    cast_on = timezone.localdate(vote.closes_at)

    def build(fields: dict) -> Ballot:
        return Ballot(vote_id=vote.pk, cast_on=cast_on, voter=None, **fields)

    return ballot_box.flush(SealedBallot.objects.filter(vote_id=vote.pk), context=_box(vote.pk), build=build)


def _store_while_open(vote_id: int, user, now, row: Ballot | SealedBallot) -> bool:
    """Put the voter on the roll and store ``row`` (their ballot, or its sealed copy) if the vote is still
    open; False, with nothing stored, if they are on the roll already.

    PostgreSQL, in one statement (ballots per second, docs/benchmarks.md): the vote's state, opening and
    close are read again under a lock the close must wait for (FOR KEY SHARE; the close takes the row FOR
    UPDATE), so a ballot that got here first is stored before the close unseals the ballots (it is counted)
    and one that comes after sees the vote closed and is refused (no sealed ballot is left behind
    uncounted); the roll's unique constraint keeps one entry per person (INSERT … ON CONFLICT DO NOTHING),
    and the ballot is inserted from the roll's new entry only, so the two are written together or not at
    all, without a transaction around them. A closed vote is refused before "already voted", as the page
    would say. SQLite: the same checks and inserts in one transaction (it writes one at a time).
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            entered = _enter_roll_while_open(vote_id, user, now)
            if entered:
                row.save(force_insert=True)
        return entered
    vote_table, roll_table = Vote._meta.db_table, VoterRoll._meta.db_table
    when = connection.ops.adapt_datetimefield_value(now)
    fields = row._meta.concrete_fields  # every column, the random primary key included
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v AS (SELECT state, opens_at, closes_at FROM {vote_table} WHERE id = %s FOR KEY SHARE), "
            f"entered AS (INSERT INTO {roll_table} (vote_id, user_id, voted_at) "
            "SELECT %s, %s, %s FROM v WHERE v.state = %s AND v.opens_at <= %s AND v.closes_at > %s "
            "ON CONFLICT (vote_id, user_id) DO NOTHING RETURNING id), "
            f"stored AS (INSERT INTO {row._meta.db_table} ({columns}) "
            f"SELECT {', '.join(['%s'] * len(values))} FROM entered RETURNING 1) "
            "SELECT v.state, v.opens_at, v.closes_at, EXISTS (SELECT 1 FROM stored) FROM v",
            [vote_id, vote_id, user.pk, when, VoteState.OPEN, when, when, *values])
        state, opens_at, closes_at, stored = cursor.fetchone()
    _refuse_unless_open(vote_id, user, now, state, opens_at, closes_at)
    return stored


def _enter_roll_while_open(vote_id: int, user, now) -> bool:
    """Put the voter on the roll if the vote is still open; False if they are on it already. In a
    transaction: the vote's row stays locked against the close (FOR KEY SHARE) until it ends."""
    vote_table, roll_table = Vote._meta.db_table, VoterRoll._meta.db_table
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH v AS (SELECT state, opens_at, closes_at FROM {vote_table} WHERE id = %s FOR KEY SHARE), "
                f"entered AS (INSERT INTO {roll_table} (vote_id, user_id, voted_at) "
                "SELECT %s, %s, %s FROM v WHERE v.state = %s AND v.opens_at <= %s AND v.closes_at > %s "
                "ON CONFLICT (vote_id, user_id) DO NOTHING RETURNING id) "
                "SELECT v.state, v.opens_at, v.closes_at, EXISTS (SELECT 1 FROM entered) FROM v",
                [vote_id, vote_id, user.pk, when, VoteState.OPEN, when, when])
            state, opens_at, closes_at, entered = cursor.fetchone()
        else:
            state, opens_at, closes_at = Vote.objects.filter(pk=vote_id).values_list(
                "state", "opens_at", "closes_at").get()
            entered = False
            if state == VoteState.OPEN and opens_at <= now < closes_at:
                cursor.execute(f"INSERT INTO {roll_table} (vote_id, user_id, voted_at) VALUES (%s, %s, %s) "
                               "ON CONFLICT (vote_id, user_id) DO NOTHING RETURNING id", [vote_id, user.pk, when])
                entered = cursor.fetchone() is not None
    _refuse_unless_open(vote_id, user, now, state, opens_at, closes_at)
    return entered


def _refuse_unless_open(vote_id: int, user, now, state, opens_at, closes_at) -> None:
    if not (state == VoteState.OPEN and opens_at <= now < closes_at):
        raise PermissionDenied(rules.refuse_vote(user, Vote.objects.get(pk=vote_id), now) or _("This vote is closed."))


def receipt_hashes(vote: Vote) -> list[str]:
    """After the close, every counted ballot's receipt hash, sorted: a voter checks theirs is there."""
    if vote.state not in (VoteState.CLOSED, VoteState.TALLIED):
        return []
    return sorted(Ballot.objects.filter(vote=vote).values_list("receipt_hash", flat=True))
