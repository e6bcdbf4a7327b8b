"""Factories for votes (the staff pages' tests): a draft with its options, made directly in the database."""

from datetime import timedelta

import factory
from django.utils import timezone

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
