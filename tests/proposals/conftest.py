"""Fixtures shared by the proposal page tests."""

import pytest

from proposals import services
from tests.factories import ProposalFactory, ResidentFactory, UserFactory

@pytest.fixture
def citizen():
    return UserFactory()


@pytest.fixture
def published(citizen):
    return ProposalFactory(author=citizen, published=True, title="Shade trees on Jongno-ro")


@pytest.fixture
def escalated(citizen):
    """A proposal escalated through real supports (category thresholds 2 / 3 / 5), with its follow-up."""
    proposal = ProposalFactory(author=citizen, published=True, title="Night buses to Nowon")
    for _ in range(3):
        services.add_support(proposal=proposal, user=ResidentFactory())
    proposal.refresh_from_db()
    return proposal, proposal.follow_ups.get()
