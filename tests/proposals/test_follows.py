"""Following a proposal or a vote: who may, what followers are told (once each), by the page's POST button."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from proposals import services
from proposals.models import Follow, Notification
from proposals.states import State
from tests.factories import (
    AdminFactory, FollowUpFactory, ModeratorFactory, OfficerFactory, ProposalFactory, ResidentFactory, UserFactory,
)
from tests.voting.factories import VoteFactory
from voting import services as voting_services
from voting.models import Vote
from voting.states import VoteState

pytestmark = pytest.mark.django_db


def _follow(client, url, user=None, action="follow"):
    if user is not None:
        client.force_login(user)
    return client.post(url, {"action": action})


# --- Who may follow (anonymous, the author, another citizen, a moderator, staff) -------------------------------


@pytest.mark.parametrize("who", ["citizen", "author", "moderator", "staff"])
def test_anyone_signed_in_may_follow_a_public_proposal_once(client, who):
    proposal = ProposalFactory(published=True)
    user = {"citizen": UserFactory(), "author": proposal.author, "moderator": ModeratorFactory(),
            "staff": AdminFactory()}[who]
    url = reverse("proposals:follow", args=[proposal.pk])
    assert _follow(client, url, user).status_code == 302
    assert _follow(client, url).status_code == 302  # twice is once
    assert Follow.objects.filter(user=user, proposal=proposal).count() == 1
    _follow(client, url, action="unfollow")
    assert not Follow.objects.filter(user=user, proposal=proposal).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_stored(client):
    proposal = ProposalFactory(published=True)
    response = _follow(client, reverse("proposals:follow", args=[proposal.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Follow.objects.exists()
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="follow-box"' in page and reverse("proposals:follow", args=[proposal.pk]) not in page


def test_a_hidden_or_draft_proposal_cannot_be_followed(client):
    hidden = ProposalFactory(published=True, state=State.HIDDEN, state_before_hidden=State.PUBLISHED)
    draft = ProposalFactory()
    assert _follow(client, reverse("proposals:follow", args=[hidden.pk]), UserFactory()).status_code == 404
    assert _follow(client, reverse("proposals:follow", args=[draft.pk])).status_code == 404
    # A moderator sees the hidden proposal, but it is not followable: the rule's reason, nothing stored.
    response = _follow(client, reverse("proposals:follow", args=[hidden.pk]), ModeratorFactory())
    assert response.status_code == 302 and not Follow.objects.exists()
    # The author sees their draft; following it is refused too.
    _follow(client, reverse("proposals:follow", args=[draft.pk]), draft.author)
    assert not Follow.objects.exists()


def test_the_button_says_what_the_viewer_can_do(client):
    proposal = ProposalFactory(published=True)
    follower = UserFactory()
    Follow.objects.create(user=follower, proposal=proposal)
    client.force_login(follower)
    assert 'value="unfollow"' in client.get(proposal.get_absolute_url()).content.decode()
    client.force_login(proposal.author)  # the author hears of it already: a note, no button
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'value="follow"' not in page and 'value="unfollow"' not in page


# --- What followers are told ---------------------------------------------------------------------------------


def test_followers_hear_of_an_escalation_once_each_even_when_they_also_support(django_capture_on_commit_callbacks):
    proposal = ProposalFactory(published=True)  # thresholds 2 / 3 / 5
    follower, supporter_follower = UserFactory(), ResidentFactory()
    services.follow_proposal(user=follower, proposal=proposal)
    services.follow_proposal(user=supporter_follower, proposal=proposal)
    services.add_support(proposal=proposal, user=supporter_follower)
    services.add_support(proposal=proposal, user=ResidentFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.add_support(proposal=proposal, user=ResidentFactory())  # the third: escalated
    notes = Notification.objects.filter(kind=Notification.Kind.ESCALATED, proposal=proposal)
    assert notes.filter(user=follower).count() == 1
    assert notes.filter(user=supporter_follower).count() == 1
    assert notes.filter(user=proposal.author).count() == 1


def _open_vote(**fields) -> Vote:
    vote = VoteFactory(state=VoteState.SCHEDULED, **fields)
    return vote


def test_vote_followers_hear_of_the_opening_the_close_and_the_results(django_capture_on_commit_callbacks):
    vote = _open_vote()
    follower, other = UserFactory(email="follows@example.org"), UserFactory()
    voting_services.follow_vote(user=follower, vote=vote)
    with django_capture_on_commit_callbacks(execute=True):
        voting_services.sweep_votes(now=vote.opens_at + timedelta(seconds=1))
        voting_services.sweep_votes(now=vote.closes_at + timedelta(seconds=1))  # closes and tallies
    kinds = list(Notification.objects.filter(user=follower).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["vote_opened", "vote_closed", "vote_results"]
    assert not Notification.objects.filter(user=other).exists()
    assert [m.to for m in mail.outbox] == [["follows@example.org"]] * 3
    assert vote.title in mail.outbox[2].body and reverse("voting:results", args=[vote.pk]) in mail.outbox[2].body


@pytest.mark.parametrize("who, status, follows", [
    ("anonymous", 302, False), ("citizen", 302, True), ("staff", 302, True),
])
def test_following_a_vote_by_role(client, who, status, follows):
    vote = _open_vote()
    user = {"anonymous": None, "citizen": UserFactory(), "staff": AdminFactory()}[who]
    response = _follow(client, reverse("voting:follow", args=[vote.pk]), user)
    assert response.status_code == status
    assert Follow.objects.filter(vote=vote).exists() is follows
    if who == "anonymous":
        assert "login" in response["Location"]


def test_a_draft_vote_is_a_404_to_citizens_and_a_counted_vote_is_not_followable(client):
    draft = VoteFactory(state=VoteState.DRAFT)
    citizen = UserFactory()
    assert _follow(client, reverse("voting:follow", args=[draft.pk]), citizen).status_code == 404
    tallied = VoteFactory(state=VoteState.TALLIED)
    _follow(client, reverse("voting:follow", args=[tallied.pk]))
    assert not Follow.objects.exists()
    page = client.get(reverse("voting:detail", args=[tallied.pk])).content.decode()
    assert reverse("voting:follow", args=[tallied.pk]) not in page


def test_the_vote_page_offers_follow_then_unfollow(client):
    vote = _open_vote()
    client.force_login(UserFactory())
    assert 'value="follow"' in client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    _follow(client, reverse("voting:follow", args=[vote.pk]))
    assert 'value="unfollow"' in client.get(reverse("voting:detail", args=[vote.pk])).content.decode()


def test_vote_followers_hear_the_departments_answer_and_progress_on_its_outcome(client):
    vote = VoteFactory(state=VoteState.TALLIED)
    follower = UserFactory()
    Follow.objects.create(user=follower, vote=vote)
    follow_up = FollowUpFactory(proposal=None, vote=vote, option_position=1, title="도서관 짓기")
    officer = OfficerFactory(department=follow_up.department)
    services.publish_answer(officer=officer, follow_up=follow_up, verdict="accepted", body="추진합니다.")
    services.update_progress(officer=officer, follow_up=follow_up, body="설계 중", percent=30)
    notes = Notification.objects.filter(user=follower).order_by("pk")
    assert [n.kind for n in notes] == ["answered", "progress"]
    client.force_login(follower)
    page = client.get(reverse("proposals:notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The department answered “도서관 짓기”." in page
    assert f'href="{reverse("voting:detail", args=[vote.pk])}"' in page
