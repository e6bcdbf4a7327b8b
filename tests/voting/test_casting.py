"""Casting ballots: every kind of tampered ballot refused with nothing stored, eligibility, one per person."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import ResidentFactory, UserFactory
from tests.races import run_together
from voting.models import Ballot, Option, SealedBallot, Vote, VoterRoll
from voting.selectors import turnout
from voting.services import BallotError, cast_ballot, move_vote_if_due, ranking_from_ranks, receipt_hash
from voting.states import VoteKind, VoteState

pytestmark = pytest.mark.django_db


def _vote(kind=VoteKind.SINGLE, state=VoteState.OPEN, options=("Yes", "No", "Abstain"), costs=None, **fields):
    now = timezone.now()
    vote = Vote.objects.create(title="Night buses", question="Extend the night buses?", kind=kind, state=state,
                               opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1), **fields)
    for position, label in enumerate(options, start=1):
        Option.objects.create(vote=vote, position=position, label=label,
                              cost=(costs or {}).get(position), category="parks" if position == 1 else "")
    return vote


def test_a_ballot_is_stored_with_a_receipt_and_the_roll_is_kept_apart():
    vote, voter = _vote(), ResidentFactory(birth_year=1990, gender="female", district="jongno")
    ballot, code = cast_ballot(vote=vote, user=voter, choices=[1])
    assert ballot.choices == [1] and ballot.voter is None  # secret by default: no link to the voter
    assert ballot.receipt_hash == receipt_hash(vote.pk, code) and code not in ballot.receipt_hash
    assert (ballot.age_band, ballot.gender, ballot.district) == ("30-39", "female", "jongno")
    assert VoterRoll.objects.filter(vote=vote, user=voter).count() == 1


@pytest.mark.parametrize(("kind", "extra", "choices", "code"), [
    (VoteKind.SINGLE, {}, [9], "unknown_option"),
    (VoteKind.SINGLE, {}, [1, 2], "too_many"),
    (VoteKind.SINGLE, {}, [], "empty"),
    (VoteKind.SINGLE, {}, "1", "invalid"),
    (VoteKind.SINGLE, {}, [True], "invalid"),
    (VoteKind.MULTIPLE, {"max_choices": 2}, [1, 2, 3], "too_many"),
    (VoteKind.MULTIPLE, {"max_choices": 2}, [1, 1], "duplicate"),
    (VoteKind.RANKED, {}, [2, 1, 2], "duplicate"),
    (VoteKind.BUDGET, {"budget": 100}, [1, 2], "over_budget"),
    (VoteKind.BUDGET, {"budget": 500, "category_budgets": {"parks": 50}}, [1], "over_budget"),
])
def test_a_tampered_ballot_is_refused_with_its_reason_and_nothing_is_stored(kind, extra, choices, code):
    vote = _vote(kind=kind, costs={1: 80, 2: 40, 3: 10}, **extra)
    with pytest.raises(BallotError) as refused:
        cast_ballot(vote=vote, user=ResidentFactory(), choices=choices)
    assert refused.value.code == code
    assert not Ballot.objects.exists() and not SealedBallot.objects.exists() and not VoterRoll.objects.exists()


def test_a_project_of_another_vote_is_not_an_option_here():
    vote, other = _vote(kind=VoteKind.BUDGET, budget=100), _vote(options=["a", "b", "c", "d", "e"])
    with pytest.raises(BallotError) as refused:
        cast_ballot(vote=vote, user=ResidentFactory(), choices=[5])  # position 5 exists only in ``other``
    assert refused.value.code == "unknown_option" and other.options.count() == 5


def test_ranks_with_a_gap_or_a_repeat_are_refused():
    assert ranking_from_ranks({3: 1, 1: 2, 2: 3}) == [3, 1, 2]
    for ranks, code in (({1: 1, 2: 3}, "missing_rank"), ({1: 1, 2: 1}, "duplicate_rank")):
        with pytest.raises(BallotError) as refused:
            ranking_from_ranks(ranks)
        assert refused.value.code == code


@pytest.mark.parametrize(("case", "message"), [
    ("not-open", "not open yet"), ("closed", "closed"), ("unverified", "verified residents"),
    ("too-young", "aged 19"), ("no-birth-year", "birth year"), ("wrong-district", "Jongno-gu"),
])
def test_who_may_not_vote_is_told_why_and_nothing_is_stored(case, message):
    fields = {"min_age": 19} if case in ("too-young", "no-birth-year") else {}
    if case == "wrong-district":
        fields["districts"] = ["jongno"]
    state = {"not-open": VoteState.SCHEDULED, "closed": VoteState.CLOSED}.get(case, VoteState.OPEN)
    vote = _vote(state=state, **fields)
    user = {"unverified": UserFactory(), "too-young": ResidentFactory(birth_year=timezone.now().year - 15),
            "no-birth-year": ResidentFactory(birth_year=None),
            "wrong-district": ResidentFactory(district="gangnam")}.get(case, ResidentFactory())
    with pytest.raises(PermissionDenied, match=message), translation.override("en"):
        cast_ballot(vote=vote, user=user, choices=[1])
    assert not Ballot.objects.exists() and not VoterRoll.objects.exists()


def test_a_second_ballot_is_refused():
    vote, voter = _vote(), ResidentFactory()
    cast_ballot(vote=vote, user=voter, choices=[1])
    with pytest.raises(BallotError) as refused:
        cast_ballot(vote=vote, user=voter, choices=[2])
    assert refused.value.code == "already_voted" and turnout(vote) == 1 and SealedBallot.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_simultaneous_attempts_by_one_voter_store_exactly_one_ballot():
    assert connection.vendor == "postgresql", "run under tests/services/with-services.sh"
    vote, voter = _vote(), ResidentFactory()
    outcomes = []

    def attempt():
        try:
            cast_ballot(vote=vote, user=voter, choices=[1])
            outcomes.append("stored")
        except BallotError as error:
            outcomes.append(error.code)

    assert run_together(*[attempt] * 200) == []
    assert outcomes.count("stored") == 1 and outcomes.count("already_voted") == 199
    assert turnout(vote) == 1 and VoterRoll.objects.filter(vote=vote).count() == 1


def test_the_state_and_close_come_from_the_database_not_from_the_callers_copy_of_the_vote():
    """Casting no longer reads the whole vote a second time: the copy the caller read is trusted for who may
    vote, and the state, opening and close are read with the roll's entry, under the close's lock."""
    opened_since, closed_since, voter = _vote(state=VoteState.SCHEDULED), _vote(), ResidentFactory()
    Vote.objects.filter(pk=opened_since.pk).update(state=VoteState.OPEN)  # the caller's copy says scheduled
    Vote.objects.filter(pk=closed_since.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert cast_ballot(vote=opened_since, user=voter, choices=[1])[1]
    with translation.override("en"), pytest.raises(PermissionDenied, match="This vote is closed."):
        cast_ballot(vote=closed_since, user=voter, choices=[1])
    assert turnout(opened_since) == 1 and turnout(closed_since) == 0
    assert not VoterRoll.objects.filter(vote=closed_since).exists()  # refused before the roll, as before


def test_a_closed_vote_is_refused_as_closed_to_someone_already_on_its_roll():
    vote, voter = _vote(secret=False, allow_change=True), ResidentFactory()
    cast_ballot(vote=vote, user=voter, choices=[1])
    Vote.objects.filter(pk=vote.pk).update(state=VoteState.CLOSED)
    with translation.override("en"), pytest.raises(PermissionDenied, match="This vote is closed."):
        cast_ballot(vote=vote, user=voter, choices=[2])  # not a changed ballot after the close
    assert Ballot.objects.get(vote=vote).choices == [1]


def test_a_ballot_over_http_reads_the_vote_once(client, django_assert_num_queries):
    """The session, the voter, the vote, and one statement that reads the vote's state under its lock, puts
    the voter on the roll and stores the sealed ballot: four queries (were eight: the options and the ballot's
    insert on their own, and BEGIN/COMMIT around them). The vote's options are read once per process while
    it is open: the first voter's request reads them, the next one's does not."""
    vote, first, second = _vote(), ResidentFactory(), ResidentFactory()
    client.force_login(first)
    with django_assert_num_queries(4 + 1):
        response = client.post(f"/votes/{vote.pk}/cast/", {"choice": "1"})
    assert response.status_code == 302 and turnout(vote) == 1
    client.force_login(second)
    with django_assert_num_queries(4):
        response = client.post(f"/votes/{vote.pk}/cast/", {"choice": "2"})
    assert response.status_code == 302 and turnout(vote) == 2


@pytest.mark.django_db(transaction=True)  # each statement commits on its own, as in production
def test_the_roll_and_the_ballot_are_stored_together_or_not_at_all(monkeypatch):
    """No transaction wraps them any more: the ballot is inserted by the roll's own statement. A ballot
    that cannot be stored (here a receipt that collides with another's) leaves its voter off the roll,
    so they can still vote."""
    import voting.services.ballots as ballots

    vote, first, second = _vote(secret=False), ResidentFactory(), ResidentFactory()
    monkeypatch.setattr(ballots.secrets, "token_urlsafe", lambda n: "same-code")
    cast_ballot(vote=vote, user=first, choices=[1])
    with pytest.raises(Exception, match="receipt_hash|unique|UNIQUE"):
        cast_ballot(vote=vote, user=second, choices=[2])
    assert list(VoterRoll.objects.filter(vote=vote).values_list("user_id", flat=True)) == [first.pk]
    assert list(Ballot.objects.filter(vote=vote).values_list("choices", flat=True)) == [[1]]
    monkeypatch.undo()
    cast_ballot(vote=vote, user=second, choices=[2])
    assert turnout(vote) == 2


def test_a_draft_s_options_are_read_afresh_and_an_open_vote_s_are_kept():
    """Only an open vote's options are kept by the process (they no longer change); a draft's may still."""
    from voting.services.ballots import ballot_options

    draft = _vote(state=VoteState.DRAFT)
    assert sorted(o.label for o in ballot_options(draft).values()) == ["Abstain", "No", "Yes"]
    Option.objects.filter(vote=draft, position=3).update(label="Later")
    assert sorted(o.label for o in ballot_options(draft).values()) == ["Later", "No", "Yes"]
    Vote.objects.filter(pk=draft.pk).update(state=VoteState.OPEN)
    opened = Vote.objects.get(pk=draft.pk)
    assert ballot_options(opened)[3].label == "Later"
    with CaptureQueriesContext(connection) as queries:
        assert ballot_options(opened)[3].label == "Later"
    assert len(queries) == 0


def test_an_open_vote_that_allows_changes_replaces_the_ballot_and_keeps_its_receipt():
    vote, voter = _vote(secret=False, allow_change=True), ResidentFactory()
    first, code = cast_ballot(vote=vote, user=voter, choices=[1])
    again, no_code = cast_ballot(vote=vote, user=voter, choices=[2])
    assert again.pk == first.pk and again.choices == [2] and again.voter == voter and no_code == ""
    assert Ballot.objects.filter(vote=vote).count() == 1 and again.receipt_hash == receipt_hash(vote.pk, code)


def test_receipt_hashes_are_published_after_the_close_and_each_voter_finds_theirs():
    from voting.services import receipt_hashes

    vote = _vote()
    codes = [cast_ballot(vote=vote, user=ResidentFactory(), choices=[1])[1] for _ in range(3)]
    assert receipt_hashes(vote) == []  # not while the vote is open
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert move_vote_if_due(vote_id=vote.pk)  # the close unseals the ballots
    published = receipt_hashes(Vote.objects.get(pk=vote.pk))
    assert len(published) == 3 and all(receipt_hash(vote.pk, code) in published for code in codes)
    assert not any(code in "".join(published) for code in codes)
