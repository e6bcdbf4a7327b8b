"""Citizens' juries and consensus conferences (deliberation.juries.services.juries and .verdicts): the state table,
seating, each verdict rule's arithmetic, secrecy, a second round after a failed verdict, the
recommendation and its minority opinions, and publishing into the proposal pipeline."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from deliberation.juries import rules as jury_rules, selectors, services as jury_services
from deliberation.rooms import services as room_services
from deliberation.juries.models import Recommendation, SealedVerdictBallot, VerdictBallot, VerdictVoter
from deliberation.rooms.models import RoomEvent, RoomMember
from deliberation.juries.services.juries import JuryError
from deliberation.juries.states import JURY_TRANSITIONS, JuryState
from deliberation.rooms.states import RoomState
from proposals.models import FollowUp, TimelineEntry
from proposals.states import State
from tests.factories import (
    AdminFactory, CategoryFactory, FacilitatorFactory, ProposalFactory, UserFactory, make_jury, vote_all,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_juries")]  # the real bounds: their own test


# --- Setting up, the state table -------------------------------------------------------------------------


def test_a_jury_has_between_10_and_20_jurors_and_a_conference_up_to_20(settings):
    del settings.JURY_MIN_SIZE
    facilitator, category = FacilitatorFactory(), CategoryFactory()
    common = {"facilitator": facilitator, "title": "T", "question": "Q?", "verdict_rule": "majority",
              "category": category}
    for kind, size in (("jury", 9), ("jury", 21), ("conference", 21), ("conference", 1)):
        with pytest.raises(ValidationError) as caught, translation.override("en"):
            jury_services.create_jury(kind=kind, size=size, **common)
        assert "size" in caught.value.message_dict
    assert jury_services.create_jury(kind="jury", size=10, **common).size == 10
    assert jury_services.create_jury(kind="conference", size=20, **common).size == 20


def test_create_makes_a_hearing_with_observers_and_a_private_panel_room_without():
    jury, facilitator, _people = make_jury()
    assert jury.room.access == "invited" and jury.room.observers_allowed
    assert jury.private_room.access == "panel" and not jury.private_room.observers_allowed
    assert [r.kind for r in jury.room.rounds.order_by("position")] == ["presentation", "presentation", "qa"]
    assert [r.kind for r in jury.private_room.rounds.all()] == ["discussion"]
    assert jury.state == "forming" and Recommendation.objects.filter(jury=jury).exists()


def test_ranked_rule_needs_two_distinct_options_and_citizens_cannot_create():
    with pytest.raises(ValidationError) as caught:
        jury_services.create_jury(facilitator=FacilitatorFactory(), kind="jury", title="T", question="Q", size=3,
                             verdict_rule="ranked", options=["A", "A"], category=CategoryFactory())
    assert "options" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        jury_services.create_jury(facilitator=UserFactory(), kind="jury", title="T", question="Q", size=3,
                             verdict_rule="majority", category=CategoryFactory())


def test_the_transition_table_is_the_only_way_and_illegal_moves_are_named():
    jury, facilitator, _people = make_jury()
    with translation.override("en"), pytest.raises(JuryError) as caught:
        jury_services.move_jury(jury, JuryState.PUBLISHED)
    assert caught.value.messages == ["A Citizens' jury cannot go from “Seating the jurors” to "
                                     "“Recommendation published”."]
    assert JURY_TRANSITIONS[JuryState.VERDICT] == {JuryState.DELIBERATING, JuryState.DRAFTING}
    # a jury reaches drafting only through a verdict; a conference never votes on the question
    jury, facilitator, _people = make_jury(stage="deliberating")
    with pytest.raises(JuryError):
        jury_services.start_drafting(jury=jury, actor=facilitator)
    conference, host, _people = make_jury(kind="conference", stage="deliberating")
    with pytest.raises(JuryError):
        jury_services.open_verdict(jury=conference, actor=host)
    assert jury_services.start_drafting(jury=conference, actor=host).state == "drafting"


def test_hearing_starts_only_with_every_seat_filled_and_opens_the_hearing_room():
    jury, facilitator, people = make_jury(jurors=3)
    jury_services.remove_juror(jury=jury, user=people[0], actor=facilitator, reason="moved away")
    with translation.override("en"), pytest.raises(JuryError) as caught:
        jury_services.start_hearing(jury=jury, actor=facilitator)
    assert "(2 are)" in caught.value.messages[0]
    jury_services.do_add_juror(jury=jury, user=UserFactory())  # the invitation hook: no actor
    jury_services.start_hearing(jury=jury, actor=facilitator)
    jury.room.refresh_from_db()
    assert jury.room.state == RoomState.OPEN
    jury_services.start_deliberation(jury=jury, actor=facilitator)
    jury.room.refresh_from_db()
    jury.private_room.refresh_from_db()
    assert (jury.room.state, jury.private_room.state) == (RoomState.ENDED, RoomState.OPEN)


# --- Seating --------------------------------------------------------------------------------------------


def test_jurors_sit_in_both_rooms_experts_and_observers_only_in_the_hearing():
    jury, facilitator, people = make_jury(jurors=2)
    expert, observer = UserFactory(), UserFactory()
    jury_services.add_expert(jury=jury, user=expert, actor=facilitator)
    jury_services.add_observer(jury=jury, user=observer, actor=facilitator)
    roles = dict(RoomMember.objects.filter(room=jury.room).values_list("user_id", "role"))
    assert roles == {people[0].pk: "participant", people[1].pk: "participant", expert.pk: "speaker",
                     observer.pk: "observer"}
    assert set(RoomMember.objects.filter(room=jury.private_room).values_list("user_id", flat=True)) == {
        p.pk for p in people}
    with translation.override("en"), pytest.raises(JuryError) as caught:
        jury_services.add_juror(jury=jury, user=expert, actor=facilitator)
    assert caught.value.messages == [f"{expert.public_name} is already an expert of this jury."]
    with pytest.raises(JuryError):
        jury_services.add_juror(jury=jury, user=UserFactory(), actor=facilitator)  # both seats taken
    with pytest.raises(PermissionDenied):
        jury_services.add_expert(jury=jury, user=UserFactory(), actor=people[0])  # a juror is not the facilitator


def test_removal_from_either_room_by_the_room_moderation_removes_from_both_and_is_final():
    jury, facilitator, people = make_jury(jurors=2, stage="hearing")
    room_services.remove_member(room=jury.room, actor=facilitator, user_id=people[0].pk, reason="abuse")
    member = RoomMember.objects.get(room=jury.private_room, user=people[0])
    assert member.removed_at is not None and member.removed_reason == "abuse"
    assert not jury_rules.is_seated(people[0], jury) and jury_rules.is_seated(people[1], jury)
    with pytest.raises(JuryError):
        jury_services.add_juror(jury=jury, user=people[0], actor=facilitator)


# --- The arithmetic ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule, choices, seated, met", [
    ("majority", ["yes", "yes", "no"], 3, True),
    ("majority", ["yes", "no"], 2, False),  # a tie is not a majority
    ("majority", ["yes", "yes", "no", "abstain"], 4, False),  # abstentions are cast: 2 of 4 is not more than half
    ("majority", ["yes", "yes", "yes", "no", "abstain"], 5, True),
    ("majority", [], 3, False),
    ("two_thirds", ["yes", "yes", "no"], 3, True),  # exactly two thirds meets it
    ("two_thirds", ["yes", "yes", "no", "abstain"], 4, False),
    ("two_thirds", ["yes"] * 7 + ["no"] * 3, 10, True),  # 21 >= 20
    ("two_thirds", ["yes"] * 6 + ["no"] * 3 + ["abstain"], 10, False),  # 18 < 20
    ("unanimity", ["yes", "yes", "yes"], 3, True),
    ("unanimity", ["yes", "yes", "abstain"], 3, False),
    ("unanimity", ["yes", "yes"], 3, False),  # a seated juror did not vote
])
def test_yes_no_rules(rule, choices, seated, met):
    result = jury_services.tally(rule, choices, seated=seated)
    assert result["met"] is met
    assert (result["yes"], result["no"], result["abstain"], result["cast"]) == (
        choices.count("yes"), choices.count("no"), choices.count("abstain"), len(choices))


def test_ranked_rule_is_instant_runoff_with_its_rounds():
    ballots = [["A", "C"], ["A"], ["B", "C"], ["B"], ["C", "B"]]
    result = jury_services.tally("ranked", ballots, seated=5, options=["A", "B", "C"])
    # round 1: A 2, B 2, C 1 -> C out, its ballot goes to B: B 3 of 5
    assert result["rounds"] == [{"A": 2, "B": 2, "C": 1}, {"A": 2, "B": 3}]
    assert (result["winner"], result["eliminated"], result["met"]) == ("B", ["C"], True)


def test_ranked_verdict_end_to_end_through_the_ballots():
    jury, facilitator, people = make_jury(rule="ranked", options=["Every 15 min", "Every 30 min", "No change"],
                                          stage="verdict")
    verdict = jury.verdicts.get()
    for bad in (["Nope"], ["No change", "No change"], [], "yes"):
        with pytest.raises(ValidationError):
            jury_services.cast_ballot(verdict=verdict, user=people[0], choice=bad)
    assert not VerdictVoter.objects.filter(verdict=verdict).exists()  # a refused ballot leaves no trace
    verdict = vote_all(jury, people, [["Every 30 min", "Every 15 min"], ["Every 15 min"],
                                      ["No change", "Every 15 min"]])
    assert verdict.state == "closed" and verdict.met
    assert verdict.result["winner"] == "Every 15 min"
    assert verdict.result["rounds"][0] == {"Every 15 min": 1, "Every 30 min": 1, "No change": 1}


# --- Voting: who may, once, secretly ----------------------------------------------------------------------


def test_only_seated_jurors_vote_once_and_everyone_else_is_refused_by_name():
    jury, facilitator, people = make_jury(jurors=3, stage="verdict")
    expert, observer, removed, stranger = UserFactory(), UserFactory(), people[2], UserFactory()
    jury_services.add_observer(jury=jury, user=observer, actor=facilitator)
    RoomMember.objects.create(room=jury.room, user=expert, role="speaker", invited=True)  # joined as expert
    jury_services.remove_juror(jury=jury, user=removed, actor=facilitator, reason="conflict of interest")
    verdict = jury.verdicts.get()
    expected = {
        expert: "Experts testify; they do not vote or write for the jury.",
        observer: "Observers watch the hearing; they do not vote or write for the jury.",
        facilitator: "The facilitator runs the jury; only the jurors vote.",
        removed: "You were removed from this jury.",
        stranger: "Only the jury's seated jurors can do this.",
        AdminFactory(): "The facilitator runs the jury; only the jurors vote.",
    }
    for user, message in expected.items():
        with translation.override("en"), pytest.raises(PermissionDenied) as caught:
            jury_services.cast_ballot(verdict=verdict, user=user, choice="yes")
        assert str(caught.value) == message
    jury_services.cast_ballot(verdict=verdict, user=people[0], choice="yes")
    with translation.override("en"), pytest.raises(PermissionDenied) as caught:
        jury_services.cast_ballot(verdict=verdict, user=people[0], choice="no")
    assert "already voted" in str(caught.value)
    assert SealedVerdictBallot.objects.filter(verdict=verdict).count() == 1  # sealed until the close
    with pytest.raises(ValidationError):
        jury_services.cast_ballot(verdict=verdict, user=people[1], choice="maybe")
    assert VerdictVoter.objects.filter(verdict=verdict).count() == 1


def test_no_ballot_row_can_be_joined_to_a_juror():
    jury, _facilitator, people = make_jury(jurors=3, stage="verdict")
    vote_all(jury, people, ["no", "yes", "abstain"])
    columns = {f.column for f in VerdictBallot._meta.concrete_fields}
    assert columns == {"id", "verdict_id", "choice"}  # no user, no time
    assert VerdictBallot._meta.pk.get_internal_type() == "UUIDField"  # ids do not follow the roll's order
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {VerdictVoter._meta.db_table}")
        roll_columns = {c[0] for c in cursor.description}
    assert roll_columns == {"id", "verdict_id", "user_id"}
    assert selectors.verdict_ballots(jury.verdicts.get()) == ["abstain", "no", "yes"]  # ordered by choice


def test_a_verdict_closes_when_every_seated_juror_voted_and_the_facilitator_needs_a_quorum_before():
    jury, facilitator, people = make_jury(jurors=4, stage="verdict")
    verdict = jury.verdicts.get()
    jury_services.cast_ballot(verdict=verdict, user=people[0], choice="yes")
    jury_services.cast_ballot(verdict=verdict, user=people[1], choice="yes")
    with translation.override("en"), pytest.raises(JuryError) as caught:
        jury_services.close_verdict(verdict=verdict, actor=facilitator)  # 2 of 4 is not more than half
    assert "more than half of the 4 seated jurors" in caught.value.messages[0]
    jury_services.cast_ballot(verdict=verdict, user=people[2], choice="yes")
    with pytest.raises(PermissionDenied):
        jury_services.close_verdict(verdict=verdict, actor=people[0])
    verdict = jury_services.close_verdict(verdict=verdict, actor=facilitator)
    assert (verdict.met, verdict.result["cast"], verdict.result["seated"]) == (True, 3, 4)
    jury.refresh_from_db()
    assert jury.state == "drafting"
    events = list(RoomEvent.objects.filter(room=jury.private_room, type__startswith="verdict.")
                  .values_list("type", flat=True))
    assert events == ["verdict.opened", "verdict.closed"]


def test_a_failed_verdict_allows_another_round_then_verdict_number_two():
    jury, facilitator, people = make_jury(jurors=3, rule="unanimity", stage="verdict")
    with pytest.raises(JuryError):  # the vote is still open
        jury_services.add_deliberation_round(jury=jury, actor=facilitator)
    first = vote_all(jury, people, ["yes", "yes", "no"])
    assert first.state == "closed" and first.met is False
    jury.refresh_from_db()
    assert jury.state == "verdict"
    with pytest.raises(JuryError):
        jury_services.open_adoption_vote(jury=jury, actor=facilitator)
    rnd = jury_services.add_deliberation_round(jury=jury, actor=facilitator, title="Once more", minutes=20)
    assert (rnd.title, rnd.duration_seconds, rnd.position) == ("Once more", 1200, 2)
    assert RoomEvent.objects.filter(room=jury.private_room, type="agenda.round_added").exists()
    second = jury_services.open_verdict(jury=jury, actor=facilitator)
    assert second.number == 2 and second.rule == "unanimity"
    second = vote_all(jury, people, ["yes", "yes", "yes"])
    assert second.met is True
    jury.refresh_from_db()
    assert jury.state == "drafting"
    moves = [(e.data["from"], e.data["state"], e.actor_id) for e in RoomEvent.objects.filter(
        room=jury.private_room, type="jury.state").order_by("seq")]
    assert moves == [("forming", "hearing", facilitator.pk), ("hearing", "deliberating", facilitator.pk),
                     ("deliberating", "verdict", facilitator.pk), ("verdict", "deliberating", facilitator.pk),
                     ("deliberating", "verdict", facilitator.pk), ("verdict", "drafting", None)]


def test_removing_the_last_missing_juror_closes_the_verdict():
    jury, facilitator, people = make_jury(jurors=3, stage="verdict")
    verdict = jury.verdicts.get()
    jury_services.cast_ballot(verdict=verdict, user=people[0], choice="yes")
    jury_services.cast_ballot(verdict=verdict, user=people[1], choice="yes")
    jury_services.remove_juror(jury=jury, user=people[2], actor=facilitator, reason="left the city")
    verdict.refresh_from_db()
    assert verdict.state == "closed" and verdict.result["seated"] == 2 and verdict.met


# --- The recommendation ------------------------------------------------------------------------------------


def _to_drafting(**kwargs):
    jury, facilitator, people = make_jury(stage="verdict", **kwargs)
    vote_all(jury, people, ["yes"] * len(people))
    jury.refresh_from_db()
    return jury, facilitator, people


def test_draft_versions_are_room_events_and_only_jurors_and_the_facilitator_write():
    jury, facilitator, people = _to_drafting()
    jury_services.save_recommendation(jury=jury, actor=facilitator, text="Run night buses every 15 minutes.")
    jury_services.save_recommendation(jury=jury, actor=people[0], text="Run night buses every 15 minutes, all year.")
    events = RoomEvent.objects.filter(room=jury.private_room, type="recommendation.updated").order_by("seq")
    assert [(e.data["version"], e.data["author_id"]) for e in events] == [(1, facilitator.pk), (2, people[0].pk)]
    assert Recommendation.objects.get(jury=jury).text.endswith("all year.")
    expert = UserFactory()
    RoomMember.objects.create(room=jury.room, user=expert, role="speaker", invited=True)
    for outsider in (expert, UserFactory()):
        with pytest.raises(PermissionDenied):
            jury_services.save_recommendation(jury=jury, actor=outsider, text="Mine")
    with pytest.raises(ValidationError):
        jury_services.save_recommendation(jury=jury, actor=facilitator, text="   ")


def test_a_rejected_draft_goes_back_to_drafting_and_edits_stop_while_voting():
    jury, facilitator, people = _to_drafting()
    jury_services.save_recommendation(jury=jury, actor=facilitator, text="Draft one")
    jury_services.open_adoption_vote(jury=jury, actor=facilitator)
    jury.refresh_from_db()
    with pytest.raises(PermissionDenied):
        jury_services.save_recommendation(jury=jury, actor=facilitator, text="Sneaky change")
    verdict = vote_all(jury, people, ["no", "no", "yes"])
    assert verdict.subject == "recommendation" and verdict.subject_text == "Draft one" and not verdict.met
    jury.refresh_from_db()
    assert jury.state == "drafting"


def test_publishing_creates_a_proposal_escalated_to_the_department_with_minority_opinions():
    jury, facilitator, people = _to_drafting()
    jury_services.save_recommendation(jury=jury, actor=people[1], text="Run night buses every 15 minutes.")
    jury_services.open_adoption_vote(jury=jury, actor=facilitator)
    jury_services.write_minority_opinion(jury=jury, author=people[2], text="Costs too much.", signed=True)
    jury_services.write_minority_opinion(jury=jury, author=people[1], text="Not far enough.", signed=False)
    with pytest.raises(PermissionDenied):
        jury_services.write_minority_opinion(jury=jury, author=facilitator, text="Me too", signed=True)
    vote_all(jury, people, ["yes", "yes", "no"])
    jury.refresh_from_db()
    assert jury.state == "adopted"
    with pytest.raises(PermissionDenied):
        jury_services.publish_recommendation(jury=jury, actor=people[0])
    with translation.override("en"):  # the body is written in the active language (not left to earlier tests)
        recommendation = jury_services.publish_recommendation(jury=jury, actor=facilitator)
    jury.refresh_from_db()
    proposal = jury.proposal
    assert recommendation.state == "published" and recommendation.adopted_by.result["yes"] == 2
    assert proposal.author == facilitator and proposal.title == jury.title
    assert proposal.state == State.ESCALATED and proposal.escalation_level == "department"
    assert f"/juries/{jury.pk}/" in proposal.body and "2 yes, 1 no, 0 abstentions of 3 jurors" in proposal.body
    assert FollowUp.objects.get(proposal=proposal).department == jury.category.default_department
    assert TimelineEntry.objects.filter(proposal=proposal, code="jury_recommendation").exists()
    assert selectors.minority_opinions(recommendation) == [
        {"author": people[2].public_name, "text": "Costs too much.", "signed": True},
        {"author": None, "text": "Not far enough.", "signed": False}]
    jury.private_room.refresh_from_db()
    assert jury.private_room.state == RoomState.ENDED
    with pytest.raises(PermissionDenied):
        jury_services.write_minority_opinion(jury=jury, author=people[2], text="Late", signed=True)


@pytest.mark.parametrize("state, escalated", [(State.PUBLISHED, True), (State.CLOSED, False)])
def test_publishing_on_an_existing_proposal_records_it_and_escalates_it_if_still_open(state, escalated):
    proposal = ProposalFactory(published=True, state=state)
    jury, facilitator, people = make_jury(kind="conference", proposal=proposal, stage="deliberating")
    jury_services.start_drafting(jury=jury, actor=facilitator)
    jury_services.save_recommendation(jury=jury, actor=facilitator, text="Shade trees on Main Street.")
    jury_services.open_adoption_vote(jury=jury, actor=facilitator)
    vote_all(jury, people, ["yes", "yes", "yes"])
    jury_services.publish_recommendation(jury=jury, actor=facilitator)
    proposal.refresh_from_db()
    assert proposal.state == (State.ESCALATED if escalated else State.CLOSED)
    assert FollowUp.objects.filter(proposal=proposal).count() == (1 if escalated else 0)
    assert TimelineEntry.objects.filter(proposal=proposal, code="jury_recommendation", reason=jury.title).exists()
    jury.refresh_from_db()
    assert jury.proposal_id == proposal.pk and proposal.juries.count() == 1


def test_the_facilitator_is_offered_each_stages_next_step_and_no_one_else_is():
    jury, facilitator, people = make_jury(jurors=3)
    assert [a.name for a in jury_rules.next_actions(facilitator, jury, None)] == ["start_hearing"]
    assert jury_rules.next_actions(people[0], jury, None) == []
    jury, facilitator, people = make_jury(jurors=3, stage="verdict")
    verdict = jury.verdicts.get()
    assert [a.name for a in jury_rules.next_actions(facilitator, jury, verdict)] == ["close_verdict"]
    verdict = vote_all(jury, people, ["yes", "no", "abstain"])  # not met: another round may be added
    jury.refresh_from_db()
    assert not verdict.met and [a.name for a in jury_rules.next_actions(facilitator, jury, verdict)] == ["add_round"]
    conference, host, _people = make_jury(jurors=3, kind="conference", stage="deliberating")
    assert [a.name for a in jury_rules.next_actions(host, conference, None)] == ["start_drafting"]
