"""Reads of the voting module: a vote's result counted from its ballots, and its published breakdowns.

``count`` is the web tally: it goes through the same pure core (voting/tally) as `manage.py tally`.
"""

from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import search as text_search
from proposals.models import Follow, FollowUp

from . import rules
from .models import Ballot, SealedBallot, Vote, VoterRoll
from .states import Acceptance, BudgetRule, VoteKind, VoteState
from .tally.budget import greedy
from .tally.equal_shares import equal_shares
from .tally.ranked import instant_runoff


def count(vote: Vote) -> dict:
    """The result of a vote from its ballots, by the kind's rule (the same code as `manage.py tally`).

    Identical ballots are counted once with their number: one GROUP BY over the ballots' choices
    (``grouped_ballots``), so a million single-choice ballots reach Python as a handful of rows, and
    the tally core reads them grouped ({ballot: number}), as `manage.py tally` reads a file.
    """
    options = {o.position: o for o in vote.options.all()}
    grouped = grouped_ballots(vote)  # choices (a tuple, in the order cast) -> ballots
    total = sum(grouped.values())
    result = {"ballots": total, **quorum(vote, total)}
    counts: Counter = Counter()
    for choices, number in grouped.items():
        for c in choices:
            counts[c] += number
    result["counts"] = {str(p): counts.get(p, 0) for p in options}
    result["breakdown"] = breakdown(vote, options)
    if vote.kind in (VoteKind.SINGLE, VoteKind.MULTIPLE, VoteKind.YES_NO):
        # Most votes wins; a tie goes to the option listed first (published with the result).
        winner = min(options, key=lambda p: (-counts.get(p, 0), p)) if total else None
        result["winner"] = winner
        if vote.kind == VoteKind.YES_NO:  # options 1 yes, 2 no, 3 abstain; abstentions count for turnout only
            result["acceptance"] = vote.acceptance
            result["passed"] = result["quorum_met"] and passes(vote.acceptance, counts.get(1, 0), counts.get(2, 0),
                                                               counts.get(3, 0))
    elif vote.kind == VoteKind.RANKED:
        names = [str(p) for p in options]
        rankings: Counter = Counter()
        for choices, number in grouped.items():
            if choices:
                rankings[tuple(str(c) for c in choices)] += number
        outcome = instant_runoff(names, rankings)
        result.update(winner=int(outcome.winner) if outcome.winner else None, rounds=outcome.rounds,
                      exhausted=outcome.exhausted, eliminated=outcome.eliminated)
    elif vote.kind == VoteKind.BUDGET:
        costs = {str(p): o.cost for p, o in options.items()}
        approvals: Counter = Counter()
        for choices, number in grouped.items():
            approvals[tuple(str(c) for c in choices)] += number
        if vote.budget_rule == BudgetRule.MES:
            outcome = equal_shares(costs, approvals, vote.budget)
        else:
            outcome = greedy(costs, approvals, vote.budget,
                             stop_at_first_misfit=vote.budget_rule == BudgetRule.GREEDY_STOP)
        result.update(selected=[int(p) for p in outcome.selected], spent=outcome.spent, steps=outcome.steps,
                      rule=outcome.rule)
    return result


def grouped_ballots(vote: Vote) -> Counter:
    """A vote's ballots as {choices tuple: number of ballots}, counted by the database (GROUP BY choices)."""
    grouped: Counter = Counter()
    rows = Ballot.objects.filter(vote=vote).order_by().values("choices").annotate(n=Count("id"))
    for choices, number in rows.values_list("choices", "n"):
        grouped[tuple(choices)] += number  # jsonb groups by value; SQLite's text by spelling: add up
    return grouped


def quorum(vote: Vote, ballots: int) -> dict:
    """Whether turnout met the vote's quorum: a number of ballots, a share of who may vote, or both.

    The share is of the people who may vote when the count runs (at the close), published with it.
    """
    result = {"quorum": vote.quorum, "quorum_percent": vote.quorum_percent}
    met = vote.quorum is None or ballots >= vote.quorum
    if vote.quorum_percent:
        eligible = eligible_count(vote)
        result["eligible"] = eligible
        met = met and 100 * ballots >= vote.quorum_percent * eligible  # integers: no rounding at the edge
    result["quorum_met"] = met
    return result


def passes(acceptance: str, yes: int, no: int, abstain: int) -> bool:
    """A yes/no vote's acceptance rule, in integers (no rounding at the edge)."""
    if acceptance == Acceptance.ABSOLUTE:
        return 2 * yes > yes + no + abstain
    if acceptance == Acceptance.TWO_THIRDS:
        return yes > 0 and 3 * yes >= 2 * (yes + no)
    return yes > no


SMALL_CELL = 5  # a group of fewer ballots than this is not published (nobody is identified by it)
BREAKDOWN_FIELDS = ("age_band", "gender", "district")


def breakdown(vote: Vote, options: dict) -> dict:
    """Ballots and choices per age band, gender and district, from the cells each ballot carries.

    Never from the voter roll (a secret ballot has no link to it). A group with fewer than
    SMALL_CELL ballots is suppressed; if only one group of a field would be suppressed, the next
    smallest is too, so it cannot be worked out from the total. Unknown profile values form their
    own group (""). Counted per cell (age band, gender, district) by the database: ballots per
    cell, and choices per cell (on PostgreSQL over the jsonb array; elsewhere from the ballots
    grouped by choices and cell), so no ballot row reaches Python.
    """
    sizes_by_cell, choices_by_cell = _cells(vote)
    published = {}
    for index, field in enumerate(BREAKDOWN_FIELDS):
        groups: dict[str, Counter] = {}
        sizes: Counter = Counter()
        for cell, number in sizes_by_cell.items():
            sizes[cell[index]] += number
        for (cell, choice), number in choices_by_cell.items():
            groups.setdefault(cell[index], Counter())[choice] += number
        hidden = {v for v, n in sizes.items() if n < SMALL_CELL}
        if len(hidden) == 1 and len(sizes) > 1:
            hidden.add(min((v for v in sizes if v not in hidden), key=lambda v: (sizes[v], v)))
        published[field] = {
            value: ({"suppressed": True} if value in hidden else
                    {"ballots": sizes[value], "counts": {str(p): groups.get(value, {}).get(p, 0) for p in options}})
            for value in sorted(sizes)
        }
    return published


def _cells(vote: Vote) -> tuple[Counter, Counter]:
    """({cell: ballots}, {(cell, option position): times chosen}); a cell is (age band, gender, district).

    On PostgreSQL one pass over the ballots: each ballot's choices unnested with their place, so a
    ballot is counted in its cell's size at its first choice (an empty ballot at its one NULL row).
    (Grouping identical ballots of a cell first was measured slower: 3.7 s against 2.0 s for a
    million approval ballots, the GROUP BY over four keys spilling to disk.)
    """
    sizes: Counter = Counter()
    chosen: Counter = Counter()
    if connection.vendor == "postgresql":
        columns = ", ".join(f"b.{field}" for field in BREAKDOWN_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}, c.value::int, count(*), count(*) FILTER (WHERE c.place IS NULL "
                           f"OR c.place = 1) FROM {Ballot._meta.db_table} b LEFT JOIN LATERAL "
                           "jsonb_array_elements_text(b.choices) WITH ORDINALITY AS c(value, place) ON true "
                           f"WHERE b.vote_id = %s GROUP BY {columns}, c.value", [vote.pk])
            for *cell, choice, number, ballots in cursor.fetchall():
                cell = tuple(cell)
                sizes[cell] += ballots
                if choice is not None:
                    chosen[(cell, choice)] += number
        return sizes, chosen
    rows = Ballot.objects.filter(vote=vote).order_by().values("choices", *BREAKDOWN_FIELDS).annotate(n=Count("id"))
    for choices, *cell, number in rows.values_list("choices", *BREAKDOWN_FIELDS, "n"):
        cell = tuple(cell)
        sizes[cell] += number
        for choice in choices:
            chosen[(cell, choice)] += number
    return sizes, chosen


# -- Public pages ---------------------------------------------------------------------------------

# States a vote is visible to everyone in; drafts are staff's until scheduled.
PUBLIC_STATES = ("scheduled", "open", "closed", "tallied", "cancelled")


def public_votes(*, section: str = "open"):
    """Votes for the list: ``open`` now, ``upcoming`` (scheduled) or ``results`` (closed and counted)."""
    states = {"open": ["open"], "upcoming": ["scheduled"], "results": ["closed", "tallied"]}[section]
    order = {"open": ["closes_at", "pk"], "upcoming": ["opens_at", "pk"], "results": ["-closes_at", "-pk"]}[section]
    return (Vote.objects.filter(state__in=states).select_related("proposal", "department")
            .annotate(ballot_count=Count("roll", distinct=True)).order_by(*order))


def _is_author(viewer, vote: Vote) -> bool:
    """Whether ``viewer`` wrote ``vote`` (an anonymous visitor never did, even of a vote whose author is gone)."""
    return viewer.is_authenticated and vote.created_by_id == viewer.pk


def visible_vote(*, pk: int, viewer):
    """The vote if ``viewer`` may see it (public states, or a manager), else None."""
    vote = Vote.objects.select_related("proposal", "department").filter(pk=pk).first()
    if vote is None or (vote.state not in PUBLIC_STATES and not rules.may_manage(viewer)
                        and not _is_author(viewer, vote)):
        return None
    return vote


def vote_for_casting(*, pk: int, viewer):
    """The vote as casting needs it, if ``viewer`` may see it: read once, without visible_vote's joins (the
    service reads the state and the close again under the lock the close waits for)."""
    vote = Vote.objects.filter(pk=pk).first()
    if vote is None or (vote.state not in PUBLIC_STATES and not rules.may_manage(viewer)
                        and not _is_author(viewer, vote)):
        return None
    return vote


def turnout(vote: Vote) -> int:
    """Ballots so far: one per voter (a changed ballot replaces the first), a secret vote's sealed ones
    included (they wait for the close); an imported past election's ballots have no roll."""
    return Ballot.objects.filter(vote=vote).count() + SealedBallot.objects.filter(vote=vote).count()


def eligible_count(vote: Vote, *, now=None) -> int:
    """How many people may vote: verified residents, of the minimum age and the districts if set."""
    people = get_user_model().objects.filter(is_active=True, is_verified_resident=True)
    if vote.min_age:
        year = (now or timezone.now()).year
        people = people.filter(birth_year__isnull=False, birth_year__lte=year - vote.min_age)
    if vote.districts:
        people = people.filter(district__in=vote.districts)
    return people.count()


SHOWN_ELIGIBLE_SECONDS = 60


def shown_eligible_count(vote: Vote, *, now=None) -> int:
    """``eligible_count`` as a vote's page shows it (the turnout's denominator), kept for
    SHOWN_ELIGIBLE_SECONDS in the cache under the vote's conditions (shared by votes with the same ones):
    counting every verified resident on each view of a vote page cost PostgreSQL about 40 ms a page on
    200,000 people (docs/benchmarks.md, "Pages and ballots"). The quorum at the close counts exactly."""
    year = (now or timezone.now()).year if vote.min_age else 0
    key = f"voting:eligible:{vote.min_age or 0}:{year}:{','.join(sorted(vote.districts or []))}"
    count = cache.get(key)
    if count is None:
        count = eligible_count(vote, now=now)
        cache.set(key, count, SHOWN_ELIGIBLE_SECONDS)
    return count


def has_voted(vote: Vote, user) -> bool:
    return user.is_authenticated and VoterRoll.objects.filter(vote=vote, user=user).exists()


def own_ballot(vote: Vote, user) -> list[int] | None:
    """The choices of ``user``'s ballot in a vote that is not secret (to change it); None otherwise."""
    if vote.secret or not user.is_authenticated:
        return None
    return Ballot.objects.filter(vote=vote, voter=user).values_list("choices", flat=True).first()


def vote_follow_ups(vote: Vote):
    """The department follow-up items a vote created, with their public updates."""
    return (FollowUp.objects.filter(vote=vote).select_related("department", "proposal")
            .prefetch_related("updates").order_by("option_position", "pk"))


def votes_for_proposal(*, proposal, viewer):
    """Votes on a proposal for its page: the public ones, and drafts for managers."""
    votes = Vote.objects.filter(proposal=proposal).order_by("opens_at", "pk")
    return list(votes if rules.may_manage(viewer) else votes.filter(state__in=PUBLIC_STATES))


def search(*, query: str, viewer):
    """The site-wide search's votes: public ones; drafts and votes awaiting review only for managers and
    their own author (as ``visible_vote`` shows them). Title matches first, then the latest to open."""
    votes = Vote.objects.all()
    if not rules.may_manage(viewer):
        own = Q(created_by=viewer) if viewer.is_authenticated else Q(pk__in=[])
        votes = votes.filter(Q(state__in=PUBLIC_STATES) | own)
    votes = text_search.text_filter(votes, query, fields=("title", "question", "description"))
    return text_search.title_first(votes, query).order_by("-in_title", "-opens_at", "-pk")


def is_following(vote: Vote, user) -> bool:
    """Whether ``user`` follows ``vote`` (the follow button's state)."""
    return user.is_authenticated and Follow.objects.filter(vote=vote, user=user).exists()


# -- Live results ---------------------------------------------------------------------------------

def live_counts(vote: Vote) -> dict:
    """Ballots so far and, per option position, how many ballots chose it, for the live results.

    A ranked ballot counts for its first choice only (later ranks mean nothing before the
    instant-runoff). Only totals: nothing here is per voter. On PostgreSQL one aggregate over the
    ballots' jsonb choices (jsonb_array_elements), so no ballot row reaches Python; elsewhere
    (SQLite, `make run`) the same numbers counted in Python.
    """
    positions = list(vote.options.order_by("position").values_list("position", flat=True))
    first_only = vote.kind == VoteKind.RANKED
    if connection.vendor == "postgresql":
        table = Ballot._meta.db_table
        chosen = ("SELECT (b.choices->>0)::int, count(*) FROM {t} b WHERE b.vote_id = %s"
                  " AND jsonb_array_length(b.choices) > 0 GROUP BY 1" if first_only else
                  "SELECT c.value::int, count(*) FROM {t} b CROSS JOIN LATERAL jsonb_array_elements_text(b.choices)"
                  " AS c(value) WHERE b.vote_id = %s GROUP BY 1")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE vote_id = %s", [vote.pk])
            ballots = cursor.fetchone()[0]
            cursor.execute(chosen.format(t=table), [vote.pk])
            counts = dict(cursor.fetchall())
    else:
        rows = list(Ballot.objects.filter(vote=vote).values_list("choices", flat=True))
        ballots = len(rows)
        counts = Counter(c for row in rows for c in (row[:1] if first_only else row))
    return {"ballots": ballots, "counts": {str(p): counts.get(p, 0) for p in positions}}


# -- Creating and running votes (staff's pages, the review of citizens' votes) ---------------------

MANAGE_ORDER = ("submitted", "draft", "scheduled", "open", "closed", "tallied", "cancelled", "rejected")


CLOSE_OVERDUE_AFTER = timedelta(minutes=3)  # the sweep closes a vote within 30 s of its time


def votes_by_state() -> list[tuple[str, list[Vote]]]:
    """Every vote for staff's page, grouped by state in the order work happens; empty states left out."""
    votes = Vote.objects.select_related("created_by", "department", "proposal").order_by("opens_at", "pk")
    groups: dict[str, list[Vote]] = {state: [] for state in MANAGE_ORDER}
    # Open past its close for longer than a few sweeps: the close keeps failing (a seal no key opens) or
    # no worker runs; staff must hear of it here, not only in the server's log.
    stuck_before = timezone.now() - CLOSE_OVERDUE_AFTER
    for vote in votes:
        vote.close_overdue = vote.state == VoteState.OPEN and vote.closes_at < stuck_before
        groups.setdefault(vote.state, []).append(vote)
    return [(state, rows) for state, rows in groups.items() if rows]


def submitted_votes():
    """The moderators' queue: votes citizens submitted, oldest first."""
    return (Vote.objects.filter(state="submitted").select_related("created_by")
            .prefetch_related("options").order_by("created_at", "pk"))


def votes_submitted_by(user):
    """The votes a person proposed, newest first, with their review."""
    return (Vote.objects.filter(created_by=user).select_related("reviewed_by").order_by("-created_at", "-pk"))


def yes_no_initial(proposal) -> dict:
    """What a yes/no/abstain vote on ``proposal`` starts with: its title, the question, its department."""
    return {
        "kind": "yes_no", "proposal": proposal.pk,
        "title": (_("Vote: %(title)s") % {"title": proposal.title})[:160],
        "question": (_("Should the city carry out the proposal “%(title)s”?") % {"title": proposal.title})[:300],
        "description": proposal.body[:10_000],
        "department": proposal.category.default_department_id if proposal.category_id else None,
    }


def votes_due_soon(*, now, within_seconds: float) -> list[tuple[str, int, object]]:
    """("open" or "close", vote id, time) for votes whose opening or close falls in the next seconds."""
    reach = now + timedelta(seconds=within_seconds)
    opening = Vote.objects.filter(state=VoteState.SCHEDULED, opens_at__gt=now, opens_at__lte=reach)
    closing = Vote.objects.filter(state__in=[VoteState.SCHEDULED, VoteState.OPEN], closes_at__gt=now,
                                  closes_at__lte=reach)
    return ([("open", pk, at) for pk, at in opening.values_list("pk", "opens_at")]
            + [("close", pk, at) for pk, at in closing.values_list("pk", "closes_at")])


# -- Budget projects ------------------------------------------------------------------------------

def budget_project(*, vote: Vote, position: int) -> dict | None:
    """A participatory budget's project for its page (voting:project): the option with its department,
    whether the tally funded it, and the follow-up item it became, if any (services.lifecycle.hand_on).
    None when ``vote`` is not a budget vote or has no such project."""
    if vote.kind != VoteKind.BUDGET:
        return None
    option = vote.options.select_related("department").filter(position=position).first()
    if option is None:
        return None
    tallied = vote.state == VoteState.TALLIED
    follow_up = (FollowUp.objects.filter(vote=vote, option_position=position).select_related("department")
                 .prefetch_related("updates").first()) if tallied else None
    return {
        "option": option,
        "department": option.department or vote.department,
        "tallied": tallied,
        "funded": tallied and position in (vote.result or {}).get("selected", []),
        "votes": int((vote.result or {}).get("counts", {}).get(str(position), 0)) if tallied else None,
        "follow_up": follow_up,
    }
