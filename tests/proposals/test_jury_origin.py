"""A proposal written from a citizens' jury's recommendation tells the truth (issue 13): the jury is its
author, it went to the department without supports, and no threshold it skipped is promised."""

import pytest
from django.urls import reverse

from deliberation.juries import services as jury_services
from proposals import services
from proposals.models import TimelineEntry
from proposals.states import Origin, State
from tests.factories import ProposalFactory, ResidentFactory, make_jury, vote_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_juries(settings):
    settings.JURY_MIN_SIZE = 2  # as tests/deliberation/conftest.py: small panels here


def _published_recommendation(proposal=None):
    if proposal is None:
        jury, facilitator, people = make_jury(stage="verdict")
        vote_all(jury, people, ["yes"] * len(people))
    else:
        jury, facilitator, people = make_jury(kind="conference", proposal=proposal, stage="deliberating")
        jury_services.start_drafting(jury=jury, actor=facilitator)
    jury.refresh_from_db()
    jury_services.save_recommendation(jury=jury, actor=facilitator, text="Run night buses every 15 minutes.")
    jury_services.open_adoption_vote(jury=jury, actor=facilitator)
    vote_all(jury, people, ["yes"] * len(people))
    jury_services.publish_recommendation(jury=jury, actor=facilitator)
    jury.refresh_from_db()
    return jury, facilitator


def test_a_jury_proposal_page_names_the_jury_and_promises_no_threshold_it_skipped(client):
    jury, facilitator = _published_recommendation()
    proposal = jury.proposal
    assert proposal.origin == Origin.JURY and proposal.support_count == 0
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    # the timeline: sent by the jury, not "reached 500 supports"
    assert "Recommended by a citizens&#x27; jury: sent directly to the department" in page
    assert "supports and was escalated" not in page
    # the support box: no "50 supports for public deliberation" nor "500 for the department" ahead
    assert 'data-testid="jury-origin-support"' in page
    assert proposal.next_threshold() == (proposal.category.mayor_threshold, "mayor")
    assert "goes to public deliberation" not in page and "goes to the department" not in page
    # the author and the badge
    head = page.split('id="proposal-title"')[1].split("</header>")[0]
    assert reverse("juries:jury", args=[jury.pk]) in head and jury.title in head
    assert facilitator.public_name not in head
    assert 'data-testid="jury-origin"' in page


def test_supports_for_a_jury_proposal_do_not_open_it_for_public_deliberation(settings):
    jury, _facilitator = _published_recommendation()
    proposal = jury.proposal
    proposal.category.deliberation_threshold = 1
    proposal.category.save()
    services.add_support(proposal=proposal, user=ResidentFactory())
    assert not TimelineEntry.objects.filter(proposal=proposal, code="deliberation").exists()


def test_a_citizens_proposal_a_jury_escalated_says_so_and_keeps_its_author(client):
    proposal = ProposalFactory(published=True, state=State.PUBLISHED)
    _published_recommendation(proposal)
    proposal.refresh_from_db()
    assert proposal.origin == Origin.CITIZEN and proposal.state == State.ESCALATED
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Recommended by a citizens&#x27; jury: sent directly to the department" in page
    assert "supports and was escalated" not in page and "goes to the department" not in page
    assert proposal.author.public_name in page.split('id="proposal-title"')[1].split("</header>")[0]


def test_a_citizens_proposal_escalated_by_supports_still_says_how_many(client):
    proposal = ProposalFactory(published=True, state=State.PUBLISHED)
    proposal.category.escalation_threshold = 1
    proposal.category.deliberation_threshold = 1
    proposal.category.save()
    services.add_support(proposal=proposal, user=ResidentFactory())
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Reached 1 supports and was escalated to the department." in page
