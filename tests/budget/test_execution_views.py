"""budget.execution's pages over HTTP: the cycle's page, report_new (role x action), the .pb and CSV downloads."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.models import ExecutionReport, SubCommittee
from budget.states import CycleStage, ExecutionStage, ProjectState
from tests.budget.execution_helpers import funded_cycle
from tests.budget.factories import make_cycle, make_project
from tests.factories import AdminFactory, ModeratorFactory, OfficerFactory, ResidentFactory
from tests.governance.factories import MemberFactory
from voting.tally import pabulib

pytestmark = pytest.mark.django_db


def placed(cycle, projects):
    projects[0].location, projects[0].latitude, projects[0].longitude = "망원한강공원", Decimal("37.555"), Decimal("126.894")
    projects[0].save()
    return cycle


# --- The cycle's page -------------------------------------------------------------------------------------

def test_the_cycle_page_tells_the_counts_the_money_and_lists_funded_projects_without_a_map(client, settings):
    settings.BUDGET_MAP_TILE_URL = ""
    cycle, projects, vote = funded_cycle()
    placed(cycle, projects)
    make_project(cycle=cycle, state=ProjectState.INELIGIBLE)
    make_project(cycle=cycle, state=ProjectState.DRAFT)
    projects[0].spent = 50_000_000
    projects[0].save()

    response = client.get(reverse("budget:cycle", args=[cycle.slug]))

    assert response.status_code == 200
    c = response.context["counts"]
    assert (c["proposed"], c["reviewed"], c["eligible"], c["shortlisted"], c["on_ballot"], c["funded"],
            c["completed"]) == (4, 4, 3, 3, 3, 2, 0)
    assert c["decided"] == 400_000_000 and c["spent"] == 50_000_000
    html = response.content.decode()
    assert 'data-testid="funded"' in html and "망원한강공원" in html and projects[0].title in html
    assert projects[2].title not in html.split('data-testid="funded"')[1].split("</table>")[0]  # not funded
    assert 'id="pb-map"' not in html and "leaflet.js" not in html and "pb-markers" not in html
    assert "400,000,000" in html and "<svg" in html
    assert reverse("voting:detail", args=[vote.pk]) in html


def test_with_a_tile_server_the_page_carries_the_map_and_its_data_and_the_csp_allows_the_tiles(client, settings):
    settings.BUDGET_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.BUDGET_MAP_ATTRIBUTION = "© Example"
    cycle, projects, _vote = funded_cycle()
    placed(cycle, projects)

    response = client.get(reverse("budget:cycle", args=[cycle.slug]))

    html = response.content.decode()
    assert 'id="pb-map"' in html and 'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in html
    assert '<script id="pb-markers" type="application/json">' in html and "126.894" in html
    assert "vendor/leaflet/leaflet.js" in html and "cycle_map.js" in html
    assert 'data-testid="funded"' in html  # the list stays: the map is added over it
    assert "<script>" not in html  # no inline script (CSP)
    assert "https://*.tiles.example.org" in response["Content-Security-Policy"]


def test_an_overdue_funded_project_is_marked(client):
    cycle, projects, _vote = funded_cycle()
    cycle.execution_due_on = timezone.localdate() - timezone.timedelta(days=1)
    cycle.save()
    html = client.get(reverse("budget:cycle", args=[cycle.slug])).content.decode()
    assert html.count('data-testid="overdue"') == 2


def test_the_calendar_says_which_window_is_open_now(client):
    cycle = make_cycle(stage=CycleStage.CALL)
    response = client.get(reverse("budget:cycle", args=[cycle.slug]))
    assert [w.stage for w in response.context["windows"] if w.is_open] == [CycleStage.CALL]
    assert 'data-testid="open-window"' in response.content.decode()


def test_a_cycle_being_prepared_is_staffs_only(client):
    cycle = make_cycle(stage=CycleStage.DRAFT)
    assert client.get(reverse("budget:cycle", args=[cycle.slug])).status_code == 404
    client.force_login(AdminFactory())
    assert client.get(reverse("budget:cycle", args=[cycle.slug])).status_code == 200


def test_the_cycle_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    cycle, projects, _vote = funded_cycle()
    for _ in range(5):
        make_project(cycle=cycle, state=ProjectState.FUNDED)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("budget:cycle", args=[cycle.slug])).status_code == 200


# --- report_new: who may report (role x action) ---------------------------------------------------------

ROLES = ["anonymous", "citizen", "author", "another-citizen", "moderator", "member-own-field",
         "member-other-field", "officer-own", "officer-other", "staff"]
EXPECTED = {role: 403 for role in ROLES} | {"anonymous": 302, "officer-own": 302, "staff": 302}


def seat(cycle, field):
    """A sub-committee member of ``field`` in ``cycle`` (a seat on the budget committee)."""
    sub_committee, _created = SubCommittee.objects.get_or_create(cycle=cycle, field=field)
    member = MemberFactory(user=ResidentFactory())
    sub_committee.members.add(member)
    return member.user


def actor(role, project):
    other_field = project.cycle.fields.exclude(pk=project.field_id).first()
    return {"anonymous": None, "citizen": ResidentFactory(), "author": project.author,
            "another-citizen": project.cycle.projects.exclude(pk=project.pk).first().author,
            "moderator": ModeratorFactory(), "member-own-field": seat(project.cycle, project.field),
            "member-other-field": seat(project.cycle, other_field),
            "officer-own": OfficerFactory(department=project.department), "officer-other": OfficerFactory(),
            "staff": AdminFactory()}[role]


def report_data(**changes):
    data = {"reported_on": timezone.localdate().isoformat(), "amount": "12000000", "stage": ExecutionStage.UNDER_WAY,
            "progress_percent": "40", "note": "설계 완료, 공사 착수."}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_report_new_role_matrix(client, role):
    cycle, projects, _vote = funded_cycle()
    project = projects[0]
    user = actor(role, project)
    if user is not None:
        client.force_login(user)
    url = reverse("budget:report_new", args=[project.pk])

    shown = client.get(url)
    posted = client.post(url, report_data())

    assert posted.status_code == EXPECTED[role]
    stored = ExecutionReport.objects.filter(project=project).count()
    if role in ("officer-own", "staff"):
        assert shown.status_code == 200 and stored == 1
    else:
        assert shown.status_code == EXPECTED[role] and stored == 0
        if role == "anonymous":
            assert "/accounts/login/" in posted["Location"] or "login" in posted["Location"]


def test_a_refused_report_keeps_what_was_typed_and_says_why(client):
    cycle, projects, _vote = funded_cycle()
    project = projects[0]
    client.force_login(OfficerFactory(department=project.department))
    future = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()

    response = client.post(reverse("budget:report_new", args=[project.pk]), report_data(reported_on=future))

    assert response.status_code == 400
    html = response.content.decode()
    assert "설계 완료, 공사 착수." in html and "12000000" in html
    assert "future" in html  # the reason (English messages in tests)
    assert ExecutionReport.objects.count() == 0


def test_a_report_on_a_project_not_funded_is_refused(client):
    cycle, projects, _vote = funded_cycle()
    client.force_login(OfficerFactory(department=projects[2].department))
    assert client.get(reverse("budget:report_new", args=[projects[2].pk])).status_code == 403


# --- Downloads --------------------------------------------------------------------------------------------

def test_the_pb_file_parses_back_with_the_votes_and_the_official_selection(client):
    cycle, projects, vote = funded_cycle()

    response = client.get(reverse("budget:pb_file", args=[cycle.slug]))

    assert response.status_code == 200 and response["Content-Disposition"].endswith('.pb"')
    election = pabulib.read(response.content.decode())
    assert election.meta["budget"] == str(cycle.total_budget) and election.meta["vote_type"] == "approval"
    assert election.meta["num_projects"] == "3" and election.meta["num_votes"] == "4"
    assert election.meta["rule"] == vote.budget_rule and election.meta["description"] == cycle.title
    rows = list(election.projects.values())
    selected = {int(p) for p in vote.result["selected"]}
    assert [r["selected"] for r in rows] == ["1" if pos in selected else "0" for pos in (1, 2, 3)]
    assert [r["votes"] for r in rows] == ["3", "3", "1"]
    assert [r["name"] for r in rows] == [p.title for p in projects]
    assert [r["category"] for r in rows] == [p.field.slug for p in projects]
    assert [r["district"] for r in rows] == [p.district for p in projects]
    assert len(election.approvals()) == 4
    assert sum(election.costs()[pid] for pid, r in election.projects.items() if r["selected"] == "1") <= election.budget


def test_the_pb_file_before_the_vote_lists_the_shortlist_without_votes(client):
    cycle = make_cycle(stage=CycleStage.DELIBERATION)
    make_project(cycle=cycle, state=ProjectState.SHORTLISTED, cost=70_000_000)
    make_project(cycle=cycle, state=ProjectState.NOT_SHORTLISTED)
    election = pabulib.read(client.get(reverse("budget:pb_file", args=[cycle.slug])).content.decode())
    assert list(election.costs().values()) == [70_000_000] and election.votes == []
    assert "selected" not in election.project_columns


def test_the_execution_csv_lists_the_funded_projects(client):
    cycle, projects, _vote = funded_cycle()
    projects[0].spent = 1_000
    projects[0].save()
    text = client.get(reverse("budget:execution_csv", args=[cycle.slug])).content.decode()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["title"] for r in rows] == [projects[0].title, projects[1].title]
    assert rows[0]["decided_won"] == "200000000" and rows[0]["spent_won"] == "1000" and rows[0]["overdue"] == "0"


def test_the_addresses_are_under_budget_and_a_title_is_escaped_in_the_table(client):
    cycle, projects, _vote = funded_cycle()
    assert reverse("budget:cycle", args=[cycle.slug]) == f"/budget/{cycle.slug}/"
    assert reverse("budget:pb_file", args=[cycle.slug]) == f"/budget/{cycle.slug}/projects.pb"
    assert reverse("budget:report_new", args=[projects[0].pk]) == f"/budget/projects/{projects[0].pk}/reports/new/"
    projects[0].title = "<b>벤치</b>"
    projects[0].save()
    html = client.get(reverse("budget:cycle", args=[cycle.slug])).content.decode()
    assert "&lt;b&gt;벤치&lt;/b&gt;" in html and "<b>벤치</b>" not in html


@pytest.mark.parametrize("role, links", [("anonymous", 0), ("citizen", 0), ("officer-own", 1), ("officer-other", 0),
                                         ("staff", 2)])
def test_the_cycle_page_offers_the_report_form_to_those_who_may_report(client, role, links):
    cycle, projects, _vote = funded_cycle()
    user = actor(role, projects[0])
    if user is not None:
        client.force_login(user)
    html = client.get(reverse("budget:cycle", args=[cycle.slug])).content.decode()
    assert html.count('data-testid="report-link"') == links
    if links:
        assert reverse("budget:report_new", args=[projects[0].pk]) in html
