"""Authorization over HTTP, as a matrix: every role against every page and action, on other people's objects.

The expected table is written out as data below. A GET is allowed when it answers 200 and refused
when it answers 302 (to the login page), 403 or 404; a POST is allowed when its effect is in the
database afterwards and refused when nothing changed. Either way the server never answers 500.
(tests/proposals/test_rules_matrix.py checks the same rules one level down, on the services.)
"""

import pytest
from django.test import Client

from proposals import services
from proposals.models import FollowUp, Proposal, Support
from tests.factories import (
    AdminFactory, CategoryFactory, DepartmentFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory,
    ProposalFactory, ResidentFactory, UserFactory,
)

ROLES = ["anonymous", "citizen", "resident", "author", "facilitator", "officer", "other_officer", "moderator",
         "admin"]
# action -> the roles allowed to do it; everyone else is refused.
ALLOWED = {
    "view_draft": {"author"},
    "view_hidden": {"author", "moderator", "admin"},
    "edit_draft_page": {"author"},
    "publish_draft": {"author"},
    "withdraw_published": {"author"},
    "support": {"resident", "author"},  # the verified residents among the roles
    "comment": {"citizen", "resident", "author", "facilitator", "officer", "other_officer", "moderator", "admin"},
    "follow_up_queue_page": {"officer", "other_officer"},  # each sees their own department's queue
    "follow_up_work_page": {"officer"},
    "publish_answer": {"officer"},
    "moderation_page": {"moderator", "admin"},
    "hide_proposal": {"moderator", "admin"},
    "verify_residents_page": {"moderator", "admin"},
}
CASES = [(role, action) for action in ALLOWED for role in ROLES]


@pytest.fixture
def world(db):
    department, other = DepartmentFactory(code="transport"), DepartmentFactory(code="welfare")
    category = CategoryFactory(default_department=department, escalation_threshold=100, mayor_threshold=200)
    author = ResidentFactory()
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "resident": ResidentFactory(),
        "author": author,
        "facilitator": FacilitatorFactory(),
        "officer": OfficerFactory(department=department),
        "other_officer": OfficerFactory(department=other),
        "moderator": ModeratorFactory(),
        "admin": AdminFactory(),
    }
    draft = ProposalFactory(author=author, category=category)
    published = ProposalFactory(author=author, category=category, published=True)
    hidden = ProposalFactory(author=author, category=category, published=True)
    services.hide_proposal(moderator=people["moderator"], proposal=hidden, reason="test")
    escalated = ProposalFactory(author=author, category=category, published=True)
    from django.utils import timezone

    follow_up = services.escalate(proposal=escalated, level="department", now=timezone.now())
    return {"people": people, "draft": draft, "published": published, "hidden": hidden, "escalated": escalated,
            "follow_up": follow_up}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(client, url) -> bool:
    status = client.get(url).status_code
    assert status in (200, 302, 403, 404), f"GET {url} answered {status}"
    return status == 200


def _post(client, url, data) -> None:
    status = client.post(url, data).status_code
    assert status < 500, f"POST {url} answered {status}"


def _do(action: str, client: Client, w: dict) -> bool:
    """Perform the action; return True if it was carried out (page shown or effect stored)."""
    draft, published, hidden, follow_up = w["draft"], w["published"], w["hidden"], w["follow_up"]
    if action == "view_draft":
        return _get(client, f"/proposals/{draft.pk}/")
    if action == "view_hidden":
        return _get(client, f"/proposals/{hidden.pk}/")
    if action == "edit_draft_page":
        return _get(client, f"/proposals/{draft.pk}/edit/")
    if action == "publish_draft":
        _post(client, f"/proposals/{draft.pk}/publish/", {})
        return Proposal.objects.get(pk=draft.pk).state == "published"
    if action == "withdraw_published":
        _post(client, f"/proposals/{published.pk}/withdraw/", {"reason": "no longer needed"})
        return Proposal.objects.get(pk=published.pk).state == "withdrawn"
    if action == "support":
        _post(client, f"/proposals/{published.pk}/support/", {"action": "add"})
        return Support.objects.filter(proposal=published).exists()
    if action == "comment":
        _post(client, f"/proposals/{published.pk}/comments/", {"body": "matrix comment"})
        return published.comments.filter(body="matrix comment").exists()
    if action == "follow_up_queue_page":
        return _get(client, "/follow-ups/queue/")
    if action == "follow_up_work_page":
        return _get(client, f"/follow-ups/{follow_up.pk}/work/")
    if action == "publish_answer":
        _post(client, f"/follow-ups/{follow_up.pk}/work/",
              {"form": "answer", "answer-verdict": "accepted", "answer-body": "We will do it."})
        return FollowUp.objects.get(pk=follow_up.pk).state == "answered"
    if action == "moderation_page":
        return _get(client, "/moderation/")
    if action == "hide_proposal":
        _post(client, f"/proposals/{published.pk}/moderate/", {"action": "hide", "reason": "abusive"})
        return Proposal.objects.get(pk=published.pk).state == "hidden"
    if action == "verify_residents_page":
        return _get(client, "/accounts/residents/")
    raise AssertionError(action)


@pytest.mark.parametrize(("role", "action"), CASES, ids=[f"{r}-{a}" for r, a in CASES])
def test_role_may_do_action_only_when_the_table_says_so(world, role, action):
    client = _client(world["people"][role])
    assert _do(action, client, world) is (role in ALLOWED[action])


def test_hidden_proposal_is_absent_from_public_listing_and_export(world):
    client = Client()
    hidden = world["hidden"]
    assert hidden.title not in client.get("/proposals/").content.decode()
    for fmt in ("csv", "json"):
        response = client.get(f"/proposals/export.{fmt}")
        exported = b"".join(response.streaming_content).decode()
        assert world["published"].title in exported
        assert hidden.title not in exported
