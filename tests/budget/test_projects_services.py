"""budget.projects services: drafts, submission and every refusal (nothing stored), withdrawal, the answer
to the review, joining; and the title similarity."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from budget.models import BudgetProject, CoProposer, ProjectEvent, ReviewAnswer
from budget.projects import rules, selectors, services
from budget.projects.similarity import bigrams, jaccard
from budget.states import AnswerKind, CycleStage, ProjectState
from tests.budget.factories import BudgetFieldFactory, make_cycle, make_project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cycle():
    return make_cycle(stage=CycleStage.CALL)


@pytest.fixture
def author():
    return UserFactory()


def _draft(cycle, author, **over):
    values = {"title": "은행나무길 벤치 설치", "field": cycle.fields.first(), "description": "벤치 **열 개**",
              "estimated_cost": 20_000_000, "location": "은행나무길", "beneficiaries": "산책하는 주민"}
    values.update(over)
    return services.save_draft(author=author, cycle=cycle, **values)


def test_a_draft_may_be_incomplete_and_is_its_authors_only(cycle, author):
    project = _draft(cycle, author, description="", estimated_cost=None)
    assert project.state == ProjectState.DRAFT and project.number is None
    assert rules.may_view(author, project) and not rules.may_view(UserFactory(), project)


def test_submit_numbers_the_project_and_sets_the_fields_department(cycle, author):
    first = services.submit_project(actor=author, project=_draft(cycle, author))
    second = services.submit_project(actor=author, project=_draft(cycle, author, title="둘째"))
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.state == ProjectState.SUBMITTED and first.submitted_at is not None
    assert first.department_id == cycle.fields.first().department_id
    assert "<strong>열 개</strong>" in first.description_html
    assert ProjectEvent.objects.filter(project=first, to_state=ProjectState.SUBMITTED).count() == 1


def test_numbers_continue_after_projects_made_elsewhere(cycle, author):
    make_project(cycle=cycle)  # number 1
    project = services.submit_project(actor=author, project=_draft(cycle, author))
    assert project.number == 2


@pytest.mark.parametrize("over, field, words", [
    ({"estimated_cost": 0}, "estimated_cost", "5,000,000"),
    ({"estimated_cost": 4_999_999}, "estimated_cost", "300,000,000"),
    ({"estimated_cost": 300_000_001}, "estimated_cost", "5,000,000"),
    ({"latitude": Decimal("37.5")}, "longitude", "latitude"),
    ({"longitude": Decimal("127.0")}, "latitude", "latitude"),
    ({"latitude": Decimal("91"), "longitude": Decimal("127")}, "latitude", "-90"),
    ({"latitude": Decimal("37"), "longitude": Decimal("181")}, "longitude", "-180"),
    ({"title": "  "}, "title", "title"),
])
def test_a_draft_with_values_the_cycle_does_not_take_is_refused(cycle, author, over, field, words):
    with pytest.raises(ValidationError) as caught:
        _draft(cycle, author, **over)
    assert field in caught.value.error_dict
    assert words in " ".join(caught.value.message_dict[field])
    assert not BudgetProject.objects.exists()


def test_a_field_the_cycle_does_not_offer_is_refused(cycle, author):
    with pytest.raises(ValidationError) as caught:
        _draft(cycle, author, field=BudgetFieldFactory())
    assert "field" in caught.value.error_dict
    assert not BudgetProject.objects.exists()


def test_a_district_cycle_fixes_the_district_and_refuses_another(author):
    cycle = make_cycle(district="mapo")
    assert _draft(cycle, author).district == "mapo"
    with pytest.raises(ValidationError) as caught:
        _draft(cycle, author, district="gangnam")
    assert "district" in caught.value.error_dict
    assert BudgetProject.objects.count() == 1


@pytest.mark.parametrize("over, field", [({"estimated_cost": None}, "estimated_cost"),
                                         ({"description": " "}, "description")])
def test_an_incomplete_draft_cannot_be_submitted(cycle, author, over, field):
    project = _draft(cycle, author, **over)
    with pytest.raises(ValidationError) as caught:
        services.submit_project(actor=author, project=project)
    assert field in caught.value.error_dict
    project.refresh_from_db()
    assert project.state == ProjectState.DRAFT and project.number is None
    assert not ProjectEvent.objects.exists()


@pytest.mark.parametrize("when", ["before", "after", "stage"])
def test_outside_the_call_nothing_is_proposed_or_submitted(author, when):
    now = timezone.now()
    if when == "before":
        cycle = make_cycle(call_opens_at=now + timedelta(days=1), call_closes_at=now + timedelta(days=5))
    elif when == "after":  # still marked CALL: the sweep has not run yet; the clock decides
        cycle = make_cycle(call_opens_at=now - timedelta(days=5), call_closes_at=now - timedelta(minutes=1))
    else:
        cycle = make_cycle(stage=CycleStage.REVIEW)
    with pytest.raises(PermissionDenied) as caught:
        _draft(cycle, author)
    assert "call for projects" in str(caught.value)
    assert not BudgetProject.objects.exists()


def test_a_draft_cannot_be_submitted_after_the_call(cycle, author):
    project = _draft(cycle, author)
    with pytest.raises(PermissionDenied):
        services.submit_project(actor=author, project=project, now=cycle.call_closes_at)
    project.refresh_from_db()
    assert project.state == ProjectState.DRAFT


def test_only_the_author_edits_or_submits_a_draft(cycle, author):
    project = _draft(cycle, author)
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        services.save_draft(author=other, cycle=cycle, project=project, title="남의 것", field=project.field)
    with pytest.raises(PermissionDenied):
        services.submit_project(actor=other, project=project)
    project.refresh_from_db()
    assert project.title == "은행나무길 벤치 설치" and project.state == ProjectState.DRAFT


def test_a_submitted_project_can_no_longer_be_edited(cycle, author):
    project = services.submit_project(actor=author, project=_draft(cycle, author))
    with pytest.raises(PermissionDenied) as caught:
        services.save_draft(author=author, cycle=cycle, project=project, title="바꾼 제목", field=project.field)
    assert "no longer be edited" in str(caught.value)


def test_one_person_has_at_most_the_cap_of_projects(cycle, author):
    for n in range(rules.PROJECTS_PER_PERSON):
        _draft(cycle, author, title=f"사업 {n}")
    with pytest.raises(PermissionDenied):
        _draft(cycle, author, title="하나 더")
    assert BudgetProject.objects.count() == rules.PROJECTS_PER_PERSON


def test_withdraw_goes_through_the_lifecycle_with_the_reason(cycle, author):
    project = services.submit_project(actor=author, project=_draft(cycle, author))
    services.withdraw_project(actor=author, project=project, reason="구청이 이미 설치함")
    project.refresh_from_db()
    assert project.state == ProjectState.WITHDRAWN
    assert project.events.last().note == "구청이 이미 설치함"


def test_a_draft_withdrawn_before_submission_stays_private(cycle, author):
    project = _draft(cycle, author)
    services.withdraw_project(actor=author, project=project)
    project.refresh_from_db()
    assert project.state == ProjectState.WITHDRAWN
    assert rules.may_view(author, project) and not rules.may_view(UserFactory(), project)
    assert not selectors.cycle_projects(cycle).exists()


@pytest.mark.parametrize("state", [ProjectState.SHORTLISTED, ProjectState.WITHDRAWN, ProjectState.FUNDED])
def test_withdraw_is_refused_after_the_shortlist(author, state):
    project = make_project(cycle=make_cycle(stage=CycleStage.DELIBERATION), state=state, author=author)
    with pytest.raises(PermissionDenied):
        services.withdraw_project(actor=author, project=project)
    project.refresh_from_db()
    assert project.state == state


def test_withdraw_is_refused_once_the_vote_has_opened(author):
    project = make_project(cycle=make_cycle(stage=CycleStage.VOTE), state=ProjectState.ELIGIBLE, author=author)
    with pytest.raises(PermissionDenied):
        services.withdraw_project(actor=author, project=project)


def _reviewed(author, state=ProjectState.ELIGIBLE, **over):
    return make_project(cycle=make_cycle(stage=CycleStage.REVIEW), state=state, author=author,
                        reviewed_cost=40_000_000, **over)


def test_clarify_needs_a_text_and_adds_a_note_to_the_record(author):
    project = _reviewed(author, ProjectState.INELIGIBLE)
    with pytest.raises(ValidationError):
        services.answer_review(actor=author, project=project, kind=AnswerKind.CLARIFY, body=" ")
    assert not ReviewAnswer.objects.exists()
    services.answer_review(actor=author, project=project, kind=AnswerKind.CLARIFY, body="구 예산과 겹치지 않습니다")
    event = project.events.get()
    assert event.from_state == event.to_state == ProjectState.INELIGIBLE
    assert "구 예산과 겹치지 않습니다" in event.note


def test_accept_records_the_reviewed_cost(author):
    project = _reviewed(author)
    services.answer_review(actor=author, project=project, kind=AnswerKind.ACCEPT)
    project.refresh_from_db()
    assert project.cost == 40_000_000 and project.state == ProjectState.ELIGIBLE
    assert "40,000,000" in project.events.get().note
    assert project.answer.kind == AnswerKind.ACCEPT


def test_withdraw_as_the_answer_moves_the_project(author):
    project = _reviewed(author)
    services.answer_review(actor=author, project=project, kind=AnswerKind.WITHDRAW, body="다른 방법을 찾겠습니다")
    project.refresh_from_db()
    assert project.state == ProjectState.WITHDRAWN
    assert project.events.get().note == "다른 방법을 찾겠습니다"


def test_a_second_answer_is_refused(author):
    project = _reviewed(author)
    services.answer_review(actor=author, project=project, kind=AnswerKind.ACCEPT)
    with pytest.raises(PermissionDenied):
        services.answer_review(actor=author, project=project, kind=AnswerKind.CLARIFY, body="또")
    assert ReviewAnswer.objects.count() == 1


def test_no_answer_before_the_review_or_after_the_due_date_or_by_another(author):
    unreviewed = make_project(cycle=make_cycle(stage=CycleStage.REVIEW), author=author)
    late = _reviewed(author, answer_due_at=timezone.now() - timedelta(minutes=1))
    other = _reviewed(author)
    for actor, project in [(author, unreviewed), (author, late), (UserFactory(), other)]:
        with pytest.raises(PermissionDenied):
            services.answer_review(actor=actor, project=project, kind=AnswerKind.ACCEPT)
    assert not ReviewAnswer.objects.exists() and not ProjectEvent.objects.exists()


def test_join_once_not_ones_own_nor_a_draft_or_withdrawn_one(cycle, author):
    project = make_project(cycle=cycle, author=author)
    joiner = UserFactory()
    services.join_project(user=joiner, project=project)
    for user, target in [(joiner, project), (author, project),
                         (joiner, make_project(cycle=cycle, state=ProjectState.DRAFT)),
                         (joiner, make_project(cycle=cycle, state=ProjectState.WITHDRAWN))]:
        with pytest.raises(PermissionDenied):
            services.join_project(user=user, project=target)
    assert CoProposer.objects.count() == 1


def test_bigram_similarity_works_for_korean_titles():
    a, b = bigrams("어린이 공원 벤치 설치"), bigrams("공원에 벤치설치")
    assert jaccard(a, b) > 0.3
    assert jaccard(a, bigrams("버스정류장 온열의자")) == 0
    assert bigrams("벤치 설치") == bigrams("벤치설치")


def test_similar_projects_lists_submitted_ones_of_the_cycle_best_first(cycle):
    close = make_project(cycle=cycle, title="공원 벤치 설치")
    closer = make_project(cycle=cycle, title="어린이공원 벤치 설치")
    make_project(cycle=cycle, title="버스정류장 온열의자")
    make_project(cycle=cycle, title="공원 벤치 설치 초안", state=ProjectState.DRAFT)
    make_project(cycle=cycle, title="공원 벤치 설치 철회", state=ProjectState.WITHDRAWN)
    make_project(cycle=make_cycle(), title="어린이공원 벤치 설치")  # another cycle
    found = selectors.similar_projects(cycle, "어린이 공원 벤치 설치")
    assert [row["pk"] for row in found] == [closer.pk, close.pk]
