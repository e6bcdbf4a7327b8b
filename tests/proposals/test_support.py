"""Support (공감): who may support, once each, withdrawing, and counting under concurrency."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from proposals import services
from proposals.models import Proposal, Support
from proposals.states import State
from tests.factories import (
    CategoryFactory, ModeratorFactory, ProposalFactory, ResidentFactory, SupportFactory, UserFactory,
)
from tests.races import run_together

pytestmark = pytest.mark.django_db


def _count(proposal) -> tuple[int, int]:
    """(support_count column, Support rows): the two must always agree."""
    return Proposal.objects.get(pk=proposal.pk).support_count, Support.objects.filter(proposal=proposal).count()


def _open_proposal(**kwargs):
    # Thresholds out of reach: these tests are about counting, not escalation.
    category = CategoryFactory(deliberation_threshold=1000, escalation_threshold=1000, mayor_threshold=1000)
    return ProposalFactory(published=True, category=category, **kwargs)


def test_verified_resident_support_is_counted():
    proposal = _open_proposal()
    resident = ResidentFactory()

    result = services.add_support(proposal=proposal, user=resident)

    assert result.support_count == 1
    assert _count(proposal) == (1, 1)
    assert Support.objects.get(proposal=proposal).user == resident


@pytest.mark.parametrize("make_user", [AnonymousUser, UserFactory, ModeratorFactory],
                         ids=["anonymous", "unverified-citizen", "unverified-moderator"])
def test_only_verified_residents_can_support(make_user):
    proposal = _open_proposal()

    with pytest.raises(PermissionDenied):
        services.add_support(proposal=proposal, user=make_user())

    assert _count(proposal) == (0, 0)


def test_second_support_by_same_citizen_is_refused():
    proposal = _open_proposal()
    resident = ResidentFactory()
    services.add_support(proposal=proposal, user=resident)

    with pytest.raises(ValidationError) as excinfo:
        services.add_support(proposal=proposal, user=resident)

    assert excinfo.value.code == "duplicate_support"
    assert _count(proposal) == (1, 1)


def test_database_refuses_a_second_support_row():
    support = SupportFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=support.proposal, user=support.user)

    assert Support.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"support_closes_at": timezone.now() - timedelta(seconds=1)},
        {"support_closed_at": timezone.now()},
        {"state": State.CLOSED},
        {"state": State.WITHDRAWN},
        {"state": State.HIDDEN, "state_before_hidden": State.PUBLISHED},
        {"state": State.ANSWERED},
    ],
    ids=["deadline-passed", "window-closed", "closed", "withdrawn", "hidden", "answered"],
)
def test_support_is_refused_when_the_window_is_not_open(fields):
    proposal = _open_proposal(**fields)

    with pytest.raises(PermissionDenied):
        services.add_support(proposal=proposal, user=ResidentFactory())

    assert _count(proposal) == (0, 0)


def test_support_on_a_draft_is_refused():
    proposal = ProposalFactory()

    with pytest.raises(PermissionDenied):
        services.add_support(proposal=proposal, user=ResidentFactory())

    assert _count(proposal) == (0, 0)


def test_withdrawing_support_while_open_decrements_the_count():
    proposal = _open_proposal()
    stays, leaves = ResidentFactory(), ResidentFactory()
    services.add_support(proposal=proposal, user=stays)
    services.add_support(proposal=proposal, user=leaves)

    result = services.withdraw_support(proposal=proposal, user=leaves)

    assert result.support_count == 1
    assert _count(proposal) == (1, 1)
    assert Support.objects.get(proposal=proposal).user == stays


def test_withdrawn_support_can_be_given_again():
    proposal = _open_proposal()
    resident = ResidentFactory()
    services.add_support(proposal=proposal, user=resident)
    services.withdraw_support(proposal=proposal, user=resident)

    services.add_support(proposal=proposal, user=resident)

    assert _count(proposal) == (1, 1)


def test_withdrawing_a_support_never_given_is_refused():
    proposal = _open_proposal()
    services.add_support(proposal=proposal, user=ResidentFactory())

    with pytest.raises(ValidationError) as excinfo:
        services.withdraw_support(proposal=proposal, user=ResidentFactory())

    assert excinfo.value.code == "no_support"
    assert _count(proposal) == (1, 1)


def test_withdrawing_support_after_the_window_closes_is_refused():
    proposal = _open_proposal()
    resident = ResidentFactory()
    services.add_support(proposal=proposal, user=resident)
    Proposal.objects.filter(pk=proposal.pk).update(support_closes_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(PermissionDenied):
        services.withdraw_support(proposal=proposal, user=resident)

    assert _count(proposal) == (1, 1)


def test_support_uses_the_stored_row_not_a_stale_copy():
    proposal = _open_proposal()
    stale = Proposal.objects.get(pk=proposal.pk)
    Proposal.objects.filter(pk=proposal.pk).update(support_closed_at=timezone.now())

    with pytest.raises(PermissionDenied):
        services.add_support(proposal=stale, user=ResidentFactory())

    assert _count(proposal) == (0, 0)


# --- Concurrency: real threads, each with its own connection (PostgreSQL row locks) --------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_residents_supporting_at_once_are_all_counted():
    assert connection.vendor == "postgresql", "needs PostgreSQL (row locks); run under tests/services/with-services.sh"
    proposal = ProposalFactory(published=True)  # thresholds 2/3/5: escalation races too
    residents = ResidentFactory.create_batch(20)

    errors = run_together(*[
        (lambda user=user: services.add_support(proposal=proposal, user=user)) for user in residents
    ])

    assert errors == []
    assert _count(proposal) == (20, 20)
    proposal.refresh_from_db()
    assert proposal.state == State.ESCALATED
    assert proposal.follow_ups.count() == 1
    assert proposal.timeline.filter(code="deliberation").count() == 1
    assert proposal.timeline.filter(code="mayor").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_resident_supporting_from_ten_threads_counts_once():
    assert connection.vendor == "postgresql", "needs PostgreSQL (row locks); run under tests/services/with-services.sh"
    proposal = _open_proposal()
    resident = ResidentFactory()

    errors = run_together(*[lambda: services.add_support(proposal=proposal, user=resident)] * 10)

    assert len(errors) == 9
    assert all(isinstance(e, ValidationError) and e.code == "duplicate_support" for e in errors), errors
    assert _count(proposal) == (1, 1)
