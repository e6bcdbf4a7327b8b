"""Creating votes (services): staff's drafts, citizens' submissions and their review, each refusal by name."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from tests.factories import (
    AdminFactory, CategoryFactory, DepartmentFactory, ModeratorFactory, OfficerFactory, ProposalFactory,
    ResidentFactory, UserFactory,
)
from tests.voting.factories import VoteFactory
from voting import selectors, services
from voting.models import Vote, VotingSettings
from voting.services import OptionSpec, VoteError, VoteSpec
from voting.states import TRANSITIONS, BudgetRule, VoteKind, VoteState

pytestmark = pytest.mark.django_db


def _site_language_labels() -> list[tuple[int, str]]:
    """The options are stored in the site's language, whatever language the author reads."""
    from django.utils.translation import gettext, override

    with override("ko"):
        return [(1, gettext("Yes")), (2, gettext("No")), (3, gettext("Abstain"))]


def spec(**changes) -> VoteSpec:
    now = timezone.now()
    values = dict(title="Park benches", question="Which bench?", kind=VoteKind.SINGLE,
                  opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=7),
                  options=[OptionSpec("Wood"), OptionSpec("Stone")])
    values.update(changes)
    return VoteSpec(**values)


def budget_spec(**changes) -> VoteSpec:
    values = dict(kind=VoteKind.BUDGET, budget=100, budget_rule=BudgetRule.GREEDY_STOP, options=[
        OptionSpec("Shade trees", 60, "parks"), OptionSpec("Benches", 50, "parks"), OptionSpec("Lights", 30, "safety")])
    values.update(changes)
    return spec(**values)


def city_admin():
    return UserFactory(role=Role.ADMIN)  # not is_staff: the role alone lets them manage votes


def staff():
    return UserFactory(is_staff=True)


def allow_citizens(allowed=True):
    settings = VotingSettings.load()
    settings.citizens_may_submit = allowed
    settings.save()


# -- The transition table ---------------------------------------------------------------------------

def test_the_table_keeps_every_earlier_move_and_adds_the_review():
    earlier = {"draft": {"scheduled", "cancelled"}, "scheduled": {"open", "cancelled"}, "open": {"closed"},
               "closed": {"tallied"}, "tallied": set(), "cancelled": set()}
    for state, moves in earlier.items():
        assert moves <= TRANSITIONS[state]
    assert TRANSITIONS[VoteState.SUBMITTED] == {"draft", "rejected", "cancelled"}
    assert TRANSITIONS[VoteState.REJECTED] == set()


# -- Staff create drafts ----------------------------------------------------------------------------

@pytest.mark.parametrize("make", [staff, city_admin, AdminFactory])
def test_staff_and_city_admins_create_a_draft_with_its_options_in_order(make):
    actor = make()
    vote = services.create_vote(actor=actor, spec=spec(districts=["mapo"], min_age=19))
    assert (vote.state, vote.created_by, vote.districts, vote.min_age) == ("draft", actor, ["mapo"], 19)
    assert list(vote.options.values_list("position", "label")) == [(1, "Wood"), (2, "Stone")]


@pytest.mark.parametrize("make", [UserFactory, ResidentFactory, ModeratorFactory, OfficerFactory])
def test_everyone_else_is_refused_and_nothing_is_stored(make):
    with pytest.raises(PermissionDenied):
        services.create_vote(actor=make(), spec=spec())
    assert not Vote.objects.exists()


def test_a_yes_no_vote_gets_its_three_options_whatever_was_typed():
    vote = services.create_vote(actor=staff(), spec=spec(kind=VoteKind.YES_NO, options=[OptionSpec("Maybe")]))
    assert list(vote.options.values_list("position", "label")) == _site_language_labels()


def test_a_budget_vote_keeps_costs_categories_and_its_rule():
    vote = services.create_vote(actor=staff(), spec=budget_spec(category_budgets={"parks": 80}, max_choices=2))
    assert (vote.budget, vote.budget_rule, vote.category_budgets, vote.max_choices) == (
        100, "greedy-stop", {"parks": 80}, 2)
    assert list(vote.options.values_list("label", "cost", "category")) == [
        ("Shade trees", 60, "parks"), ("Benches", 50, "parks"), ("Lights", 30, "safety")]


def test_budget_fields_are_dropped_from_votes_of_other_kinds():
    vote = services.create_vote(actor=staff(), spec=spec(budget=100, category_budgets={"x": 1},
                                                         options=[OptionSpec("a", 5, "x"), OptionSpec("b")]))
    assert (vote.budget, vote.category_budgets, vote.budget_rule) == (None, {}, "")
    assert list(vote.options.values_list("cost", "category")) == [(None, ""), (None, "")]


BAD = [
    ("opens_in_the_past", dict(opens_at=timezone.now() - timedelta(minutes=5)), "opens_at",
     "The opening time must be in the future."),
    ("closes_before_it_opens", dict(closes_at=timezone.now()), "closes_at", "The vote must close after it opens."),
    ("one_option", dict(options=[OptionSpec("Only")]), "options", "A vote needs at least two options."),
    ("blank_option", dict(options=[OptionSpec("a"), OptionSpec(" ")]), "options", "Every option needs a label."),
    ("repeated_option", dict(options=[OptionSpec("a"), OptionSpec("a")]), "options",
     "This option is listed twice: a."),
    ("more_choices_than_options", dict(kind=VoteKind.MULTIPLE, max_choices=3), "max_choices",
     "At most 3 choices, but there are only 2 options."),
    ("secret_and_changeable", dict(secret=True, allow_change=True), "allow_change",
     "A secret ballot cannot be changed once cast: nothing may link it to its voter."),
    ("winner_without_department", dict(follow_up_winner=True), "department",
     "Choose the department that follows up the winning option."),
    ("unknown_district", dict(districts=["atlantis"]), "districts", "Unknown district: atlantis."),
    ("unknown_kind", dict(kind="lottery"), "kind", "Choose the kind of vote."),
]


@pytest.mark.parametrize("name, changes, field, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_by_field_with_a_clear_message(name, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        services.create_vote(actor=staff(), spec=spec(**changes))
    assert message in refused.value.message_dict[field]
    assert not Vote.objects.exists()


BAD_BUDGETS = [
    ("no_budget", dict(budget=None), "budget", "A participatory budget needs its total budget."),
    ("missing_cost", dict(options=[OptionSpec("a", 10), OptionSpec("b")]), "options",
     "Every project needs a cost; missing for: b."),
    ("dearer_than_the_budget", dict(options=[OptionSpec("a", 10), OptionSpec("b", 101)]), "options",
     "This project costs more than the whole budget: b."),
    ("unknown_category", dict(category_budgets={"roads": 10}), "category_budgets",
     "No project is in the category “roads”."),
    ("category_over_total", dict(category_budgets={"parks": 500}), "category_budgets",
     "The budget of “parks” is larger than the total budget."),
    ("unknown_rule", dict(budget_rule="dice"), "budget_rule", "Choose a rule that decides the budget."),
]


@pytest.mark.parametrize("name, changes, field, message", BAD_BUDGETS, ids=[b[0] for b in BAD_BUDGETS])
def test_a_budget_vote_is_refused_without_what_its_count_needs(name, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        services.create_vote(actor=staff(), spec=budget_spec(**changes))
    assert message in refused.value.message_dict[field]


# -- Editing, cancelling ----------------------------------------------------------------------------

def test_a_draft_is_edited_until_it_is_scheduled_then_it_keeps_its_content():
    actor = staff()
    vote = services.create_vote(actor=actor, spec=spec())
    services.update_vote(vote=vote, actor=city_admin(), spec=spec(title="Better benches",
                                                                 options=[OptionSpec("Oak"), OptionSpec("Pine")]))
    vote.refresh_from_db()
    assert vote.title == "Better benches" and list(vote.options.values_list("label", flat=True)) == ["Oak", "Pine"]
    services.schedule(vote=vote, actor=actor)
    with pytest.raises(VoteError) as refused:
        services.update_vote(vote=vote, actor=actor, spec=spec(title="Sneaky"))
    assert refused.value.code == "not_editable"
    assert Vote.objects.get(pk=vote.pk).title == "Better benches"


def test_only_managers_edit_a_draft():
    vote = VoteFactory()
    for person in (ResidentFactory(), ModeratorFactory(), OfficerFactory()):
        with pytest.raises(PermissionDenied):
            services.update_vote(vote=vote, actor=person, spec=spec(title="x"))


def test_an_imported_project_keeps_its_pb_id_when_the_draft_is_edited():
    text = ("META\nkey;value\ndescription;Mapo parks\nbudget;100\nPROJECTS\nproject_id;cost;name;category\n"
            "P1;60;Shade trees;parks\nP2;50;Benches;parks\n")
    actor = staff()
    now = timezone.now()
    vote = services.vote_from_pb(text=text, actor=actor, opens_at=now + timedelta(hours=1),
                                 closes_at=now + timedelta(days=2))
    services.update_vote(vote=vote, actor=actor, spec=budget_spec(options=[
        OptionSpec("Benches", 55, "parks"), OptionSpec("Shade trees", 60, "parks"), OptionSpec("Fountain", 20)]))
    assert list(vote.options.values_list("label", "cost", "external_id")) == [
        ("Benches", 55, "P2"), ("Shade trees", 60, "P1"), ("Fountain", 20, "")]


def test_cancel_a_draft_or_a_scheduled_vote_but_never_an_open_one():
    actor = staff()
    draft, scheduled, opened = VoteFactory(), VoteFactory(), VoteFactory()
    services.schedule(vote=scheduled, actor=actor)
    services.schedule(vote=opened, actor=actor)
    services.sweep_votes(now=opened.opens_at + timedelta(seconds=1))
    assert services.cancel_vote(vote=draft, actor=actor).state == "cancelled"
    assert Vote.objects.get(pk=scheduled.pk).state == "open"  # the sweep opened both
    with pytest.raises(VoteError) as refused:
        services.cancel_vote(vote=opened, actor=actor)
    assert refused.value.code == "illegal_transition"
    with pytest.raises(VoteError):
        services.cancel_vote(vote=draft, actor=actor)  # already cancelled


def test_a_citizen_cannot_cancel_a_staff_vote():
    with pytest.raises(PermissionDenied):
        services.cancel_vote(vote=VoteFactory(), actor=ResidentFactory())


# -- Citizens submit, moderators review -------------------------------------------------------------

def test_citizens_may_not_submit_until_an_admin_allows_it():
    with pytest.raises(PermissionDenied) as refused:
        services.submit_vote(actor=ResidentFactory(), spec=spec())
    assert "not open to citizens" in str(refused.value)
    allow_citizens()
    with pytest.raises(PermissionDenied) as unverified:
        services.submit_vote(actor=UserFactory(), spec=spec())
    assert "verified residents" in str(unverified.value)
    assert not Vote.objects.exists()


def test_a_submitted_vote_waits_for_review_without_what_only_staff_decide():
    allow_citizens()
    citizen = ResidentFactory()
    vote = services.submit_vote(actor=citizen, spec=spec(department=DepartmentFactory(), quorum=50,
                                                         follow_up_winner=True))
    assert (vote.state, vote.created_by, vote.department, vote.quorum, vote.follow_up_winner) == (
        "submitted", citizen, None, None, False)
    assert list(selectors.submitted_votes()) == [vote]
    assert list(selectors.votes_submitted_by(citizen)) == [vote]


def test_a_citizen_cannot_submit_a_participatory_budget():
    allow_citizens()
    with pytest.raises(ValidationError) as refused:
        services.submit_vote(actor=ResidentFactory(), spec=budget_spec())
    assert refused.value.message_dict["kind"] == ["Only staff can create a participatory budget vote."]


def test_only_the_author_edits_or_withdraws_a_vote_awaiting_review():
    allow_citizens()
    citizen = ResidentFactory()
    vote = services.submit_vote(actor=citizen, spec=spec())
    for other in (ResidentFactory(), staff(), ModeratorFactory()):
        with pytest.raises(PermissionDenied):
            services.update_vote(vote=vote, actor=other, spec=spec(title="Hijacked"))
    services.update_vote(vote=vote, actor=citizen, spec=spec(title="Clearer title"))
    assert Vote.objects.get(pk=vote.pk).title == "Clearer title"
    with pytest.raises(PermissionDenied):
        services.cancel_vote(vote=vote, actor=ResidentFactory())
    assert services.cancel_vote(vote=vote, actor=citizen).state == "cancelled"


def test_a_moderator_approves_a_submitted_vote_as_a_draft_for_staff():
    allow_citizens()
    vote = services.submit_vote(actor=ResidentFactory(), spec=spec())
    moderator = ModeratorFactory()
    vote = services.approve_vote(vote=vote, moderator=moderator)
    assert (vote.state, vote.reviewed_by) == ("draft", moderator) and vote.reviewed_at is not None
    with pytest.raises(VoteError) as again:
        services.approve_vote(vote=vote, moderator=moderator)
    assert again.value.code == "not_submitted"
    services.update_vote(vote=vote, actor=staff(), spec=spec(department=DepartmentFactory(), quorum=10))
    assert services.schedule(vote=vote, actor=staff()).state == "scheduled"


def test_approving_and_scheduling_at_once_needs_a_moderator_who_also_manages_votes():
    allow_citizens()
    vote = services.submit_vote(actor=ResidentFactory(), spec=spec())
    with pytest.raises(PermissionDenied):
        services.approve_vote(vote=vote, moderator=ModeratorFactory(), schedule_now=True)
    assert Vote.objects.get(pk=vote.pk).state == "submitted"  # nothing half-done
    admin = UserFactory(role=Role.ADMIN)  # a city admin is a moderator too
    assert services.approve_vote(vote=vote, moderator=admin, schedule_now=True).state == "scheduled"


def test_a_vote_whose_opening_passed_is_not_scheduled_by_the_approval():
    allow_citizens()
    vote = services.submit_vote(actor=ResidentFactory(), spec=spec())
    Vote.objects.filter(pk=vote.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(VoteError) as refused:
        services.approve_vote(vote=vote, moderator=AdminFactory(), schedule_now=True)
    assert refused.value.code == "opens_in_past" and Vote.objects.get(pk=vote.pk).state == "submitted"


def test_a_rejection_needs_a_reason_that_its_author_sees():
    allow_citizens()
    citizen = ResidentFactory()
    vote = services.submit_vote(actor=citizen, spec=spec())
    moderator = ModeratorFactory()
    with pytest.raises(ValidationError):
        services.reject_vote(vote=vote, moderator=moderator, reason="  ")
    with pytest.raises(PermissionDenied):
        services.reject_vote(vote=vote, moderator=ResidentFactory(), reason="no")
    services.reject_vote(vote=vote, moderator=moderator, reason="A duplicate of vote 3.")
    mine = selectors.votes_submitted_by(citizen).get()
    assert (mine.state, mine.review_reason) == ("rejected", "A duplicate of vote 3.")
    with pytest.raises(VoteError):
        services.approve_vote(vote=vote, moderator=moderator)  # rejected is final


def test_a_staff_draft_is_not_reviewable():
    with pytest.raises(VoteError):
        services.reject_vote(vote=VoteFactory(), moderator=ModeratorFactory(), reason="no")


# -- A yes/no vote on a proposal --------------------------------------------------------------------

def test_a_proposal_gives_a_yes_no_vote_with_its_department_and_link():
    department = DepartmentFactory()
    proposal = ProposalFactory(title="Night buses", category=CategoryFactory(default_department=department),
                               published=True)
    initial = selectors.yes_no_initial(proposal)
    assert (initial["kind"], initial["proposal"], initial["department"]) == ("yes_no", proposal.pk, department.pk)
    vote = services.create_vote(actor=staff(), spec=spec(
        kind=VoteKind.YES_NO, title=initial["title"], question=initial["question"], proposal=proposal,
        department=department, options=[]))
    assert vote.proposal == proposal and "Night buses" in vote.question
    assert list(vote.options.values_list("position", "label")) == _site_language_labels()


def test_a_draft_whose_author_left_can_still_be_edited():
    vote = VoteFactory(created_by=None)
    services.update_vote(vote=vote, actor=staff(), spec=spec(title="Adopted by a colleague"))
    assert Vote.objects.get(pk=vote.pk).title == "Adopted by a colleague"
