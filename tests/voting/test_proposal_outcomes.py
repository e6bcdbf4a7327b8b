"""A yes/no vote on a proposal decides it: the proposal's state and timeline follow the result, the
department answers the item the vote created; opening and closing happen at the exact time."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from proposals import services as proposal_services
from proposals.models import FollowUp, TimelineEntry
from proposals.states import State, Verdict
from proposals.views.timeline import describe
from tests.factories import AdminFactory, FollowUpFactory, OfficerFactory, ProposalFactory, ResidentFactory
from tests.processes import celery_worker
from voting import services
from voting.models import Option, Vote
from voting.states import VoteKind, VoteState

pytestmark = pytest.mark.django_db


def _yes_no(proposal, *, state=VoteState.OPEN, quorum=None, opens_in=-3600, closes_in=86400):
    now = timezone.now()
    vote = Vote.objects.create(
        title=f"Vote on: {proposal.title}", question="Adopt it?", kind=VoteKind.YES_NO, state=state, proposal=proposal,
        department=proposal.category.default_department, quorum=quorum,
        opens_at=now + timedelta(seconds=opens_in), closes_at=now + timedelta(seconds=closes_in))
    for position, label in enumerate(("Yes", "No", "Abstain"), start=1):
        Option.objects.create(vote=vote, position=position, label=label)
    return vote


def _vote_and_close(vote, choices):
    for choice in choices:
        services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[choice])
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    services.sweep_votes()
    vote.refresh_from_db()
    return vote


def _last_entry(proposal) -> str:
    with translation.override("en"):  # the message ids; Korean is checked by tests/test_i18n.py
        return describe(TimelineEntry.objects.filter(proposal=proposal).latest("pk"))


def test_a_passed_vote_adopts_the_proposal_and_the_department_answers_its_item():
    proposal = ProposalFactory(published=True)
    vote = _vote_and_close(_yes_no(proposal), [1, 1, 1, 2, 3])
    proposal.refresh_from_db()
    assert (vote.result["passed"], proposal.state) == (True, State.ADOPTED)
    assert _last_entry(proposal) == "Adopted by a citizens' vote: 3 yes, 1 no, 1 abstentions."

    item = FollowUp.objects.get(vote=vote)
    assert (item.proposal_id, item.department_id) == (proposal.pk, proposal.category.default_department_id)
    officer = OfficerFactory(department=item.department)
    proposal_services.publish_answer(officer=officer, follow_up=item, verdict=Verdict.ACCEPTED, body="We will.")
    proposal.refresh_from_db()
    assert proposal.state == State.ANSWERED


def test_a_failed_vote_rejects_the_proposal_and_creates_no_item():
    proposal = ProposalFactory(published=True)
    vote = _vote_and_close(_yes_no(proposal), [1, 2, 2])
    proposal.refresh_from_db()
    assert (vote.result["passed"], proposal.state) == (False, State.REJECTED)
    assert _last_entry(proposal) == "Not adopted by a citizens' vote: 1 yes, 2 no, 0 abstentions."
    assert not FollowUp.objects.filter(vote=vote).exists()


def test_a_vote_short_of_its_quorum_decides_nothing_in_favour():
    proposal = ProposalFactory(published=True)
    _vote_and_close(_yes_no(proposal, quorum=5), [1, 1, 1])
    proposal.refresh_from_db()
    assert proposal.state == State.REJECTED
    assert "turnout fell short of the quorum (3 yes, 0 no, 0 abstentions)" in _last_entry(proposal)


def test_an_escalated_proposal_keeps_one_item_which_the_vote_joins():
    item = FollowUpFactory()  # escalated: the department already has an item to answer
    proposal = item.proposal
    vote = _vote_and_close(_yes_no(proposal), [1, 1])
    proposal.refresh_from_db()
    item.refresh_from_db()
    assert proposal.state == State.ADOPTED
    assert list(FollowUp.objects.filter(proposal=proposal).values_list("pk", flat=True)) == [item.pk]
    assert item.vote_id == vote.pk and vote.result["follow_ups"] == 1


def test_a_proposal_already_answered_keeps_its_state_and_the_result_is_on_its_timeline():
    item = FollowUpFactory(answered=True)
    proposal = item.proposal
    _vote_and_close(_yes_no(proposal), [2, 2, 1])
    proposal.refresh_from_db()
    assert proposal.state == State.ANSWERED
    assert _last_entry(proposal) == "Not adopted by a citizens' vote: 1 yes, 2 no, 0 abstentions."


def test_opening_the_vote_is_on_the_proposal_timeline_and_its_page_links_the_vote(client, settings):
    settings.ANONYMOUS_PAGE_SECONDS = 0  # the page read again at once, as a signed-in reader would see it
    proposal = ProposalFactory(published=True)
    vote = _yes_no(proposal, state=VoteState.SCHEDULED, opens_in=-1)
    services.sweep_votes()
    assert _last_entry(proposal) == f"Put to a citizens' vote: “{vote.title}”."
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'data-testid="proposal-vote"' in page and reverse("voting:detail", args=[vote.pk]) in page
    assert "Put this proposal to a vote" not in page  # only for staff

    _vote_and_close(vote, [1, 1, 2])
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "2 yes, 1 no, 0 abstentions" in page and reverse("voting:results", args=[vote.pk]) in page
    client.force_login(AdminFactory())
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert f"{reverse('voting:create')}?proposal={proposal.pk}" in page


def test_a_draft_vote_on_a_proposal_is_not_shown_to_the_public(client):
    proposal = ProposalFactory(published=True)
    _yes_no(proposal, state=VoteState.DRAFT)
    assert 'data-testid="proposal-vote"' not in client.get(
        reverse("proposals:detail", args=[proposal.pk])).content.decode()


# --- Exact-time tasks ---------------------------------------------------------------------------------

def test_a_task_before_its_time_or_after_an_extension_does_nothing():
    proposal = ProposalFactory(published=True)
    vote = _yes_no(proposal)
    assert services.move_vote_if_due(vote_id=vote.pk) is False  # closes tomorrow
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.move_vote_if_due(vote_id=vote.pk) is True
    assert services.move_vote_if_due(vote_id=vote.pk) is False  # twice: idempotent
    assert services.tally(vote_id=vote.pk) is True and services.tally(vote_id=vote.pk) is False


WORKER_READY_SECONDS = 20  # worker start-up on a loaded machine, not a speed assertion


def _wait(predicate, *, timeout, process, log_path):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        assert process.poll() is None, "the worker exited:\n" + log_path.read_text()[-3000:]
        time.sleep(0.1)
    pytest.fail("timed out; worker log:\n" + log_path.read_text()[-3000:])


def _wait_until_ready(worker, log_path) -> None:
    _wait(lambda: "ready." in log_path.read_text(errors="replace"), timeout=WORKER_READY_SECONDS, process=worker,
          log_path=log_path)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_opens_closes_and_tallies_a_vote_at_its_times(broker, tmp_path):
    log_path = tmp_path / "worker.log"
    with celery_worker(log_path) as worker:
        _wait_until_ready(worker, log_path)
        proposal = ProposalFactory(published=True)
        vote = _yes_no(proposal, state=VoteState.DRAFT, opens_in=2, closes_in=4)
        services.schedule(vote=vote, actor=AdminFactory())  # queues open_vote and close_vote; no beat runs
        _wait(lambda: Vote.objects.get(pk=vote.pk).state == VoteState.OPEN, timeout=10, process=worker,
              log_path=log_path)
        assert timezone.now() >= vote.opens_at  # not before its time
        services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[1])
        _wait(lambda: Vote.objects.get(pk=vote.pk).state == VoteState.TALLIED, timeout=10, process=worker,
              log_path=log_path)
        vote.refresh_from_db()
        assert vote.tallied_at >= vote.closes_at
        assert vote.result["passed"] is True
        log = log_path.read_text(errors="replace")
        assert "voting.tasks.close_vote" in log and "voting.tasks.tally_vote" in log


def test_only_times_before_the_next_sweep_are_armed():
    from voting import selectors

    now = timezone.now()
    proposal = ProposalFactory(published=True)
    soon = _yes_no(proposal, state=VoteState.SCHEDULED, opens_in=20, closes_in=3600)
    later = _yes_no(proposal, state=VoteState.SCHEDULED, opens_in=3600, closes_in=7200)
    closing = _yes_no(proposal, state=VoteState.OPEN, closes_in=30)
    passed = _yes_no(proposal, state=VoteState.OPEN, closes_in=-1)  # the sweep moves it; nothing to arm
    due = selectors.votes_due_soon(now=now, within_seconds=35)
    assert sorted((move, pk) for move, pk, _at in due) == sorted([("open", soon.pk), ("close", closing.pk)])
    assert later.pk not in {pk for _m, pk, _at in due} and passed.pk not in {pk for _m, pk, _at in due}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_arms_a_real_worker_for_a_time_before_the_next_sweep(broker, tmp_path):
    from voting import tasks

    log_path = tmp_path / "worker.log"
    with celery_worker(log_path) as worker:
        _wait_until_ready(worker, log_path)
        vote = _yes_no(ProposalFactory(published=True), state=VoteState.SCHEDULED, opens_in=3, closes_in=3600)
        result = tasks.sweep_votes()  # what beat runs: nothing is due yet, the opening is armed
        assert result == {"moved": 0, "armed": 1}
        _wait(lambda: Vote.objects.get(pk=vote.pk).state == VoteState.OPEN, timeout=10, process=worker,
              log_path=log_path)
        assert timezone.now() >= vote.opens_at
        assert "voting.tasks.open_vote" in log_path.read_text(errors="replace")
