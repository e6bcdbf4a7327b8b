"""Authorization over HTTP: every role against every action on budget projects.

An action is allowed when its effect is in the database afterwards (or the page answers 200) and refused
when nothing changed; the server never answers 500. "author" is the project's proposer; "citizen" another
citizen; "officer" an officer of the department that reviews the project, "other_officer" of another;
"member" sits on the sub-committee of the project's field, "other_member" on another field's.
"""

import pytest
from django.test import Client
from django.urls import reverse

from budget.models import BudgetProject, CoProposer, ReviewAnswer, SubCommittee
from budget.states import CycleStage, ProjectState
from tests.budget.factories import make_cycle, make_project
from tests.factories import AdminFactory, OfficerFactory, UserFactory
from tests.governance.factories import CommitteeFactory, MemberFactory

ROLES = ["anonymous", "citizen", "author", "officer", "other_officer", "member", "other_member", "staff"]
SIGNED_IN = set(ROLES) - {"anonymous"}
ALLOWED = {
    "create": SIGNED_IN,
    "edit_draft": {"author"},
    "submit_draft": {"author"},
    "view_draft": {"author"},
    "withdraw": {"author"},
    "answer": {"author"},
    "join": SIGNED_IN - {"author"},
    "view_project": set(ROLES),
    "list": set(ROLES),
    "similar": set(ROLES),
    "edit_submitted": set(),
    "my_projects": SIGNED_IN,
}


class World:
    def __init__(self):
        self.cycle = make_cycle(stage=CycleStage.CALL)
        field, other_field = self.cycle.fields.all()
        self.author = UserFactory()
        self.draft = make_project(cycle=self.cycle, state=ProjectState.DRAFT, author=self.author, field=field,
                                  title="초안 사업")
        self.submitted = make_project(cycle=self.cycle, author=self.author, field=field, title="공원 벤치 설치")
        self.reviewed = make_project(cycle=self.cycle, state=ProjectState.ELIGIBLE, author=self.author,
                                     field=field)
        committee = CommitteeFactory()
        self.cycle.committee = committee
        self.cycle.save(update_fields=["committee"])
        people = {"anonymous": None, "citizen": UserFactory(), "author": self.author,
                  "officer": OfficerFactory(department=field.department),
                  "other_officer": OfficerFactory(department=other_field.department),
                  "member": UserFactory(), "other_member": UserFactory(), "staff": AdminFactory()}
        for key, which in [("member", field), ("other_member", other_field)]:
            seat = SubCommittee.objects.create(cycle=self.cycle, field=which)
            seat.members.add(MemberFactory(committee=committee, user=people[key]))
        self.people = people


def _act(action, client, w):
    """Do the action; return (status, whether its effect is there)."""
    if action == "create":
        response = client.post(reverse("budget:project_new", args=[w.cycle.slug]), {
            "action": "submit", "title": "매트릭스 사업", "description": "설명", "field": w.draft.field_id,
            "estimated_cost": "10000000"})
        return response.status_code, BudgetProject.objects.filter(title="매트릭스 사업", number=3).exists()
    if action in ("edit_draft", "submit_draft"):
        data = {"action": "draft" if action == "edit_draft" else "submit", "title": "고친 초안",
                "description": "설명", "field": w.draft.field_id, "estimated_cost": "10000000"}
        if action == "submit_draft":
            response = client.post(reverse("budget:project_submit", args=[w.draft.pk]))
            w.draft.refresh_from_db()
            return response.status_code, w.draft.state == ProjectState.SUBMITTED
        response = client.post(reverse("budget:project_edit", args=[w.draft.pk]), data)
        w.draft.refresh_from_db()
        return response.status_code, w.draft.title == "고친 초안"
    if action == "withdraw":
        response = client.post(reverse("budget:project_withdraw", args=[w.submitted.pk]), {"reason": "매트릭스"})
        w.submitted.refresh_from_db()
        return response.status_code, w.submitted.state == ProjectState.WITHDRAWN
    if action == "answer":
        response = client.post(reverse("budget:project_answer", args=[w.reviewed.pk]), {"kind": "accept"})
        return response.status_code, ReviewAnswer.objects.filter(project=w.reviewed).exists()
    if action == "join":
        response = client.post(reverse("budget:project_join", args=[w.submitted.pk]))
        return response.status_code, CoProposer.objects.filter(project=w.submitted).exists()
    if action == "edit_submitted":
        response = client.get(reverse("budget:project_edit", args=[w.submitted.pk]))
        return response.status_code, response.status_code == 200
    urls = {"view_draft": reverse("budget:project", args=[w.draft.pk]),
            "view_project": reverse("budget:project", args=[w.reviewed.pk]),
            "list": reverse("budget:projects", args=[w.cycle.slug]),
            "similar": reverse("budget:similar", args=[w.cycle.slug]) + "?title=공원 벤치",
            "my_projects": reverse("budget:my_projects")}
    response = client.get(urls[action])
    return response.status_code, response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_role_against_action(role, action):
    w = World()
    client = Client()
    if w.people[role] is not None:
        client.force_login(w.people[role])
    status, happened = _act(action, client, w)
    assert status < 500
    assert happened == (role in ALLOWED[action]), (role, action, status)
    if role not in ALLOWED[action] and action in ("view_draft",):
        assert status == 404
