"""The deliberative poll's services: the order of things (states, waves), every refusal, atomicity, the room."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from deliberation.deliberative_polls import selectors, services as dpoll_services
from deliberation.panels import services as panel_services
from deliberation.deliberative_polls.models import DeliberativePoll, SurveyAnswer, SurveyResponse
from deliberation.rooms.models import RoomMember
from deliberation.deliberative_polls.services import DPollError
from deliberation.deliberative_polls.states import DPOLL_TRANSITIONS, DPollState
from deliberation.rooms.states import MemberRole
from tests.factories import DPOLL_ANSWERS as ANSWERS, FacilitatorFactory, ResidentFactory, make_poll
from tests.factories import dpoll_resident as _person, move_dpoll as _move

pytestmark = pytest.mark.django_db


def test_the_state_table_is_strictly_forward_and_ends_published():
    order = list(DPollState.values)
    for i, state in enumerate(order):
        assert DPOLL_TRANSITIONS[state] == ({order[i + 1]} if i + 1 < len(order) else set())


@pytest.mark.parametrize("start,to", [
    (DPollState.SETUP, DPollState.T2_OPEN), (DPollState.SETUP, DPollState.PUBLISHED),
    (DPollState.T1_OPEN, DPollState.SETUP), (DPollState.T2_OPEN, DPollState.T1_OPEN),
    (DPollState.CLOSED, DPollState.T2_OPEN),
])
def test_an_illegal_move_is_refused_and_the_state_stays(start, to):
    poll, actor, _, _ = make_poll(state=start)
    with translation.override("en"), pytest.raises(DPollError) as refused:
        dpoll_services.move_poll(poll=poll, to=to, actor=actor)
    assert "cannot become" in refused.value.messages[0]
    poll.refresh_from_db()
    assert poll.state == start


def test_the_first_survey_needs_questions_and_a_panel():
    actor = FacilitatorFactory()
    poll = dpoll_services.create_dpoll(actor=actor, title="Empty")
    with translation.override("en"), pytest.raises(DPollError, match="at least one question"):
        dpoll_services.open_t1(poll=poll, actor=actor)
    dpoll_services.add_question(poll=poll, actor=actor, code="q1", text="Q", kind="scale10")
    with translation.override("en"), pytest.raises(DPollError, match="panel's participants"):
        dpoll_services.open_t1(poll=poll, actor=actor)
    assert DeliberativePoll.objects.get(pk=poll.pk).state == DPollState.SETUP


def test_a_citizen_cannot_move_a_poll():
    poll, _, _, _ = make_poll()
    with pytest.raises(PermissionDenied):
        dpoll_services.open_t1(poll=poll, actor=ResidentFactory())


def test_questions_change_only_in_setup():
    poll, actor, _, _ = make_poll(state=DPollState.T1_OPEN)
    with translation.override("en"), pytest.raises(DPollError, match="only while the poll is being prepared"):
        dpoll_services.add_question(poll=poll, actor=actor, code="q9", text="Late", kind="yesno")
    question = poll.questions.get(code="q1")
    with pytest.raises(DPollError):
        dpoll_services.update_question(question=question, actor=actor, text="Changed after T1 opened")
    question.refresh_from_db()
    assert question.text == "Night buses should run later" and poll.questions.count() == 3


def test_a_choice_question_needs_two_different_choices_and_a_code_is_unique():
    poll, actor, _, _ = make_poll()
    with pytest.raises(DPollError):
        dpoll_services.add_question(poll=poll, actor=actor, code="q4", text="Pick", kind="choice", options=["A", "A"])
    with pytest.raises(DPollError):
        dpoll_services.add_question(poll=poll, actor=actor, code="q1", text="Again", kind="yesno")
    assert poll.questions.count() == 3


def test_a_participant_keeps_the_groups_of_their_profile_when_seated():
    poll, _, _, _ = make_poll(panel=0)
    user = _person(district="gangnam", gender="male", birth_year=1990)
    participant = dpoll_services.add_participant(poll=poll, user=user)
    user.district = "mapo"
    user.save()
    participant.refresh_from_db()
    assert participant.attributes["district_group"] == "southeast" and participant.attributes["gender"] == "male"
    assert participant.attributes["age_band"] in ("30-39", "40-49")


def test_seating_twice_a_control_without_control_or_after_t1_is_refused():
    poll, _, members, _ = make_poll()
    with pytest.raises(DPollError):
        dpoll_services.add_participant(poll=poll, user=members[0].user)
    with translation.override("en"), pytest.raises(DPollError, match="no control sample"):
        dpoll_services.add_participant(poll=poll, user=_person(), group="control")
    later, _, _, _ = make_poll(state=DPollState.DELIBERATING)
    with translation.override("en"), pytest.raises(DPollError, match="until the first survey closes"):
        dpoll_services.add_participant(poll=later, user=_person())


def test_margins_are_checked():
    poll, actor, _, _ = make_poll()
    for bad in ({"gender": {"female": -1}}, {"gender": {"female": 0}}, {"gender": "female"}, ["gender"],
                {"gender": {"female": "half"}}):
        with pytest.raises(DPollError):
            dpoll_services.set_margins(poll=poll, actor=actor, margins=bad)
    dpoll_services.set_margins(poll=poll, actor=actor, margins={"gender": {"female": 510, "male": 490}})
    poll.refresh_from_db()
    assert poll.margins == {"gender": {"female": 510, "male": 490}}


def test_the_default_margins_are_seoul_by_zone_gender_and_age():
    poll, _, _, _ = make_poll()
    assert set(poll.margins) == {"district_group", "gender", "age_band"}
    assert set(poll.margins["district_group"]) == {"downtown", "northeast", "northwest", "southwest", "southeast"}
    assert abs(sum(poll.margins["age_band"].values()) - 1) < 1e-9


# --- The surveys -------------------------------------------------------------------------------------

def test_a_t1_answer_is_stored_with_the_scale_as_a_number():
    poll, _, members, _ = make_poll(state=DPollState.T1_OPEN)
    response = dpoll_services.submit_response(participant=members[0], wave=1, answers=ANSWERS)
    stored = {a.question.code: a.value for a in response.answers.select_related("question")}
    assert stored == {"q1": 2, "q2": "no", "q3": "A"}


@pytest.mark.parametrize("answers,code,message", [
    ({**ANSWERS, "q1": "6"}, "q1", "must be a whole number from 1 to 5"),
    ({**ANSWERS, "q1": "0"}, "q1", "must be a whole number from 1 to 5"),
    ({**ANSWERS, "q1": "2.5"}, "q1", "must be a whole number from 1 to 5"),
    ({**ANSWERS, "q2": "maybe"}, "q2", "must be one of: yes, no"),
    ({**ANSWERS, "q3": "D"}, "q3", "must be one of: A, B, C"),
    ({"q1": "3", "q2": "yes"}, "q3", "Please answer"),
    ({**ANSWERS, "q3": ""}, "q3", "Please answer"),
])
def test_a_bad_answer_is_refused_in_place_and_nothing_is_stored(answers, code, message):
    poll, _, members, _ = make_poll(state=DPollState.T1_OPEN)
    with translation.override("en"), pytest.raises(DPollError) as refused:
        dpoll_services.submit_response(participant=members[0], wave=1, answers=answers)
    assert list(refused.value.message_dict) == [code]
    assert message in refused.value.message_dict[code][0]
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


def test_an_answer_to_an_unknown_question_is_refused():
    poll, _, members, _ = make_poll(state=DPollState.T1_OPEN)
    with translation.override("en"), pytest.raises(DPollError, match="There is no question “q9”"):
        dpoll_services.submit_response(participant=members[0], wave=1, answers={**ANSWERS, "q9": "1"})


def test_a_second_t1_is_refused_and_the_first_answers_stay():
    poll, _, members, _ = make_poll(state=DPollState.T1_OPEN)
    dpoll_services.submit_response(participant=members[0], wave=1, answers=ANSWERS)
    with translation.override("en"), pytest.raises(DPollError, match="already answered this survey"):
        dpoll_services.submit_response(participant=members[0], wave=1, answers={**ANSWERS, "q1": "5"})
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.get(question__code="q1").value == 2


def test_t2_before_t1_is_refused_even_when_t2_is_open():
    poll, _, members, _ = make_poll(state=DPollState.T2_OPEN)
    with translation.override("en"), pytest.raises(DPollError, match="only for those who answered the first"):
        dpoll_services.submit_response(participant=members[0], wave=2, answers=ANSWERS)
    assert not SurveyResponse.objects.exists()


def test_t2_while_t1_is_open_is_refused():
    poll, _, members, _ = make_poll(state=DPollState.T1_OPEN)
    dpoll_services.submit_response(participant=members[0], wave=1, answers=ANSWERS)
    with translation.override("en"), pytest.raises(DPollError, match="The survey T2 is not open"):
        dpoll_services.submit_response(participant=members[0], wave=2, answers=ANSWERS)


def test_t1_after_it_closed_is_refused():
    poll, actor, members, _ = make_poll(state=DPollState.T1_OPEN)
    _move(poll, DPollState.DELIBERATING, actor)
    with translation.override("en"), pytest.raises(DPollError, match="The survey T1 is not open"):
        dpoll_services.submit_response(participant=members[0], wave=1, answers=ANSWERS)


def test_a_response_is_stored_whole_or_not_at_all():
    poll, _, members, _ = make_poll(state=DPollState.T1_OPEN)
    with mock.patch.object(SurveyAnswer.objects, "bulk_create", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            dpoll_services.submit_response(participant=members[0], wave=1, answers=ANSWERS)
    assert not SurveyResponse.objects.exists()
    dpoll_services.submit_response(participant=members[0], wave=1, answers=ANSWERS)  # and it can be sent again
    assert SurveyAnswer.objects.count() == 3


def test_a_participant_who_misses_t2_is_kept_for_t1_and_counted_as_attrition():
    poll, actor, members, _ = make_poll(panel=3, state=DPollState.T1_OPEN)
    for member, q1 in zip(members, ("1", "2", "3")):
        dpoll_services.submit_response(participant=member, wave=1, answers={**ANSWERS, "q1": q1})
    _move(poll, DPollState.DELIBERATING, actor)
    _move(poll, DPollState.T2_OPEN, actor)
    for member, q1 in zip(members[:2], ("3", "5")):
        dpoll_services.submit_response(participant=member, wave=2, answers={**ANSWERS, "q1": q1})
    with translation.override("en"):
        report = selectors.dpoll_report(poll)
    group = report["groups"]["deliberation"]
    assert group["attrition"]["t1"] == 3 and group["attrition"]["t2"] == 2 and group["attrition"]["missed_t2"] == 1
    q1 = group["questions"]["q1"]["all"]
    assert q1["t1"]["mean"] == 2.0 and q1["t2"]["mean"] == 4.0  # (1+2+3)/3 at T1, (3+5)/2 at T2
    assert q1["change"]["mean_change"] == 2.5  # paired: (3-1 + 5-2) / 2
    assert report["panel"]["deliberating"] == {"seated": 3, "t1": 3, "t2": 2}
    # Everyone lives in Mapo: the default Seoul margins cannot be reached, so the figures are unweighted
    # and say why, and the panel is still compared with the population.
    assert "No respondent has" in report["weighting_error"] and group["weighting"] is None
    zones = {row["value"]: row["sample_share"] for row in group["representativeness"]["district_group"]["values"]}
    assert zones["northwest"] == 1.0 and zones["southeast"] == 0.0


# --- The room --------------------------------------------------------------------------------------

def test_deliberation_opens_a_panel_room_for_the_panel_never_the_control():
    poll, actor, members, controls = make_poll(control=True, panel=2, controls=2, state=DPollState.T1_OPEN)
    expert = FacilitatorFactory()
    poll = dpoll_services.start_dpoll_deliberation(poll=poll, actor=actor, experts=[expert])
    room = poll.room
    assert room.access == "panel" and room.facilitator == actor
    assert list(room.rounds.values_list("kind", flat=True)) == ["presentation", "tables", "break", "qa"]
    invited = dict(RoomMember.objects.filter(room=room, invited=True).values_list("user_id", "role"))
    assert invited == {members[0].user_id: MemberRole.PARTICIPANT, members[1].user_id: MemberRole.PARTICIPANT,
                       expert.pk: MemberRole.SPEAKER}
    assert not RoomMember.objects.filter(room=room, user__in=[c.user for c in controls]).exists()


def test_the_control_sample_answers_both_surveys_beside_the_panel():
    poll, actor, members, controls = make_poll(control=True, panel=2, controls=2, state=DPollState.T1_OPEN)
    for p in members + controls:
        dpoll_services.submit_response(participant=p, wave=1, answers={**ANSWERS, "q1": "2"})
    _move(poll, DPollState.DELIBERATING, actor)
    _move(poll, DPollState.T2_OPEN, actor)
    for p, q1 in zip(members + controls, ("4", "5", "2", "3")):
        dpoll_services.submit_response(participant=p, wave=2, answers={**ANSWERS, "q1": q1})
    report = selectors.dpoll_report(poll)
    assert report["groups"]["control"]["questions"]["q1"]["all"]["change"]["mean_change"] == 0.5
    assert report["difference_in_differences"]["q1"]["unweighted"]["difference"] == 2.0  # 2.5 - 0.5


def test_a_drawn_panel_is_seated_with_the_draw_on_record():
    from deliberation.panels.models import Draw
    from tests.factories import POOL_QUOTAS, AdminFactory, mark_drawn, standing_pool

    admin = AdminFactory()
    draw = panel_services.prepare_draw(pool=standing_pool(), title="Panel", size=4, quotas_text=POOL_QUOTAS,
                                       actor=admin, algorithm="legacy")
    poll, _, _, _ = make_poll(panel=0)
    with pytest.raises(DPollError):
        dpoll_services.seat_drawn_panel(poll=poll, actor=admin, draw=draw)  # not drawn yet
    draw = mark_drawn(draw)  # the panel, without the solver (test_draws runs it)
    assert draw.state == Draw.State.DRAWN
    assert dpoll_services.seat_drawn_panel(poll=poll, actor=admin, draw=draw) == (4, 0)
    assert dpoll_services.seat_drawn_panel(poll=poll, actor=admin, draw=draw) == (0, 4)  # nobody twice
    poll.refresh_from_db()
    assert poll.draw == draw and poll.participants.count() == 4
    selected_users = set(draw.pool.members.filter(person_id__in=draw.selected).values_list("user_id", flat=True))
    assert set(poll.participants.values_list("user_id", flat=True)) == selected_users


def test_the_cached_report_follows_every_new_answer_and_margin():
    poll, actor, members, _ = make_poll(panel=2, state=DPollState.T1_OPEN)
    dpoll_services.set_margins(poll=poll, actor=actor, margins={"gender": {"female": 1, "male": 1}})
    dpoll_services.submit_response(participant=members[0], wave=1, answers=ANSWERS)
    first = selectors.dpoll_report(poll)
    assert first["groups"]["deliberation"]["attrition"]["t1"] == 1 and first["weighting_error"]  # no man yet
    dpoll_services.submit_response(participant=members[1], wave=1, answers=ANSWERS)
    second = selectors.dpoll_report(poll)
    assert second["groups"]["deliberation"]["attrition"]["t1"] == 2 and second["weighting_error"] is None
    dpoll_services.set_margins(poll=poll, actor=actor, margins={"gender": {"female": 3, "male": 1}})
    poll.refresh_from_db()
    gender = selectors.dpoll_report(poll)["groups"]["deliberation"]["representativeness"]["gender"]
    assert {row["value"]: row["population_share"] for row in gender["values"]} == {"female": 0.75, "male": 0.25}


def test_adding_participants_by_address_is_all_or_none_and_says_which_addresses_failed():
    poll, facilitator, members, _controls = make_poll(panel=1)
    newcomer = _person()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        dpoll_services.add_participants(poll=poll, actor=facilitator, emails=[newcomer.email, "", "nobody@x.org",
                                                                               members[0].user.email.upper()])
    assert caught.value.message_dict["emails"][0] == "No one is registered as nobody@x.org."
    assert len(caught.value.message_dict["emails"]) == 2  # and the one already in the poll
    assert poll.participants.count() == 1  # the newcomer was not added either
    seated = dpoll_services.add_participants(poll=poll, actor=facilitator, emails=[f" {newcomer.email} "])
    assert [p.user for p in seated] == [newcomer] and poll.participants.count() == 2
    with pytest.raises(PermissionDenied):
        dpoll_services.add_participants(poll=poll, actor=newcomer, emails=[newcomer.email])


def test_the_manage_page_offers_the_next_stage_and_the_forms_the_stage_takes():
    from deliberation.deliberative_polls import rules as dpoll_rules

    poll, facilitator, _members, _controls = make_poll(panel=1)
    assert [state for state, _label in dpoll_rules.next_moves(facilitator, poll)] == [DPollState.T1_OPEN]
    assert dpoll_rules.next_moves(ResidentFactory(), poll) == []
    assert dpoll_rules.open_setup_forms(poll) == {"control", "question", "draw", "participants", "material", "margins"}
    poll.state = DPollState.T1_OPEN
    assert dpoll_rules.open_setup_forms(poll) == {"draw", "participants", "material", "margins"}
    poll.state = DPollState.DELIBERATING
    assert dpoll_rules.open_setup_forms(poll) == {"material", "margins"}
