"""Who may do what, at the service level: every role against every action, as one explicit table.

Every signed-in role except "unverified" is a verified resident here, so the table shows what each
role's rules decide rather than the residency check (which test_support.py covers).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from proposals import services
from proposals.states import FollowUpState, State, Verdict
from tests.factories import (
    AdminFactory, CategoryFactory, FacilitatorFactory, FollowUpFactory, ModeratorFactory, OfficerFactory,
    ProposalFactory, ResidentFactory, UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "unverified", "verified", "author", "facilitator", "officer", "other_officer",
         "moderator", "admin")

Y, N = True, False
TABLE = {
    #                          anon  unver verif author facil offic other  mod   admin
    "edit_draft":             (N,    N,    N,    Y,     N,    N,    N,     N,    N),
    "publish":                (N,    N,    N,    Y,     N,    N,    N,     N,    N),
    "withdraw":               (N,    N,    N,    Y,     N,    N,    N,     N,    N),
    "support":                (N,    N,    Y,    Y,     Y,    Y,    Y,     Y,    Y),
    "comment":                (N,    Y,    Y,    Y,     Y,    Y,    Y,     Y,    Y),
    "flag":                   (N,    Y,    Y,    N,     Y,    Y,    Y,     Y,    Y),
    "hide":                   (N,    N,    N,    N,     N,    N,    N,     Y,    Y),
    "restore":                (N,    N,    N,    N,     N,    N,    N,     Y,    Y),
    "request_clarification":  (N,    N,    N,    N,     N,    Y,    N,     N,    N),
    "reply_to_clarification": (N,    N,    N,    Y,     N,    N,    N,     N,    N),
    "publish_answer":         (N,    N,    N,    N,     N,    Y,    N,     N,    N),
    "update_progress":        (N,    N,    N,    N,     N,    Y,    N,     N,    N),
}
EXPECTED: dict[tuple[str, str], bool] = {
    (role, action): allowed for action, row in TABLE.items() for role, allowed in zip(ROLES, row, strict=True)
}


@pytest.fixture
def world():
    """One author's proposals in every state an action needs, and a follow-up in the right department."""
    category = CategoryFactory(deliberation_threshold=100, escalation_threshold=100, mayor_threshold=100)
    department = category.default_department
    author = ResidentFactory()
    people = {
        "anonymous": AnonymousUser(),
        "unverified": UserFactory(),
        "verified": ResidentFactory(),
        "author": author,
        "facilitator": FacilitatorFactory(is_verified_resident=True),
        "officer": OfficerFactory(department=department, is_verified_resident=True),
        "other_officer": OfficerFactory(is_verified_resident=True),
        "moderator": ModeratorFactory(is_verified_resident=True),
        "admin": AdminFactory(is_verified_resident=True),
    }
    return {
        "people": people,
        "draft": ProposalFactory(author=author, category=category),
        "published": ProposalFactory(published=True, author=author, category=category),
        "hidden": ProposalFactory(published=True, author=author, category=category, state=State.HIDDEN,
                                  state_before_hidden=State.PUBLISHED),
        "open_item": FollowUpFactory(proposal__category=category, proposal__author=author),
        "asked_item": FollowUpFactory(proposal__category=category, proposal__author=author,
                                      state=FollowUpState.CLARIFICATION),
        "accepted_item": FollowUpFactory(answered=True, proposal__category=category, proposal__author=author),
    }


ACTIONS = {
    "edit_draft": lambda user, w: services.save_draft(
        author=user, proposal=w["draft"], title="고친 제목", body="고친 본문", category=w["draft"].category),
    "publish": lambda user, w: services.publish_proposal(proposal=w["draft"], actor=user),
    "withdraw": lambda user, w: services.withdraw_proposal(proposal=w["published"], actor=user),
    "support": lambda user, w: services.add_support(proposal=w["published"], user=user),
    "comment": lambda user, w: services.add_comment(author=user, proposal=w["published"], body="의견입니다"),
    "flag": lambda user, w: services.flag_content(reporter=user, proposal=w["published"], reason="부적절"),
    "hide": lambda user, w: services.hide_proposal(moderator=user, proposal=w["published"], reason="신고 확인"),
    "restore": lambda user, w: services.restore_proposal(moderator=user, proposal=w["hidden"], reason="오신고"),
    "request_clarification": lambda user, w: services.request_clarification(
        officer=user, follow_up=w["open_item"], body="구체적인 위치는?"),
    "reply_to_clarification": lambda user, w: services.reply_to_clarification(
        author=user, follow_up=w["asked_item"], body="망원동입니다"),
    "publish_answer": lambda user, w: services.publish_answer(
        officer=user, follow_up=w["open_item"], verdict=Verdict.ACCEPTED, body="수용합니다"),
    "update_progress": lambda user, w: services.update_progress(
        officer=user, follow_up=w["accepted_item"], body="착공", percent=20),
}


def test_table_covers_every_role_and_action():
    assert set(TABLE) == set(ACTIONS)
    assert len(EXPECTED) == len(ROLES) * len(ACTIONS)


@pytest.mark.parametrize(("role", "action"), list(EXPECTED), ids=[f"{r}-{a}" for r, a in EXPECTED])
def test_service_allows_exactly_what_the_table_says(world, role, action):
    user = world["people"][role]

    if EXPECTED[(role, action)]:
        ACTIONS[action](user, world)  # must not raise
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user, world)
