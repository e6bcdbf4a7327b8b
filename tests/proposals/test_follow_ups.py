"""The department follow-up queue: clarification, the public answer, progress and completion."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from proposals import selectors, services
from proposals.models import FollowUp, FollowUpUpdate, Notification, Proposal
from proposals.states import FollowUpState, State, Verdict
from tests.factories import FollowUpFactory, OfficerFactory, ResidentFactory, SupportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up():
    return FollowUpFactory()


@pytest.fixture
def officer(follow_up):
    return OfficerFactory(department=follow_up.department)


def _fresh(follow_up) -> tuple[FollowUp, Proposal]:
    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    return follow_up, Proposal.objects.get(pk=follow_up.proposal_id)


# --- Clarification ----------------------------------------------------------------------------------


def test_clarification_request_is_recorded_and_the_author_is_told(follow_up, officer):
    SupportFactory(proposal=follow_up.proposal)

    services.request_clarification(officer=officer, follow_up=follow_up, body="  위치를 알려 주세요  ")

    follow_up, proposal = _fresh(follow_up)
    assert follow_up.state == FollowUpState.CLARIFICATION
    update = follow_up.updates.get()
    assert (update.kind, update.author, update.body) == (FollowUpUpdate.Kind.CLARIFICATION, officer, "위치를 알려 주세요")
    note = Notification.objects.get()  # the author only, not the supporters
    assert (note.user, note.kind, note.follow_up) == (proposal.author, Notification.Kind.CLARIFICATION, follow_up)


def test_clarification_needs_a_question(follow_up, officer):
    with pytest.raises(ValidationError):
        services.request_clarification(officer=officer, follow_up=follow_up, body="   ")

    assert FollowUp.objects.get(pk=follow_up.pk).state == FollowUpState.OPEN
    assert not FollowUpUpdate.objects.exists()
    assert not Notification.objects.exists()


def test_author_reply_puts_the_item_back_in_the_queue(follow_up, officer):
    services.request_clarification(officer=officer, follow_up=follow_up, body="어느 구간인가요?")
    author = follow_up.proposal.author

    services.reply_to_clarification(author=author, follow_up=follow_up, body="망원동 구간입니다")

    follow_up, _ = _fresh(follow_up)
    assert follow_up.state == FollowUpState.OPEN
    reply = follow_up.updates.get(kind=FollowUpUpdate.Kind.CLARIFICATION_REPLY)
    assert (reply.author, reply.body) == (author, "망원동 구간입니다")


@pytest.mark.parametrize("who", ["supporter", "officer", "stranger"])
def test_only_the_author_replies_to_a_clarification(follow_up, officer, who):
    services.request_clarification(officer=officer, follow_up=follow_up, body="질문")
    user = {"supporter": lambda: SupportFactory(proposal=follow_up.proposal).user,
            "officer": lambda: officer, "stranger": ResidentFactory}[who]()

    with pytest.raises(PermissionDenied):
        services.reply_to_clarification(author=user, follow_up=follow_up, body="대신 답합니다")

    assert FollowUp.objects.get(pk=follow_up.pk).state == FollowUpState.CLARIFICATION
    assert not FollowUpUpdate.objects.filter(kind=FollowUpUpdate.Kind.CLARIFICATION_REPLY).exists()


def test_reply_without_a_pending_question_is_refused(follow_up):
    with pytest.raises(services.TransitionError):
        services.reply_to_clarification(author=follow_up.proposal.author, follow_up=follow_up, body="먼저 답합니다")

    assert not FollowUpUpdate.objects.exists()


# --- The answer -------------------------------------------------------------------------------------


@pytest.mark.parametrize("verdict", Verdict.values)
def test_published_answer_answers_the_proposal(follow_up, officer, verdict):
    before = timezone.now()

    services.publish_answer(officer=officer, follow_up=follow_up, verdict=verdict, body="검토 결과 **이렇습니다**")

    follow_up, proposal = _fresh(follow_up)
    assert (follow_up.state, follow_up.verdict) == (FollowUpState.ANSWERED, verdict)
    assert follow_up.answered_at >= before
    answer = follow_up.updates.get()
    assert (answer.kind, answer.verdict, answer.author) == (FollowUpUpdate.Kind.ANSWER, verdict, officer)
    assert "<strong>이렇습니다</strong>" in answer.body_html
    assert proposal.state == State.ANSWERED
    entry = proposal.timeline.get()
    assert (entry.from_state, entry.to_state, entry.actor, entry.reason) == (
        State.ESCALATED, State.ANSWERED, officer, verdict,
    )


def test_answer_may_follow_a_clarification(follow_up, officer):
    services.request_clarification(officer=officer, follow_up=follow_up, body="질문")

    services.publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.PARTIAL, body="부분 수용")

    assert FollowUp.objects.get(pk=follow_up.pk).state == FollowUpState.ANSWERED


@pytest.mark.parametrize(("verdict", "body"), [("", "이유"), ("maybe", "이유"), (Verdict.ACCEPTED, "  ")],
                         ids=["no-verdict", "unknown-verdict", "no-text"])
def test_answer_needs_a_valid_verdict_and_text(follow_up, officer, verdict, body):
    with pytest.raises(ValidationError):
        services.publish_answer(officer=officer, follow_up=follow_up, verdict=verdict, body=body)

    follow_up, proposal = _fresh(follow_up)
    assert (follow_up.state, follow_up.verdict, follow_up.answered_at) == (FollowUpState.OPEN, "", None)
    assert proposal.state == State.ESCALATED
    assert not FollowUpUpdate.objects.exists()


def test_answering_twice_is_refused(follow_up, officer):
    services.publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.NOT_ACCEPTED, body="불가")

    with pytest.raises(services.TransitionError):
        services.publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.ACCEPTED, body="번복")

    follow_up, _ = _fresh(follow_up)
    assert follow_up.verdict == Verdict.NOT_ACCEPTED
    assert follow_up.updates.count() == 1


# --- Progress ---------------------------------------------------------------------------------------


@pytest.fixture
def accepted(officer, follow_up):
    services.publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.ACCEPTED, body="수용")
    return FollowUp.objects.get(pk=follow_up.pk)


def test_progress_report_moves_both_to_in_progress(accepted, officer):
    services.update_progress(officer=officer, follow_up=accepted, body="설계 착수", percent=30)

    follow_up, proposal = _fresh(accepted)
    assert (follow_up.state, follow_up.progress_percent, follow_up.completed_at) == (
        FollowUpState.IN_PROGRESS, 30, None,
    )
    assert proposal.state == State.IN_PROGRESS
    update = follow_up.updates.get(kind=FollowUpUpdate.Kind.PROGRESS)
    assert (update.progress_percent, update.body) == (30, "설계 착수")


def test_further_progress_reports_notify_followers_without_a_transition(accepted, officer):
    services.update_progress(officer=officer, follow_up=accepted, body="설계", percent=30)
    Notification.objects.all().delete()

    services.update_progress(officer=officer, follow_up=accepted, body="공사", percent=70)

    follow_up, proposal = _fresh(accepted)
    assert (follow_up.progress_percent, proposal.state) == (70, State.IN_PROGRESS)
    assert list(Notification.objects.values_list("kind", "user")) == [(Notification.Kind.PROGRESS, proposal.author_id)]


def test_hundred_percent_completes_the_item_and_the_proposal(accepted, officer):
    services.update_progress(officer=officer, follow_up=accepted, body="완공", percent=100)

    follow_up, proposal = _fresh(accepted)
    assert (follow_up.state, follow_up.progress_percent) == (FollowUpState.COMPLETED, 100)
    assert follow_up.completed_at is not None
    assert proposal.state == State.COMPLETED
    assert follow_up.updates.filter(kind=FollowUpUpdate.Kind.COMPLETION).count() == 1


def test_marking_completed_sets_progress_to_hundred(accepted, officer):
    services.update_progress(officer=officer, follow_up=accepted, body="설계", percent=40)

    services.update_progress(officer=officer, follow_up=accepted, body="대체 사업으로 완료", percent=60, completed=True)

    follow_up, proposal = _fresh(accepted)
    assert (follow_up.state, follow_up.progress_percent, proposal.state) == (
        FollowUpState.COMPLETED, 100, State.COMPLETED,
    )


def test_no_progress_after_completion(accepted, officer):
    services.update_progress(officer=officer, follow_up=accepted, body="완공", percent=100)

    with pytest.raises(services.TransitionError):
        services.update_progress(officer=officer, follow_up=accepted, body="추가", percent=100)

    assert FollowUp.objects.get(pk=accepted.pk).updates.count() == 2  # the answer and the completion


@pytest.mark.parametrize("percent", [-1, 101])
def test_progress_is_a_percentage(accepted, officer, percent):
    with pytest.raises(ValidationError):
        services.update_progress(officer=officer, follow_up=accepted, body="?", percent=percent)

    follow_up, proposal = _fresh(accepted)
    assert (follow_up.state, follow_up.progress_percent, proposal.state) == (
        FollowUpState.ANSWERED, 0, State.ANSWERED,
    )


def test_progress_is_refused_on_a_not_accepted_answer(follow_up, officer):
    services.publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.NOT_ACCEPTED, body="불가")

    with pytest.raises(ValidationError) as excinfo:
        services.update_progress(officer=officer, follow_up=follow_up, body="?", percent=10)

    assert excinfo.value.code == "not_accepted"
    assert FollowUp.objects.get(pk=follow_up.pk).state == FollowUpState.ANSWERED


def test_progress_is_refused_before_the_answer(follow_up, officer):
    with pytest.raises(ValidationError):
        services.update_progress(officer=officer, follow_up=follow_up, body="?", percent=10)

    assert FollowUp.objects.get(pk=follow_up.pk).state == FollowUpState.OPEN


def test_progress_on_a_partial_answer_is_allowed(follow_up, officer):
    services.publish_answer(officer=officer, follow_up=follow_up, verdict=Verdict.PARTIAL, body="일부 수용")

    services.update_progress(officer=officer, follow_up=follow_up, body="일부 착수", percent=10)

    assert FollowUp.objects.get(pk=follow_up.pk).state == FollowUpState.IN_PROGRESS


# --- Only the right department ---------------------------------------------------------------------


ACTIONS = {
    "request_clarification": lambda officer, fu: services.request_clarification(officer=officer, follow_up=fu,
                                                                                body="질문"),
    "publish_answer": lambda officer, fu: services.publish_answer(officer=officer, follow_up=fu,
                                                                  verdict=Verdict.ACCEPTED, body="수용"),
    "update_progress": lambda officer, fu: services.update_progress(officer=officer, follow_up=fu, body="진행",
                                                                    percent=50),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_officer_of_another_department_is_refused(action):
    follow_up = FollowUpFactory(answered=True) if action == "update_progress" else FollowUpFactory()
    state_before = follow_up.state
    updates_before = follow_up.updates.count()

    with pytest.raises(PermissionDenied):
        ACTIONS[action](OfficerFactory(), follow_up)

    follow_up, _ = _fresh(follow_up)
    assert follow_up.state == state_before
    assert follow_up.updates.count() == updates_before
    assert not Notification.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_officer_of_the_department_is_allowed(action):
    follow_up = FollowUpFactory(answered=True) if action == "update_progress" else FollowUpFactory()

    ACTIONS[action](OfficerFactory(department=follow_up.department), follow_up)

    assert FollowUp.objects.get(pk=follow_up.pk).updates.count() == 1


def test_queue_lists_one_departments_open_items_by_due_date(officer, follow_up):
    later = FollowUpFactory(department=follow_up.department, due_at=follow_up.due_at + timezone.timedelta(days=1))
    done = FollowUpFactory(department=follow_up.department, state=FollowUpState.COMPLETED, verdict=Verdict.ACCEPTED)
    FollowUpFactory()  # another department

    assert list(selectors.follow_up_queue(department_id=officer.department_id)) == [follow_up, later]
    assert done in selectors.follow_up_queue(department_id=officer.department_id, include_done=True)
