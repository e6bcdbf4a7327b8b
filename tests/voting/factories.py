"""Factories for votes (the staff pages' tests): a draft with its options, made directly in the database."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import ResidentFactory
from voting import services
from voting.models import Option, Vote
from voting.states import VoteKind, VoteState


class VoteFactory(factory.django.DjangoModelFactory):
    """A single-choice draft opening in an hour with options A, B, C; ``options=[...]`` for others."""

    class Meta:
        model = Vote
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Vote {n}")
    question = "Which one?"
    kind = VoteKind.SINGLE
    state = VoteState.DRAFT
    secret = True
    opens_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + timedelta(days=7))

    @factory.post_generation
    def options(self, create, labels, **kwargs):
        if not create:
            return
        for position, label in enumerate(labels if labels is not None else ["A", "B", "C"], start=1):
            Option.objects.create(vote=self, position=position, label=label)


# --- An open vote, ballots in it, and its close (the downloads' tests) -------------------------------------


def make_vote(*, kind=VoteKind.SINGLE, labels=("Park", "Library", "Pool"), costs=None, **fields) -> Vote:
    now = timezone.now()
    vote = Vote.objects.create(title="Where first", question="Which?", kind=kind, state=VoteState.OPEN,
                               opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(hours=1), **fields)
    for position, label in enumerate(labels, start=1):
        Option.objects.create(vote=vote, position=position, label=label, cost=(costs or {}).get(position),
                              external_id=f"p{position}" if costs else "")
    return vote


def cast_all(vote, ballots, **profile) -> list[str]:
    return [services.cast_ballot(vote=vote, user=ResidentFactory(**profile), choices=c)[1] for c in ballots]


def close(vote) -> Vote:
    services.sweep_votes(now=vote.closes_at + timedelta(seconds=1))
    return Vote.objects.get(pk=vote.pk)
