"""A jury's secret verdict against someone who reads the database (docs/juries.md "Secret verdicts").

Twenty seated jurors (the largest jury) vote over HTTP, each in their own transaction, each with a
ranking no one else gives (so the test knows whose ballot is whose). Linking the roll (VerdictVoter)
to the ballots (VerdictBallot) by xmin, ctid or key must do no better than chance (tests/linkage.py).
"""

import itertools
import json
import random

import pytest
from django.urls import reverse

from deliberation.juries.models import VerdictBallot, VerdictVoter
from tests.factories import make_jury
from tests.linkage import best_linkage, chance_bound, rows

pytestmark = pytest.mark.django_db(transaction=True)

OPTIONS = ["A", "B", "C", "D", "E"]


def _roll_and_ballots(verdict) -> tuple[list[dict], list[dict]]:
    """The roll's rows (``who`` voted) and the ballots' rows with their system columns, as an attacker reads them."""
    roll = rows(VerdictVoter._meta.db_table, "verdict_id = %s", [verdict.pk], "user_id")
    for row in roll:
        row["who"] = row["user_id"]
    ballots = rows(VerdictBallot._meta.db_table, "verdict_id = %s", [verdict.pk], "choice")
    for ballot in ballots:
        ballot["choice"] = json.loads(ballot["choice"]) if isinstance(ballot["choice"], str) else ballot["choice"]
    return roll, ballots


def test_the_roll_cannot_be_linked_to_secret_verdict_ballots_by_transaction_place_or_key(client):
    jury, _facilitator, people = make_jury(jurors=20, rule="ranked", options=OPTIONS, stage="verdict")
    verdict = jury.verdicts.get()
    rankings = random.sample(list(itertools.permutations(OPTIONS)), len(people))  # all different
    owner_of = {}
    for person, ranking in zip(people, rankings):
        client.force_login(person)
        response = client.post(reverse("juries:jury_verdict", args=[jury.pk]), {"ranking": list(ranking)})
        assert response.status_code == 302
        owner_of[ranking] = person.pk
        if len(owner_of) < len(people):  # open: nothing readable that a live reader could follow
            assert not VerdictBallot.objects.filter(verdict=verdict).exists()

    verdict.refresh_from_db()
    assert verdict.state == "closed" and verdict.result["cast"] == 20  # every ballot counted, once
    roll, ballots = _roll_and_ballots(verdict)
    assert len(roll) == len(ballots) == 20
    assert sorted(tuple(b["choice"]) for b in ballots) == sorted(owner_of)
    linked = best_linkage(roll, ballots, owner=lambda b: owner_of[tuple(b["choice"])])
    bound = chance_bound()
    print(f"linkage: {linked}, chance bound: {bound}")
    assert all(right < bound for right in linked.values()), (linked, bound)


@pytest.mark.parametrize("rule, options, choices", [
    ("majority", (), ["yes", "no", "abstain"]),
    ("ranked", OPTIONS, [["A"], ["B", "C"], list(OPTIONS)]),
])
def test_every_sealed_verdict_ballot_is_as_long_as_any_other(client, rule, options, choices):
    """Unpadded, "yes", "no" and "abstain" sealed to 45, 44 and 49 bytes: the length was the vote."""
    from django.db import connection

    from deliberation.juries.models import SealedVerdictBallot

    jury, _facilitator, people = make_jury(jurors=10, rule=rule, options=options, stage="verdict")
    verdict = jury.verdicts.get()
    for person, choice in zip(people, choices):  # jurors still to vote: the verdict stays open
        client.force_login(person)
        data = {"ranking": choice} if rule == "ranked" else {"choice": choice}
        assert client.post(reverse("juries:jury_verdict", args=[jury.pk]), data).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT octet_length(sealed) FROM {SealedVerdictBallot._meta.db_table} "
                       "WHERE verdict_id = %s", [verdict.pk])
        lengths = [length for (length,) in cursor.fetchall()]
    assert len(lengths) == len(choices) and len(set(lengths)) == 1, lengths


def test_verdict_ballots_stored_before_the_sealed_box_are_rewritten_beyond_linking():
    import importlib

    from django.apps import apps
    from django.db import transaction

    from deliberation.juries.models import VerdictBallot, VerdictVoter

    migration = importlib.import_module("deliberation.migrations.0015_rewrite_verdict_ballots")
    jury, _facilitator, people = make_jury(jurors=20, rule="ranked", options=OPTIONS, stage="verdict")
    verdict = jury.verdicts.get()
    rankings = random.sample(list(itertools.permutations(OPTIONS)), len(people))
    owner_of = {}
    for person, ranking in zip(people, rankings):  # as stored before: roll and ballot in one transaction
        with transaction.atomic():
            VerdictVoter.objects.create(verdict=verdict, user=person)
            VerdictBallot.objects.create(verdict=verdict, choice=list(ranking))
        owner_of[ranking] = person.pk

    def linkage() -> dict:
        roll, ballots = _roll_and_ballots(verdict)
        return best_linkage(roll, ballots, owner=lambda b: owner_of[tuple(b["choice"])])

    assert linkage()["xmin order"] == 20  # linkable as stored
    migration.rewrite_verdict_ballots(apps, None)
    found = linkage()
    assert all(right < chance_bound() for right in found.values()), found
    assert sorted(tuple(c) for c in VerdictBallot.objects.filter(verdict=verdict).values_list("choice", flat=True)) \
        == sorted(owner_of)


def test_the_last_jurors_ballot_is_kept_when_no_key_opens_the_others_and_the_close_says_what_to_do(client, settings):
    from django.utils import translation

    from deliberation.juries import services
    from deliberation.juries.models import SealedVerdictBallot, VerdictVoter
    from deliberation.juries.services.juries import JuryError

    jury, facilitator, people = make_jury(jurors=10, rule="majority", stage="verdict")
    verdict = jury.verdicts.get()
    for person in people[:-1]:
        services.cast_ballot(verdict=verdict, user=person, choice="yes")
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "z" * 50  # rotated without the fallback
    client.force_login(people[-1])
    response = client.post(reverse("juries:jury_verdict", args=[jury.pk]), {"choice": "no"})
    assert response.status_code == 302  # a 500 before: the close that the last ballot starts failed
    verdict.refresh_from_db()
    assert verdict.state == "open"
    assert VerdictVoter.objects.filter(verdict=verdict).count() == SealedVerdictBallot.objects.filter(
        verdict=verdict).count() == 10  # nothing lost

    with translation.override("en"), pytest.raises(JuryError, match="SECRET_KEY_FALLBACKS"):
        services.close_verdict(verdict=verdict, actor=facilitator)
    settings.SECRET_KEY_FALLBACKS = [old]
    services.close_verdict(verdict=verdict, actor=facilitator)
    verdict.refresh_from_db()
    assert verdict.state == "closed" and verdict.result["cast"] == 10
