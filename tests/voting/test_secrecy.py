"""Ballot secrecy against someone who reads the database (docs/voting.md "Secrecy").

Sixty residents vote in a secret vote over HTTP, as the web does, each in their own transaction;
then the vote closes and is counted as the worker does. Linking the roll (who voted) to the ballots
by the writing transaction (xmin), the physical order (ctid), the key or the date must do no better
than chance (tests/linkage.py computes the bound). While the vote is open, the database holds no
readable ballot at all; nothing is lost, everything is counted once, and the receipts all work.
"""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import ResidentFactory
from tests.linkage import best_linkage, chance_bound, rows
from tests.races import run_together
from voting import services, tasks
from voting.models import Ballot, Option, SealedBallot, Vote, VoterRoll
from voting.states import VoteKind, VoteState

pytestmark = pytest.mark.django_db(transaction=True)  # one transaction per ballot, as in production

VOTERS = 60


def _secret_vote(**fields) -> Vote:
    now = timezone.now()
    vote = Vote.objects.create(title="Parks", question="Which park first?", kind=VoteKind.SINGLE,
                               state=VoteState.OPEN, secret=True, opens_at=now - timedelta(hours=1),
                               closes_at=now + timedelta(days=1), **fields)
    for position, label in enumerate(("North", "South", "East", "West"), start=1):
        Option.objects.create(vote=vote, position=position, label=label)
    return vote


def _cast_over_http(client, vote, voters: int) -> tuple[dict, Counter]:
    """Each voter posts a ballot and reads the receipt on the next page: {receipt hash: voter id}, counts."""
    owners, chosen = {}, Counter()
    for _ in range(voters):
        user = ResidentFactory()
        client.force_login(user)
        choice = random.randint(1, 4)
        response = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": str(choice)})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        code = page.split('data-testid="receipt-code">')[1].split("<")[0]
        owners[services.receipt_hash(vote.pk, code)] = user.pk
        chosen[choice] += 1
    return owners, chosen


def _close_as_the_worker_does(vote) -> None:
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    tasks.close_vote.delay(vote.pk)  # closes, then tallies (a task of its own)
    tasks.close_vote.delay(vote.pk)  # a second delivery finds nothing to do
    tasks.tally_vote.delay(vote.pk)
    tasks.sweep_votes.delay()  # and the sweep, late


def test_the_roll_cannot_be_linked_to_secret_ballots_by_transaction_place_key_or_date(client):
    vote = _secret_vote()
    owners, chosen = _cast_over_http(client, vote, VOTERS)

    # While open: no ballot in the clear for a live reader of the database.
    assert not Ballot.objects.filter(vote=vote).exists()
    _close_as_the_worker_does(vote)

    vote.refresh_from_db()
    assert vote.state == VoteState.TALLIED and vote.result["ballots"] == VOTERS
    assert vote.result["counts"] == {str(p): chosen[p] for p in range(1, 5)}  # everything counted, once
    assert services.receipt_hashes(vote) == sorted(owners)  # every receipt is found after the close

    roll = rows(VoterRoll._meta.db_table, "vote_id = %s", [vote.pk], "user_id", "voted_at")
    for row in roll:
        row["who"] = row["user_id"]
    ballots = rows(Ballot._meta.db_table, "vote_id = %s", [vote.pk], "receipt_hash", "cast_on")
    assert len(roll) == len(ballots) == VOTERS
    linked = best_linkage(roll, ballots, owner=lambda b: owners[b["receipt_hash"]], times=("voted_at", "cast_on"))
    bound = chance_bound()
    print(f"linkage: {linked}, chance bound: {bound}")
    assert all(right < bound for right in linked.values()), (linked, bound)


def test_a_secret_ballot_waits_sealed_until_the_close_and_none_is_lost_or_counted_twice(client):
    vote = _secret_vote()
    owners, chosen = _cast_over_http(client, vote, 5)
    with connection.cursor() as cursor:  # everything a live reader sees of this vote while it is open
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                       "AND table_name LIKE 'voting_%%'")
        dump = ""
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT * FROM {table}")
            dump += repr(cursor.fetchall())
    for receipt in owners:
        assert receipt not in dump  # no receipt hash in the clear, so no way from a pending row to a ballot
    assert vote.pk and not Ballot.objects.filter(vote=vote).exists()
    # The process that took the ballots is gone; another one closes and counts (the sealed rows are durable).
    connection.close()
    _close_as_the_worker_does(vote)
    _close_as_the_worker_does(vote)
    vote.refresh_from_db()
    assert vote.result["ballots"] == 5 and vote.result["counts"] == {str(p): chosen[p] for p in range(1, 5)}
    assert Ballot.objects.filter(vote=vote).count() == 5
    assert set(Ballot.objects.filter(vote=vote).values_list("cast_on", flat=True)) == {
        timezone.localdate(vote.closes_at)}  # no date of casting: the close's date, as an imported election


def test_a_public_vote_still_stores_its_ballot_at_once_with_its_voter():
    vote = _secret_vote()
    Vote.objects.filter(pk=vote.pk).update(secret=False)
    vote.refresh_from_db()
    user = ResidentFactory()
    ballot, code = services.cast_ballot(vote=vote, user=user, choices=[2])
    assert code and Ballot.objects.get(vote=vote).voter_id == user.pk


def test_a_rotated_secret_key_opens_the_sealed_ballots_from_its_fallbacks(settings):
    vote = _secret_vote()
    for choice in (1, 2, 2):
        services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[choice])
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old]
    _close_as_the_worker_does(vote)
    vote.refresh_from_db()
    assert vote.state == VoteState.TALLIED and vote.result["counts"] == {"1": 1, "2": 2, "3": 0, "4": 0}


def test_sealed_ballots_that_no_key_opens_keep_the_vote_open_and_lose_nothing_and_others_still_close(settings):
    stuck, other = _secret_vote(), _secret_vote()
    services.cast_ballot(vote=stuck, user=ResidentFactory(), choices=[3])
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "y" * 50  # rotated without the fallback
    services.cast_ballot(vote=other, user=ResidentFactory(), choices=[1])
    Vote.objects.filter(pk__in=[stuck.pk, other.pk]).update(closes_at=timezone.now() - timedelta(seconds=1))
    tasks.sweep_votes.delay()
    stuck.refresh_from_db(), other.refresh_from_db()
    assert other.state == VoteState.TALLIED and other.result["counts"]["1"] == 1
    assert stuck.state == VoteState.OPEN and SealedBallot.objects.filter(vote=stuck).count() == 1
    assert not Ballot.objects.filter(vote=stuck).exists()
    settings.SECRET_KEY_FALLBACKS = [old]  # the operator puts the old key back as a fallback
    tasks.sweep_votes.delay()
    stuck.refresh_from_db()
    assert stuck.state == VoteState.TALLIED and stuck.result["counts"]["3"] == 1


def test_a_sealed_ballot_moved_to_another_vote_does_not_open():
    from voting.ballot_box import BrokenSeal, unseal

    first, second = _secret_vote(), _secret_vote()
    services.cast_ballot(vote=first, user=ResidentFactory(), choices=[2])
    blob = bytes(SealedBallot.objects.get(vote=first).sealed)
    assert unseal(blob, context=f"voting.vote:{first.pk}")["choices"] == [2]
    with pytest.raises(BrokenSeal):
        unseal(blob, context=f"voting.vote:{second.pk}")


def test_a_ballot_racing_the_close_is_refused_rather_than_left_sealed_after_it():
    """The close holds the vote row; a ballot that read the vote as open waits, then sees it closed."""
    import threading
    import time

    from django.core.exceptions import PermissionDenied
    from django.db import connections, transaction

    from voting.services.ballots import unseal_ballots

    assert connection.vendor == "postgresql", "run under tests/services/with-services.sh"
    vote, voter = _secret_vote(), ResidentFactory()
    services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[1])
    locked, outcome = threading.Event(), []

    def close_slowly():
        try:
            with transaction.atomic():
                closing = Vote.objects.select_for_update().get(pk=vote.pk)
                locked.set()
                with connection.cursor() as cursor:  # until the ballot waits for this lock
                    for _ in range(300):
                        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one view per transaction
                        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                       "AND datname = current_database()")
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.05)
                    else:
                        outcome.append("the ballot never waited")
                Vote.objects.filter(pk=vote.pk).update(state=VoteState.CLOSED)
                unseal_ballots(closing)
        finally:
            connections.close_all()

    def cast_late():
        locked.wait(10)
        try:
            with translation.override("en"):
                services.cast_ballot(vote=vote, user=voter, choices=[2])
            outcome.append("stored")
        except PermissionDenied as refused:
            outcome.append(str(refused))
        finally:
            connections.close_all()

    assert run_together(close_slowly, cast_late, join_timeout=30) == []
    assert outcome == ["This vote is closed."]
    assert not SealedBallot.objects.filter(vote=vote).exists()  # nothing left behind the close
    assert Ballot.objects.filter(vote=vote).count() == 1 and not VoterRoll.objects.filter(user=voter).exists()


def test_the_migration_rewrites_ballots_stored_the_old_way_so_they_no_longer_follow_the_roll():
    import importlib

    from django.apps import apps
    from django.db import transaction

    migration = importlib.import_module("voting.migrations.0005_sealed_ballots_random_keys")
    vote = _secret_vote()
    owners = {}
    for i in range(VOTERS):  # as cast before: roll row and ballot in one transaction, ids in order
        user = ResidentFactory()
        with transaction.atomic():
            VoterRoll.objects.create(vote=vote, user=user)
            ballot = Ballot.objects.create(id=i + 1, vote=vote, choices=[i % 4 + 1], receipt_hash=f"{i:064x}",
                                           cast_on=timezone.localdate() - timedelta(days=i % 7))
        owners[ballot.receipt_hash] = user.pk

    def linkage() -> dict:
        roll = rows(VoterRoll._meta.db_table, "vote_id = %s", [vote.pk], "user_id")
        for row in roll:
            row["who"] = row["user_id"]
        ballots = rows(Ballot._meta.db_table, "vote_id = %s", [vote.pk], "receipt_hash")
        return best_linkage(roll, ballots, owner=lambda b: owners[b["receipt_hash"]])

    assert linkage()["xmin order"] == VOTERS  # linkable as stored
    migration.rewrite_secret_ballots(apps, None)
    found = linkage()
    assert all(right < chance_bound() for right in found.values()), found
    assert sorted(Ballot.objects.filter(vote=vote).values_list("receipt_hash", flat=True)) == sorted(owners)
    # the day a ballot was cast (the roll's day of voting) is gone too: every ballot has its close's day
    assert set(Ballot.objects.filter(vote=vote).values_list("cast_on", flat=True)) == {
        timezone.localdate(vote.closes_at)}


def test_every_sealed_ballot_of_a_vote_is_as_long_as_any_other_whatever_it_holds():
    """AES-GCM keeps the length: unpadded, one project from five or "Seoul" from "Gangnam-gu" showed."""
    vote = _secret_vote()
    Vote.objects.filter(pk=vote.pk).update(kind=VoteKind.MULTIPLE, max_choices=4)
    vote.refresh_from_db()
    for choices, district in [([1], "종로구"), ([2, 4], "강남구"), ([1, 2, 3, 4], ""), ([3], "동대문구")]:
        services.cast_ballot(vote=vote, user=ResidentFactory(district=district, birth_year=None),
                             choices=choices)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT octet_length(sealed) FROM {SealedBallot._meta.db_table} WHERE vote_id = %s",
                       [vote.pk])
        lengths = {length for (length,) in cursor.fetchall()}
    assert len(lengths) == 1, lengths


def test_undoing_the_random_keys_migration_leaves_casting_working():
    """Backwards, the key is an identity column again: it must go on after the kept ballots' ids, not at 1."""
    from django.db.migrations.executor import MigrationExecutor

    public = _secret_vote()
    Vote.objects.filter(pk=public.pk).update(secret=False)
    for i in range(3):  # a public vote's ballots keep their ids (1..3 here) through the migration
        Ballot.objects.create(id=i + 1, vote=public, choices=[1], receipt_hash=f"{i:064x}")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("voting", "0004_acceptance_and_turnout_quorum")])
        with connection.cursor() as cursor:  # as the old code cast: no id given, the identity picks it
            cursor.execute(f"INSERT INTO {Ballot._meta.db_table} (vote_id, choices, receipt_hash, cast_on, "
                           "age_band, gender, district) VALUES (%s, '[2]', %s, CURRENT_DATE, '', '', '') "
                           "RETURNING id", [public.pk, "f" * 64])
            (new_id,) = cursor.fetchone()
        assert new_id > 3
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_staff_see_a_vote_whose_close_keeps_failing_on_their_list(client, settings):
    from tests.factories import AdminFactory

    stuck = _secret_vote()
    services.cast_ballot(vote=stuck, user=ResidentFactory(), choices=[2])
    settings.SECRET_KEY = "a-new-key-" + "w" * 50  # rotated without the fallback: the close cannot open it
    Vote.objects.filter(pk=stuck.pk).update(closes_at=timezone.now() - timedelta(minutes=10))
    tasks.sweep_votes.delay()
    stuck.refresh_from_db()
    assert stuck.state == VoteState.OPEN
    client.force_login(AdminFactory())
    with translation.override("en"):
        page = client.get(reverse("voting:manage")).content.decode()
    assert page.count('data-testid="close-overdue"') == 1 and "SECRET_KEY_FALLBACKS" in page
