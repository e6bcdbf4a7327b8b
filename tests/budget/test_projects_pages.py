"""budget.projects pages: the form's refusals keep what was typed, the public page shows the review, the
answer, the committee's decision, execution and the record; the list's filters; the similarity JSON."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budget.models import BudgetProject, CoProposer, ExecutionReport, ProjectEvent, ReviewAnswer
from budget.projects import services
from budget.states import AnswerKind, CycleStage, ExecutionStage, ProjectState
from tests.budget.factories import make_cycle, make_project
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def cycle():
    return make_cycle(stage=CycleStage.CALL)


def _client(user=None) -> Client:
    client = Client()
    if user:
        client.force_login(user)
    return client


def _form(cycle, **over):
    data = {"action": "submit", "title": "은행나무길 벤치", "description": "벤치 열 개",
            "field": cycle.fields.first().pk, "estimated_cost": "20000000", "location": "은행나무길",
            "beneficiaries": "주민"}
    data.update(over)
    return data


def test_submitting_from_the_form_numbers_it_and_shows_its_page(cycle):
    user = UserFactory()
    response = _client(user).post(reverse("budget:project_new", args=[cycle.slug]), _form(cycle), **EN)
    project = BudgetProject.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("budget:project", args=[project.pk])
    assert project.number == 1 and project.state == ProjectState.SUBMITTED
    page = _client(user).get(response["Location"], **EN).text
    assert "No. 1" in page and "20,000,000 won" in page


@pytest.mark.parametrize("over, words", [
    ({"estimated_cost": "1000"}, "between 5,000,000 and 300,000,000 won"),
    ({"estimated_cost": ""}, "estimated cost in won"),
    ({"latitude": "37.5"}, "both the latitude and the longitude"),
    ({"latitude": "95", "longitude": "127"}, "between -90 and 90"),
])
def test_a_refused_submission_stores_nothing_and_keeps_what_was_typed(cycle, over, words):
    response = _client(UserFactory()).post(reverse("budget:project_new", args=[cycle.slug]),
                                           _form(cycle, **over), **EN)
    assert response.status_code == 200
    assert words in response.text
    assert 'value="은행나무길 벤치"' in response.text and "벤치 열 개" in response.text
    assert not BudgetProject.objects.exists()


def test_the_refusal_is_in_korean_by_default(cycle):
    response = _client(UserFactory()).post(reverse("budget:project_new", args=[cycle.slug]),
                                           _form(cycle, estimated_cost="1000"), HTTP_ACCEPT_LANGUAGE="ko")
    assert "5,000,000" in response.text and "300,000,000" in response.text and "원" in response.text
    assert "between" not in response.text


def test_after_the_call_the_form_refuses_and_keeps_the_text():
    now = timezone.now()
    cycle = make_cycle(call_opens_at=now - timedelta(days=9), call_closes_at=now - timedelta(seconds=1))
    client = _client(UserFactory())
    assert client.get(reverse("budget:project_new", args=[cycle.slug]), **EN).status_code == 403
    response = client.post(reverse("budget:project_new", args=[cycle.slug]), _form(cycle), **EN)
    assert "The call for projects is not open" in response.text and 'value="은행나무길 벤치"' in response.text
    assert not BudgetProject.objects.exists()


def test_a_draft_is_saved_and_edited_then_submitted(cycle):
    user = UserFactory()
    client = _client(user)
    client.post(reverse("budget:project_new", args=[cycle.slug]), _form(cycle, action="draft", estimated_cost=""))
    draft = BudgetProject.objects.get()
    assert draft.state == ProjectState.DRAFT
    client.post(reverse("budget:project_edit", args=[draft.pk]), _form(cycle, action="draft", title="고친 제목"))
    draft.refresh_from_db()
    assert draft.title == "고친 제목" and draft.estimated_cost == 20_000_000
    client.post(reverse("budget:project_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == ProjectState.SUBMITTED and draft.number == 1


def test_a_draft_is_hidden_from_staff_and_from_lists(cycle):
    draft = make_project(cycle=cycle, state=ProjectState.DRAFT, title="비밀 초안")
    assert _client(AdminFactory()).get(reverse("budget:project", args=[draft.pk])).status_code == 404
    assert "비밀 초안" not in _client().get(reverse("budget:projects", args=[cycle.slug])).text
    mine = _client(draft.author).get(reverse("budget:my_projects")).text
    assert "비밀 초안" in mine


def test_the_author_is_told_a_submitted_project_cannot_be_edited(cycle):
    project = make_project(cycle=cycle)
    response = _client(project.author).get(reverse("budget:project_edit", args=[project.pk]), **EN)
    assert response.status_code == 403 and "can no longer be edited" in response.text


def test_the_page_shows_review_answer_committee_execution_and_record():
    cycle = make_cycle(stage=CycleStage.EXECUTION)
    project = make_project(cycle=cycle, state=ProjectState.FUNDED, reviewed_cost=42_000_000,
                           score_mean="8.25", committee_reason="주민 이용이 많음", spent=12_000_000,
                           execution_stage=ExecutionStage.UNDER_WAY)
    review = project.review
    review.criteria = {"within_powers": True, "one_off": False}
    review.cost_lines = [{"item": "벤치 제작", "amount": 30_000_000}, {"item": "설치", "amount": 12_000_000}]
    review.save()
    ProjectEvent.objects.create(project=project, from_state="submitted", to_state="eligible", note="심사 완료")
    ProjectEvent.objects.create(project=project, from_state="eligible", to_state="eligible", note="보충 설명")
    ReviewAnswer.objects.create(project=project, kind=AnswerKind.CLARIFY, body="구 예산과 겹치지 않음")
    ExecutionReport.objects.create(project=project, reported_on=date.today(), amount=12_000_000,
                                   stage=ExecutionStage.UNDER_WAY, progress_percent=40, note="착공")
    CoProposer.objects.create(project=project, user=UserFactory())
    page = _client().get(reverse("budget:project", args=[project.pk]), **EN).text
    for text in ["Within the city&#x27;s powers", "A one-off cost, not a running cost", "Not met",
                 "30,000,000", "42,000,000 won", "Meets the criteria.", "Clarify the proposal",
                 "구 예산과 겹치지 않음", "8.25", "주민 이용이 많음", "12,000,000 won", "Under way", "착공",
                 "1 co-proposer", "Eligible", "심사 완료", "Note on the record", "보충 설명"]:
        assert text in page, text


def test_answering_from_the_page_publishes_the_answer():
    project = make_project(cycle=make_cycle(stage=CycleStage.REVIEW), state=ProjectState.INELIGIBLE)
    client = _client(project.author)
    assert "Answer the review" in client.get(reverse("budget:project", args=[project.pk]), **EN).text
    response = client.post(reverse("budget:project_answer", args=[project.pk]), {"kind": "clarify", "body": ""},
                           **EN)
    assert response.status_code == 200 and "clarify" in response.text.lower()
    client.post(reverse("budget:project_answer", args=[project.pk]), {"kind": "clarify", "body": "설명 보충"})
    page = client.get(reverse("budget:project", args=[project.pk]), **EN).text
    assert "설명 보충" in page and "Answer the review" not in page
    assert client.get(reverse("budget:project_answer", args=[project.pk])).status_code == 403


def test_joining_shows_the_count(cycle):
    project = make_project(cycle=cycle)
    client = _client(UserFactory())
    client.post(reverse("budget:project_join", args=[project.pk]))
    client.post(reverse("budget:project_join", args=[project.pk]))
    assert CoProposer.objects.filter(project=project).count() == 1
    assert "1 co-proposer" in _client().get(reverse("budget:project", args=[project.pk]), **EN).text


def test_the_list_filters_by_field_district_and_state(cycle):
    one, two = cycle.fields.all()
    make_project(cycle=cycle, field=one, title="가 사업", district="mapo")
    make_project(cycle=cycle, field=two, title="나 사업", state=ProjectState.ELIGIBLE)
    url = reverse("budget:projects", args=[cycle.slug])
    by_field = _client().get(url, {"field": two.slug}).text
    assert "나 사업" in by_field and "가 사업" not in by_field
    by_district = _client().get(url, {"district": "mapo"}).text
    assert "가 사업" in by_district and "나 사업" not in by_district
    by_state = _client().get(url, {"state": "eligible"}).text
    assert "나 사업" in by_state and "가 사업" not in by_state


def test_a_cycle_being_prepared_has_no_public_list():
    cycle = make_cycle(stage=CycleStage.DRAFT)
    assert _client().get(reverse("budget:projects", args=[cycle.slug])).status_code == 404


def test_similar_returns_korean_titles_as_json(cycle):
    bench = make_project(cycle=cycle, title="어린이공원 벤치 설치")
    make_project(cycle=cycle, title="버스정류장 온열의자")
    response = _client().get(reverse("budget:similar", args=[cycle.slug]), {"title": "공원 벤치"})
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert [r["pk"] for r in results] == [bench.pk]
    assert results[0]["title"] == "어린이공원 벤치 설치"
    assert results[0]["url"] == reverse("budget:project", args=[bench.pk])
    excluded = _client().get(reverse("budget:similar", args=[cycle.slug]), {"title": "공원 벤치",
                                                                            "exclude": bench.pk})
    assert excluded.json()["results"] == []


def test_similar_returns_at_most_five(cycle):
    for n in range(8):
        make_project(cycle=cycle, title=f"공원 벤치 설치 {n}")
    results = _client().get(reverse("budget:similar", args=[cycle.slug]), {"title": "공원 벤치 설치"}).json()
    assert len(results["results"]) == 5


def test_a_submitted_project_appears_in_similar_without_waiting_for_the_cache(cycle,
                                                                             django_capture_on_commit_callbacks):
    url = reverse("budget:similar", args=[cycle.slug])
    assert _client().get(url, {"title": "은행나무길 벤치"}).json()["results"] == []
    user = UserFactory()
    draft = services.save_draft(author=user, cycle=cycle, title="은행나무길 벤치", field=cycle.fields.first(),
                                description="d", estimated_cost=10_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_project(actor=user, project=draft)
    assert len(_client().get(url, {"title": "은행나무길 벤치"}).json()["results"]) == 1
