"""The pages of budget.cycles and budget.review: what they show, forms that keep what was typed, Korean
refusals, and the review queue's queries on a city-wide cycle of 3,000 projects."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budget.models import BudgetCycle, BudgetProject, ProjectReview, ReviewAnswer
from budget.states import AnswerKind, CycleStage, ProjectState
from tests.budget.factories import BudgetFieldFactory, make_cycle, make_project
from tests.budget.test_cycles_review_matrix import cycle_post, review_post
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def test_the_public_list_hides_drafts_which_staff_see_with_a_link_to_manage(staff):
    make_cycle(stage=CycleStage.DRAFT, year=2030, title="준비 중인 예산")
    make_cycle(stage=CycleStage.CALL, year=2031, title="공모 중인 예산")
    make_cycle(stage=CycleStage.CLOSED, year=2029, title="끝난 예산")
    public = client_for(None).get(reverse("budget:list")).content.decode()
    assert "준비 중인 예산" not in public and public.index("공모 중인 예산") < public.index("끝난 예산")
    assert reverse("budget:manage", args=["2031-seoul"]) not in public
    mine = client_for(staff).get(reverse("budget:list")).content.decode()
    assert "준비 중인 예산" in mine and reverse("budget:manage", args=["2030-seoul"]) in mine


def test_a_refused_cycle_keeps_what_was_typed_and_says_why_in_korean(staff):
    field = BudgetFieldFactory()
    data = cycle_post(field, title="타이핑한 제목", cost_min=5_000_000, cost_max=4_000_000, slug="review")
    response = client_for(staff).post(reverse("budget:new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "타이핑한 제목" in page and 'value="5000000"' in page
    assert "사업비" in page or "최대" in page  # the cost range refusal, in Korean
    assert not BudgetCycle.objects.exists()


def test_staff_create_then_manage_a_cycle_and_see_the_offered_moves(staff):
    field = BudgetFieldFactory()
    response = client_for(staff).post(reverse("budget:new"), cycle_post(field))
    assert response.status_code == 302 and response["Location"] == reverse("budget:manage", args=["2035-seoul"])
    page = client_for(staff).get(response["Location"]).content.decode()
    assert 'data-testid="move-announced"' in page
    response = client_for(staff).post(reverse("budget:move", args=["2035-seoul"]), {"to": "announced"})
    assert BudgetCycle.objects.get().stage == CycleStage.ANNOUNCED
    page = client_for(staff).get(reverse("budget:manage", args=["2035-seoul"])).content.decode()
    assert 'data-testid="move-call"' in page and 'data-testid="move-draft"' in page


def test_deliberation_offers_no_vote_button_and_says_where_the_vote_is_made(staff):
    cycle = make_cycle(stage=CycleStage.DELIBERATION)
    page = client_for(staff).get(reverse("budget:manage", args=[cycle.slug])).content.decode()
    assert 'data-testid="made-elsewhere"' in page and 'data-testid="move-' not in page
    response = client_for(staff).post(reverse("budget:move", args=[cycle.slug]), {"to": "vote"}, follow=True)
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.DELIBERATION and response.status_code == 200


def test_a_refused_review_keeps_what_was_typed():
    project = make_project(cycle=make_cycle(stage=CycleStage.REVIEW))
    officer = OfficerFactory(department=project.department)
    data = review_post(reasons="적어 둔 이유", reviewed_cost="1000", amount_0="1000")
    response = client_for(officer).post(reverse("budget:review", args=[project.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "적어 둔 이유" in page and 'value="1000"' in page
    assert not ProjectReview.objects.exists()


def test_the_review_page_of_a_project_not_awaiting_review_says_why_without_a_form():
    project = make_project(cycle=make_cycle(stage=CycleStage.REVIEW), state=ProjectState.ELIGIBLE)
    officer = OfficerFactory(department=project.department)
    page = client_for(officer).get(reverse("budget:review", args=[project.pk])).content.decode()
    assert 'data-testid="published-review"' in page and 'data-testid="review-refusal"' in page
    assert 'data-testid="review-form"' not in page


def _bulk_projects(cycle, field, n, *, state=ProjectState.SUBMITTED, start=0):
    author = UserFactory()
    now = timezone.now()
    return BudgetProject.objects.bulk_create([
        BudgetProject(cycle=cycle, number=start + i + 1, author=author, title=f"사업 {start + i + 1}",
                      description="-", field=field, department=field.department, estimated_cost=10_000_000,
                      state=state, submitted_at=now - timedelta(minutes=start + i))
        for i in range(n)])


def test_the_queue_shows_the_department_oldest_first_with_counts_per_filter():
    cycle = make_cycle(stage=CycleStage.REVIEW)
    field, other_field = cycle.fields.all()
    older = make_project(cycle=cycle, field=field, title="먼저 낸 사업")
    BudgetProject.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    make_project(cycle=cycle, field=field, title="나중에 낸 사업")
    make_project(cycle=cycle, field=other_field, title="다른 부서 사업")
    make_project(cycle=cycle, field=field, state=ProjectState.DRAFT, title="초안 사업")
    eligible = make_project(cycle=cycle, field=field, state=ProjectState.ELIGIBLE, title="검토한 사업")
    answered = make_project(cycle=cycle, field=field, state=ProjectState.INELIGIBLE, title="답한 사업")
    ReviewAnswer.objects.create(project=answered, kind=AnswerKind.CLARIFY)
    ReviewAnswer.objects.create(project=eligible, kind=AnswerKind.ACCEPT)
    client = client_for(OfficerFactory(department=field.department))
    page = client.get(reverse("budget:review_queue")).content.decode()
    assert page.index("먼저 낸 사업") < page.index("나중에 낸 사업")
    assert "다른 부서 사업" not in page and "초안 사업" not in page and "검토한 사업" not in page
    assert 'data-testid="count-awaiting">2<' in page
    assert 'data-testid="count-reviewed">1<' in page and 'data-testid="count-answered">1<' in page
    page = client.get(reverse("budget:review_queue"), {"filter": "answered", "cycle": cycle.slug}).content.decode()
    assert "답한 사업" in page and "검토한 사업" not in page
    page = client.get(reverse("budget:review_queue"), {"filter": "reviewed"}).content.decode()
    assert "검토한 사업" in page and "답한 사업" not in page
    other = make_cycle(stage=CycleStage.REVIEW, fields=[field])
    page = client.get(reverse("budget:review_queue"), {"cycle": other.slug}).content.decode()
    assert "먼저 낸 사업" not in page and 'data-testid="count-awaiting">0<' in page


def test_the_queue_of_3000_projects_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    cycle = make_cycle(stage=CycleStage.REVIEW)
    field = cycle.fields.first()
    _bulk_projects(cycle, field, 3000)
    reviewed = _bulk_projects(cycle, field, 60, state=ProjectState.ELIGIBLE, start=3000)
    ProjectReview.objects.bulk_create([ProjectReview(project=p, eligible=True, reasons="-", reviewed_cost=1,
                                                     cost_lines=[]) for p in reviewed])
    ReviewAnswer.objects.bulk_create([ReviewAnswer(project=p, kind=AnswerKind.CLARIFY) for p in reviewed[:10]])
    client = client_for(OfficerFactory(department=field.department))
    client.get(reverse("budget:review_queue"))  # the session and the catalogue, once
    # session + user, two of the site header (notices), the cycle, the counts, the page, the cycles of the filter
    with django_assert_max_num_queries(8):
        response = client.get(reverse("budget:review_queue"), {"cycle": cycle.slug, "page": 3})
    page = response.content.decode()
    assert page.count('data-testid="queue-row"') == 50
    assert 'data-testid="count-awaiting">3,000<' in page and 'data-testid="count-answered">10<' in page
    # Oldest first: the bulk's numbers go back in time, so page 3 holds the 101st to 150th oldest.
    assert ">사업 2900<" in page and ">사업 2851<" in page and ">사업 2850<" not in page
    with django_assert_max_num_queries(8):
        response = client.get(reverse("budget:review_queue"), {"filter": "reviewed", "page": 2})
    page = response.content.decode()
    # 60 reviewed less the 10 answered awaiting revision: one page, which a page number beyond it shows.
    assert 'data-testid="count-reviewed">50<' in page and page.count('data-testid="queue-row"') == 50
