"""budget.committee's services: the budget school, the scores, the shortlist and the vote created from it;
each refusal stores nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from budget.committee import selectors, services
from budget.models import BudgetProject, ProjectEvent, ProjectReview, ProjectScore, SchoolAttendance, SchoolSession
from budget.states import CycleStage, ProjectState
from deliberation.rooms.models import RoomMember
from voting.models import Vote
from voting.states import VoteKind, VoteState
from tests.budget.committee_world import world
from tests.budget.factories import make_cycle, make_project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_korean():
    """Refusals are written in the reader's language when they are raised: Korean, the site's default."""
    with translation.override("ko"):
        yield


@pytest.fixture
def w():
    return world()


def korean(error) -> str:
    return " ".join(error.value.messages) if hasattr(error.value, "messages") else str(error.value)


# --- The budget school -------------------------------------------------------------------------------

def test_school_sessions_and_attendance_are_staff_only_and_idempotent(w):
    with pytest.raises(PermissionDenied):
        services.add_school_session(cycle=w.cycle, actor=w.citizen, title="1강", held_on=date(2026, 3, 2))
    assert not SchoolSession.objects.exists()
    session = services.add_school_session(cycle=w.cycle, actor=w.staff, title="1강", held_on=date(2026, 3, 2),
                                          place="시청")
    people = [UserFactory(), UserFactory()]
    assert services.record_attendance(session=session, actor=w.staff, users=people) == 2
    assert services.record_attendance(session=session, actor=w.staff, users=people) == 0
    assert SchoolAttendance.objects.filter(session=session).count() == 2
    with pytest.raises(PermissionDenied):
        services.record_attendance(session=session, actor=w.officer, users=[UserFactory()])
    assert SchoolAttendance.objects.count() == 2


def test_a_pasted_email_without_an_account_records_nobody(w):
    session = services.add_school_session(cycle=w.cycle, actor=w.staff, title="1강", held_on=date(2026, 3, 2))
    known = UserFactory(email="known@example.org")
    with pytest.raises(ValidationError) as error:
        services.record_attendance_by_email(session=session, actor=w.staff,
                                            emails_text="KNOWN@example.org, nobody@example.org")
    assert "nobody@example.org" in korean(error)
    assert not SchoolAttendance.objects.exists()
    assert services.record_attendance_by_email(session=session, actor=w.staff,
                                               emails_text="KNOWN@example.org\n") == 1
    assert SchoolAttendance.objects.get().user == known


def test_completion_needs_the_cycle_s_number_of_sessions():
    w = world(school_sessions_required=2)
    first = services.add_school_session(cycle=w.cycle, actor=w.staff, title="1강", held_on=date(2026, 3, 2))
    second = services.add_school_session(cycle=w.cycle, actor=w.staff, title="2강", held_on=date(2026, 3, 9))
    both, once = UserFactory(), UserFactory()
    services.record_attendance(session=first, actor=w.staff, users=[both, once])
    services.record_attendance(session=second, actor=w.staff, users=[both])
    assert set(selectors.graduate_ids(w.cycle)) == {both.pk}
    rows = {row["user"]: row for row in selectors.school_table(w.cycle)}
    assert (rows[both]["attended"], rows[both]["completed"]) == (2, True)
    assert (rows[once]["attended"], rows[once]["completed"]) == (1, False)


# --- Sub-committees ----------------------------------------------------------------------------------

def test_each_sub_committee_has_a_room_its_members_and_proposers_are_invited_to(w):
    room = w.sc1.room
    assert room is not None and room.access == "invited"
    invited = set(RoomMember.objects.filter(room=room, invited=True).values_list("user_id", flat=True))
    services.assign_members(sub_committee=w.sc1, actor=w.staff, members=[w.member1, w.chair])
    invited = set(RoomMember.objects.filter(room=room, invited=True).values_list("user_id", flat=True))
    assert {w.member1.user_id, w.chair.user_id, w.p1.author_id, w.p2.author_id} <= invited
    assert w.p3.author_id not in invited


def test_only_the_cycle_s_committee_members_can_be_seated(w):
    from tests.governance.factories import MemberFactory

    stranger = MemberFactory(user=UserFactory())  # a member of another committee
    with pytest.raises(ValidationError):
        services.assign_members(sub_committee=w.sc1, actor=w.staff, members=[w.member1, stranger])
    assert set(w.sc1.members.all()) == {w.member1, w.chair}


def test_one_sub_committee_per_field_and_only_the_cycle_s_fields(w):
    with pytest.raises(ValidationError):
        services.create_sub_committee(cycle=w.cycle, field=w.field1, actor=w.staff, facilitator=w.facilitator)
    other = make_cycle(stage=CycleStage.DELIBERATION).fields.first()
    with pytest.raises(ValidationError):
        services.create_sub_committee(cycle=w.cycle, field=other, actor=w.staff, facilitator=w.facilitator)
    assert w.cycle.sub_committees.count() == 2


# --- Scores ------------------------------------------------------------------------------------------

def test_a_member_scores_and_rescoring_replaces_the_score(w):
    services.score_project(project=w.p1, sub_committee=w.sc1, user=w.member1.user, score=7)
    services.score_project(project=w.p1, sub_committee=w.sc1, user=w.chair.user, score=4)
    w.p1.refresh_from_db()
    assert w.p1.score_mean == Decimal("5.50")
    services.score_project(project=w.p1, sub_committee=w.sc1, user=w.member1.user, score=10)
    w.p1.refresh_from_db()
    assert ProjectScore.objects.filter(project=w.p1).count() == 2
    assert w.p1.score_mean == Decimal("7.00")


@pytest.mark.parametrize("score", [0, 11, None])
def test_a_score_outside_the_range_is_refused(w, score):
    with pytest.raises(ValidationError) as error:
        services.score_project(project=w.p1, sub_committee=w.sc1, user=w.member1.user, score=score)
    assert "1" in korean(error) and "10" in korean(error)
    assert not ProjectScore.objects.exists()
    w.p1.refresh_from_db()
    assert w.p1.score_mean is None


def test_scores_only_by_members_of_the_field_on_eligible_projects_during_deliberation(w):
    cases = [
        (w.p3, w.sc1, w.member1.user),   # a project of another field
        (w.p3, w.sc2, w.member1.user),   # a member of another field
        (w.p1, w.sc1, w.citizen),        # not a member
        (w.p1, w.sc1, w.staff),          # staff do not score
    ]
    for project, sc, user in cases:
        with pytest.raises(PermissionDenied):
            services.score_project(project=project, sub_committee=sc, user=user, score=5)
    ineligible = make_project(cycle=w.cycle, field=w.field1, state=ProjectState.INELIGIBLE)
    with pytest.raises(PermissionDenied):
        services.score_project(project=ineligible, sub_committee=w.sc1, user=w.member1.user, score=5)
    w.cycle.stage = CycleStage.REVIEW
    w.cycle.save(update_fields=["stage"])
    with pytest.raises(PermissionDenied):
        services.score_project(project=w.p1, sub_committee=w.sc1, user=w.member1.user, score=5)
    assert not ProjectScore.objects.exists()


# --- The shortlist -----------------------------------------------------------------------------------

def test_publishing_the_shortlist_moves_each_project_with_its_reason(w):
    services.publish_shortlist(sub_committee=w.sc1, actor=w.chair.user, chosen=[w.p1.pk], reasons="가장 시급함",
                               project_reasons={w.p1.pk: "주민 수요가 큼"})
    w.p1.refresh_from_db(), w.p2.refresh_from_db(), w.sc1.refresh_from_db()
    assert (w.p1.state, w.p2.state) == (ProjectState.SHORTLISTED, ProjectState.NOT_SHORTLISTED)
    assert w.p1.committee_reason == "주민 수요가 큼"
    assert w.sc1.shortlist_published_at is not None and w.sc1.reasons == "가장 시급함"
    assert ProjectEvent.objects.get(project=w.p2, to_state=ProjectState.NOT_SHORTLISTED).note == "가장 시급함"
    # published again (until the vote): the sub-committee changed its mind
    services.publish_shortlist(sub_committee=w.sc1, actor=w.staff, chosen=[w.p2.pk], reasons="재검토")
    w.p1.refresh_from_db(), w.p2.refresh_from_db()
    assert (w.p1.state, w.p2.state) == (ProjectState.NOT_SHORTLISTED, ProjectState.SHORTLISTED)


def test_a_shortlist_without_reasons_or_by_a_plain_member_stores_nothing(w):
    with pytest.raises(ValidationError):
        services.publish_shortlist(sub_committee=w.sc1, actor=w.chair.user, chosen=[w.p1.pk], reasons="  ")
    with pytest.raises(PermissionDenied):
        services.publish_shortlist(sub_committee=w.sc1, actor=w.member1.user, chosen=[w.p1.pk], reasons="x")
    with pytest.raises(ValidationError):  # a project of another field
        services.publish_shortlist(sub_committee=w.sc1, actor=w.chair.user, chosen=[w.p3.pk], reasons="x")
    assert BudgetProject.objects.filter(state=ProjectState.ELIGIBLE).count() == 4
    w.sc1.refresh_from_db()
    assert w.sc1.shortlist_published_at is None


def test_the_default_ticks_follow_the_mean(w):
    services.score_project(project=w.p1, sub_committee=w.sc1, user=w.member1.user, score=9)
    services.score_project(project=w.p2, sub_committee=w.sc1, user=w.member1.user, score=3)
    assert selectors.default_shortlist(w.sc1) == {w.p1.pk}


# --- The vote ----------------------------------------------------------------------------------------

def publish_both(w):
    services.publish_shortlist(sub_committee=w.sc1, actor=w.staff, chosen=[w.p1.pk, w.p2.pk], reasons="분과1")
    services.publish_shortlist(sub_committee=w.sc2, actor=w.staff, chosen=[w.p3.pk], reasons="분과2")


def test_the_vote_waits_for_every_shortlist(w):
    services.publish_shortlist(sub_committee=w.sc1, actor=w.staff, chosen=[w.p1.pk, w.p2.pk], reasons="분과1")
    with pytest.raises(ValidationError) as error:
        services.create_budget_vote(cycle=w.cycle, actor=w.staff)
    assert str(w.field2.name) in korean(error)
    assert not Vote.objects.exists()
    w.cycle.refresh_from_db()
    assert w.cycle.stage == CycleStage.DELIBERATION and w.cycle.vote is None


def test_the_vote_is_refused_while_a_project_awaits_review(w):
    publish_both(w)
    make_project(cycle=w.cycle, field=w.field1, state=ProjectState.SUBMITTED, title="검토 중인 사업")
    with pytest.raises(ValidationError) as error:
        services.create_budget_vote(cycle=w.cycle, actor=w.staff)
    assert "검토 중인 사업" in korean(error)
    assert not Vote.objects.exists()


def test_the_vote_is_refused_for_a_shortlisted_project_without_a_reviewed_cost(w):
    publish_both(w)
    BudgetProject.objects.filter(pk=w.p2.pk).update(reviewed_cost=None)
    ProjectReview.objects.filter(project=w.p3).delete()
    with pytest.raises(ValidationError) as error:
        services.create_budget_vote(cycle=w.cycle, actor=w.staff)
    assert w.p2.title in korean(error) and w.p3.title in korean(error)
    assert not Vote.objects.exists() and not BudgetProject.objects.exclude(option=None).exists()


def test_the_vote_is_staff_s_and_only_in_deliberation(w):
    publish_both(w)
    with pytest.raises(PermissionDenied):
        services.create_budget_vote(cycle=w.cycle, actor=w.chair.user)
    w.cycle.stage = CycleStage.REVIEW
    w.cycle.save(update_fields=["stage"])
    with pytest.raises(ValidationError):
        services.create_budget_vote(cycle=w.cycle, actor=w.staff)
    assert not Vote.objects.exists()


def test_the_vote_is_a_scheduled_budget_vote_with_one_option_per_shortlisted_project():
    w = world(district="mapo")
    BudgetProject.objects.filter(pk=w.p1.pk).update(district="mapo")
    publish_both(w)
    vote = services.create_budget_vote(cycle=w.cycle, actor=w.staff)
    w.cycle.refresh_from_db()
    assert w.cycle.vote == vote and w.cycle.stage == CycleStage.VOTE
    assert (vote.kind, vote.state, vote.secret) == (VoteKind.BUDGET, VoteState.SCHEDULED, True)
    assert (vote.budget, vote.budget_rule) == (w.cycle.total_budget, w.cycle.budget_rule)
    assert (vote.opens_at, vote.closes_at, vote.districts) == (w.cycle.vote_opens_at, w.cycle.vote_closes_at,
                                                               ["mapo"])
    options = {o.label: o for o in vote.options.all()}
    assert set(options) == {w.p1.title, w.p2.title, w.p3.title}
    one = options[w.p1.title]
    assert (one.cost, one.category, one.district, one.department) == (
        40_000_000, w.field1.name, "mapo", w.p1.department)
    w.p1.refresh_from_db()
    assert w.p1.option == one
    with pytest.raises(PermissionDenied):  # the shortlists stay as published
        services.publish_shortlist(sub_committee=w.sc1, actor=w.staff, chosen=[w.p1.pk], reasons="x")


def test_a_vote_whose_opening_has_passed_is_refused_and_nothing_is_stored(w):
    from datetime import timedelta

    from django.utils import timezone

    publish_both(w)
    w.cycle.vote_opens_at = timezone.now() - timedelta(hours=1)
    w.cycle.save(update_fields=["vote_opens_at"])
    with pytest.raises(ValidationError):
        services.create_budget_vote(cycle=w.cycle, actor=w.staff)
    assert not Vote.objects.exists()
    w.cycle.refresh_from_db()
    assert w.cycle.stage == CycleStage.DELIBERATION


def test_two_shortlisted_projects_with_the_same_title_each_get_their_own_option(w):
    """Options are matched to projects by position: a label lookup gave both projects one option (or
    failed) when two fields' proposers chose the same title."""
    BudgetProject.objects.filter(pk=w.p3.pk).update(title=w.p1.title)
    publish_both(w)
    vote = services.create_budget_vote(cycle=w.cycle, actor=w.staff)
    linked = dict(BudgetProject.objects.filter(cycle=w.cycle).exclude(option=None).values_list("pk", "option_id"))
    assert len(linked) == vote.options.count() == 3
    assert len(set(linked.values())) == 3
    for project in BudgetProject.objects.filter(pk__in=linked).select_related("option"):
        assert project.option.cost == project.reviewed_cost
        twin = project.pk in (w.p1.pk, w.p3.pk)  # told apart on the ballot by their numbers
        numbered = gettext("%(title)s (no. %(number)s)") % {"title": project.title, "number": project.number}
        assert project.option.label == (numbered if twin else project.title)
