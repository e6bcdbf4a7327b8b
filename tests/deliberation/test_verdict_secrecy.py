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

from deliberation.jury_models import VerdictBallot, VerdictVoter
from tests.deliberation.test_juries import make_jury
from tests.linkage import best_linkage, chance_bound, rows

pytestmark = pytest.mark.django_db(transaction=True)

OPTIONS = ["A", "B", "C", "D", "E"]


def test_the_roll_cannot_be_linked_to_secret_verdict_ballots_by_transaction_place_or_key(client):
    jury, _facilitator, people = make_jury(jurors=20, rule="ranked", options=OPTIONS, stage="verdict")
    verdict = jury.verdicts.get()
    rankings = random.sample(list(itertools.permutations(OPTIONS)), len(people))  # all different
    owner_of = {}
    for person, ranking in zip(people, rankings):
        client.force_login(person)
        response = client.post(reverse("deliberation:jury_verdict", args=[jury.pk]), {"ranking": list(ranking)})
        assert response.status_code == 302
        owner_of[ranking] = person.pk
        if len(owner_of) < len(people):  # open: nothing readable that a live reader could follow
            assert not VerdictBallot.objects.filter(verdict=verdict).exists()

    verdict.refresh_from_db()
    assert verdict.state == "closed" and verdict.result["cast"] == 20  # every ballot counted, once
    roll = rows(VerdictVoter._meta.db_table, "verdict_id = %s", [verdict.pk], "user_id")
    for row in roll:
        row["who"] = row["user_id"]
    ballots = rows(VerdictBallot._meta.db_table, "verdict_id = %s", [verdict.pk], "choice")
    for ballot in ballots:
        ballot["choice"] = json.loads(ballot["choice"]) if isinstance(ballot["choice"], str) else ballot["choice"]
    assert len(roll) == len(ballots) == 20
    assert sorted(tuple(b["choice"]) for b in ballots) == sorted(owner_of)
    linked = best_linkage(roll, ballots, owner=lambda b: owner_of[tuple(b["choice"])])
    bound = chance_bound()
    print(f"linkage: {linked}, chance bound: {bound}")
    assert all(right < bound for right in linked.values()), (linked, bound)
