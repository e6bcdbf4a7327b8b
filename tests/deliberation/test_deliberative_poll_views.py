"""The deliberative poll's pages over HTTP: who may do what, the survey form, the report's numbers, the exports."""

import csv
import io
import json
import math

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from scipy import stats as scipy_stats

from deliberation.deliberative_polls import display as dpoll_display
from deliberation.deliberative_polls import services
from deliberation.deliberative_polls.models import DeliberativePoll, StoredReport, SurveyAnswer, SurveyResponse
from deliberation.deliberative_polls.states import DPollState
from deliberation.deliberative_polls.tasks import store_missing_dpoll_reports
from tests.factories import DPOLL_ANSWERS as ANSWERS, AdminFactory, FacilitatorFactory, ResidentFactory, make_poll
from tests.factories import dpoll_resident as _person, move_dpoll as _move

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "citizen", "participant", "control", "other_poll", "facilitator", "admin")


def _login(client, role, members, controls, other):
    user = {"anonymous": None, "citizen": ResidentFactory, "facilitator": FacilitatorFactory,
            "admin": AdminFactory}.get(role)
    user = user() if callable(user) else user
    if role == "participant":
        user = members[0].user
    elif role == "control":
        user = controls[0].user
    elif role == "other_poll":
        user = other.user
    if user is not None:
        client.force_login(user)
    return user


def _other_poll_participant():
    _, _, members, _ = make_poll(panel=1)
    return members[0]


# role: (report unpublished, report published, survey page at T1, T1 sent, manage, materials while deliberating)
MATRIX = {
    "anonymous":   (403, 200, 302, False, 302, 403),
    "citizen":     (403, 200, 403, False, 403, 403),
    "participant": (403, 200, 200, True,  403, 200),
    "control":     (403, 200, 200, True,  403, 403),
    "other_poll":  (403, 200, 403, False, 403, 403),
    "facilitator": (200, 200, 403, False, 200, 200),
    "admin":       (200, 200, 403, False, 200, 200),
}
EXPORTS = ("deliberative_polls:dpoll_report_json", "deliberative_polls:dpoll_responses_csv", "deliberative_polls:dpoll_responses_json")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(client, role):
    report_draft, report_published, survey_page, t1_sent, manage, materials = MATRIX[role]
    poll, actor, members, controls = make_poll(control=True, panel=1, controls=1, state=DPollState.T1_OPEN)
    services.add_material(poll=poll, actor=actor, title="Why", stance="pro", body="Because")
    _login(client, role, members, controls, _other_poll_participant())

    assert client.get(reverse("deliberative_polls:dpoll_report", args=[poll.pk])).status_code == report_draft
    for name in EXPORTS:
        assert client.get(reverse(name, args=[poll.pk])).status_code == report_draft, name
    assert client.get(reverse("deliberative_polls:dpoll_table", args=[poll.pk, "changes"])).status_code == report_draft
    assert client.get(reverse("deliberative_polls:dpoll_manage", args=[poll.pk])).status_code == manage
    assert client.get(reverse("deliberative_polls:dpoll_materials", args=[poll.pk])).status_code == (
        200 if role in ("facilitator", "admin") else 403)  # nobody else reads them before the deliberation

    assert client.get(reverse("deliberative_polls:dpoll_survey", args=[poll.pk])).status_code == survey_page
    client.post(reverse("deliberative_polls:dpoll_survey", args=[poll.pk]), {"wave": "1", **ANSWERS})
    assert SurveyResponse.objects.filter(wave=1, participant__poll=poll).exists() == t1_sent

    moved = client.post(reverse("deliberative_polls:dpoll_move", args=[poll.pk]), {"to": DPollState.DELIBERATING})
    assert moved.status_code == (302 if manage in (200, 302) else 403)
    poll.refresh_from_db()
    assert poll.state == (DPollState.DELIBERATING if manage == 200 else DPollState.T1_OPEN)
    if manage != 200:
        _move(poll, DPollState.DELIBERATING, actor)
    assert client.get(reverse("deliberative_polls:dpoll_materials", args=[poll.pk])).status_code == materials

    for to in (DPollState.T2_OPEN, DPollState.CLOSED, DPollState.PUBLISHED):
        _move(poll, to, actor)
    assert client.get(reverse("deliberative_polls:dpoll_report", args=[poll.pk])).status_code == report_published
    for name in EXPORTS:
        assert client.get(reverse(name, args=[poll.pk])).status_code == report_published, name
    assert client.get(reverse("deliberative_polls:dpoll_materials", args=[poll.pk])).status_code == 200


def test_t2_is_answered_from_the_same_page_and_only_once(client):
    poll, actor, members, _ = make_poll(panel=1, state=DPollState.T1_OPEN)
    client.force_login(members[0].user)
    url = reverse("deliberative_polls:dpoll_survey", args=[poll.pk])
    assert client.post(url, {"wave": "1", **ANSWERS}).status_code == 302
    _move(poll, DPollState.DELIBERATING, actor)
    poll.refresh_from_db()
    page = client.get(url).content.decode()
    assert "No survey is open now" in page and reverse("rooms:room", args=[poll.room_id]) in page
    _move(poll, DPollState.T2_OPEN, actor)
    assert 'name="wave" value="2"' in client.get(url).content.decode()
    assert client.post(url, {"wave": "2", **ANSWERS, "q1": "5"}).status_code == 302
    again = client.post(url, {"wave": "2", **ANSWERS, "q1": "1"})
    assert again.status_code == 400 and "already answered this survey" in again.content.decode()
    assert SurveyResponse.objects.filter(participant=members[0]).count() == 2


def test_a_bad_survey_comes_back_with_the_errors_in_place_and_the_answers_kept(client):
    poll, _, members, _ = make_poll(panel=1, state=DPollState.T1_OPEN)
    client.force_login(members[0].user)
    response = client.post(reverse("deliberative_polls:dpoll_survey", args=[poll.pk]),
                           {"wave": "1", "q1": "3", "q3": "Z"})
    page = response.content.decode()
    assert response.status_code == 400 and not SurveyResponse.objects.exists()
    assert 'data-testid="error-q2"' in page and "Please answer" in page
    assert 'data-testid="error-q3"' in page and "must be one of: A, B, C" in page
    assert 'data-testid="error-q1"' not in page
    assert 'name="q1" value="3" checked' in page and 'name="q1" value="2" checked' not in page
    assert "Strongly disagree" in page and "Strongly agree" in page  # the scale's ends are named


def test_a_t2_post_while_t1_is_open_is_refused_clearly(client):
    poll, _, members, _ = make_poll(panel=1, state=DPollState.T1_OPEN)
    client.force_login(members[0].user)
    response = client.post(reverse("deliberative_polls:dpoll_survey", args=[poll.pk]), {"wave": "2", **ANSWERS})
    assert response.status_code == 400
    assert "only for those who answered the first" in response.content.decode()


# --- The report's numbers on fixed data --------------------------------------------------------------

PANEL_Q1 = [("2", "3"), ("2", "4"), ("3", "4"), ("3", "3"), ("4", "5"), ("1", None)]  # the last one missed T2
CONTROL_Q1 = [("3", "3"), ("3", "3"), ("3", "3"), ("3", "3"), ("3", "4")]


def _answered_poll():
    """The poll of PANEL_Q1 and CONTROL_Q1 with T2 closed for answers (still T2_OPEN)."""
    poll, actor, members, controls = make_poll(control=True, panel=6, controls=5, state=DPollState.T1_OPEN)
    services.set_margins(poll=poll, actor=actor, margins={"gender": {"female": 1, "male": 1}})
    for p, (t1, _) in zip(members + controls, PANEL_Q1 + CONTROL_Q1):
        services.submit_response(participant=p, wave=1, answers={**ANSWERS, "q1": t1, "q2": "no"})
    _move(poll, DPollState.DELIBERATING, actor)
    _move(poll, DPollState.T2_OPEN, actor)
    for i, (p, (_, t2)) in enumerate(zip(members + controls, PANEL_Q1 + CONTROL_Q1)):
        if t2 is not None:
            services.submit_response(participant=p, wave=2, answers={**ANSWERS, "q1": t2,
                                                                     "q2": "yes" if i < 3 else "no"})
    return poll, actor, members, controls


@pytest.fixture
def published_poll():
    poll, actor, members, controls = _answered_poll()
    for to in (DPollState.CLOSED, DPollState.PUBLISHED):
        _move(poll, to, actor)
    return poll, members, controls


def test_the_report_page_shows_the_figures_computed_by_hand(client, published_poll):
    poll, members, _ = published_poll
    page = client.get(reverse("deliberative_polls:dpoll_report", args=[poll.pk])).content.decode()
    # Paired differences 1, 2, 1, 0, 1: mean 1; sd sqrt(0.5); t = 1 / (sqrt(0.5) / sqrt(5)) = sqrt(10), df 4.
    t_p = 2 * scipy_stats.t.sf(math.sqrt(10), 4)
    half = scipy_stats.t.ppf(0.975, 4) * math.sqrt(0.5) / math.sqrt(5)
    assert 'data-testid="unweighted-q1-deliberation-change">1.00<' in page
    assert f'data-testid="unweighted-q1-deliberation-t-p">p = {t_p:.3f}<' in page
    assert f"[{1 - half:.2f}, {1 + half:.2f}]" in page
    assert "Mean of those who answered both: 2.80 at T1, 3.80 at T2;" in page
    # Control: one of five moved 3 -> 4, mean 0.2; difference-in-differences 1 - 0.2.
    assert 'data-testid="unweighted-q1-control-change">0.20<' in page
    assert 'data-testid="did-q1-value">0.80<' in page
    # Yes/no: three no -> yes and nobody the other way; exact McNemar p = 2 * 0.5**3.
    assert 'data-testid="unweighted-q2-deliberation-p">p = 0.250<' in page
    # Attrition: six answered T1, five T2; the sixth stays in the T1 distribution (1 of 6 chose 1).
    assert 'data-testid="missed-deliberation">1<' in page
    assert "T1 16.7% → T2 0.0%" in page  # the value 1 of q1
    assert 'data-testid="weighted-q1-deliberation"' in page and 'data-testid="shift-q1-control"' in page
    assert 'data-testid="repr-deliberation-gender"' in page and "50.0%" in page  # 3 women, 3 men


def test_the_report_starts_with_a_summary_in_words_for_citizens(client, published_poll):
    poll, members, _ = published_poll
    page = client.get(reverse("deliberative_polls:dpoll_report", args=[poll.pk])).content.decode()
    summary = page[page.index('data-testid="summary"'):page.index('id="panel-title"')]
    assert "6 people answered the first survey and 5 the second." in summary
    assert "A comparison group of 5 people" in summary
    # q1: means 2.8 -> 3.8 among those who answered both, t-test p = 0.034
    assert ("The average answer rose from 2.8 to 3.8 (on a scale from 1 to 5). "
            "The change is larger than chance alone would explain.") in summary
    # q2: nobody said yes at T1, 3 of the 5 at T2; McNemar p = 0.25
    assert "Those answering yes went from 0% to 60%. The change is small enough to be chance." in summary
    assert page.index('data-testid="summary"') < page.index('id="chart-title"')  # before any figure
    assert "p = 0.000" not in page and "e-0" not in page


def _report_with_subgroups(by_subgroup: dict) -> dict:
    figures = {"change": {}, "t1": {"values": []}, "t2": {"values": []}}
    return {"questions": [{"id": "q1", "kind": "yesno", "text": "Q"}],
            "groups": {"deliberation": {"questions": {"q1": {"all": figures, "by_subgroup": by_subgroup}}}}}


def test_a_subgroup_table_whose_every_row_is_suppressed_collapses_to_one_line():
    hidden = {"suppressed": True}
    shown = {"n_paired": 7, "change": {}, "suppressed": False}
    rows = dpoll_display.question_rows(_report_with_subgroups({"gender": {"female": hidden, "male": hidden}}), {})
    assert rows[0]["groups"][0]["subgroups_hidden"] is True
    rows = dpoll_display.question_rows(_report_with_subgroups({"gender": {"female": shown, "male": hidden}}), {})
    assert rows[0]["groups"][0]["subgroups_hidden"] is False


def test_a_closed_poll_s_report_is_stored_once_and_its_page_reads_it_without_recomputing(
        client, django_capture_on_commit_callbacks):
    """The statistics take seconds for a real poll (docs/benchmarks.md): computed once when T2 closes, then
    every reader, the first one after a restart or a cleared cache included, gets the stored report."""
    poll, actor, members, controls = _answered_poll()
    with django_capture_on_commit_callbacks(execute=True):
        _move(poll, DPollState.CLOSED, actor)
    stored = StoredReport.objects.filter(poll=poll)
    assert sorted(stored.values_list("language", flat=True)) == ["en", "ko"]
    assert services.store_dpoll_report(poll=poll) == 0  # idempotent: the keys still match, nothing recomputed

    cache.clear()  # as after a restart
    client.force_login(actor)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("deliberative_polls:dpoll_report", args=[poll.pk])).content.decode()
    assert 'data-testid="unweighted-q1-deliberation-change">1.00<' in page
    answers_table = SurveyAnswer._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if answers_table in q["sql"]], "the answers were read again"
    assert len(queries.captured_queries) <= 15, [q["sql"] for q in queries.captured_queries]

    # publishing changes nothing the report reads: the stored one is still the one served
    with django_capture_on_commit_callbacks(execute=True):
        _move(poll, DPollState.PUBLISHED, actor)
    assert services.store_dpoll_report(poll=poll) == 0
    # a change it reads (the title) is never hidden behind the stored figures: the key no longer matches
    DeliberativePoll.objects.filter(pk=poll.pk).update(title="다른 제목")
    poll.refresh_from_db()
    assert services.store_dpoll_report(poll=poll) == 1


def test_a_worker_stores_the_report_of_a_closed_poll_whose_task_was_lost(published_poll):
    poll, _members, _controls = published_poll  # closed and published without the queued task running
    assert not StoredReport.objects.filter(poll=poll).exists()
    assert store_missing_dpoll_reports() == 1
    assert sorted(StoredReport.objects.filter(poll=poll).values_list("language", flat=True)) == ["en", "ko"]
    assert store_missing_dpoll_reports() == 0


def test_the_exports_carry_the_same_figures_and_no_one_s_identity(client, published_poll):
    poll, members, controls = published_poll
    report = json.loads(client.get(reverse("deliberative_polls:dpoll_report_json", args=[poll.pk])).content)
    assert report["groups"]["deliberation"]["questions"]["q1"]["all"]["change"]["mean_change"] == 1.0
    changes = list(csv.reader(io.StringIO(
        client.get(reverse("deliberative_polls:dpoll_table", args=[poll.pk, "changes"])).content.decode("utf-8-sig"))))
    header, rows = changes[0], changes[1:]
    overall = next(r for r in rows if r[0] == "deliberation" and r[1] == "" and r[4] == "q1")
    assert float(overall[header.index("mean_change")]) == 1.0
    assert client.get(reverse("deliberative_polls:dpoll_table", args=[poll.pk, "nope"])).status_code == 404

    text = client.get(reverse("deliberative_polls:dpoll_responses_csv", args=[poll.pk])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["participant", "group", "district_group", "age_band", "gender", "question", "t1", "t2"]
    assert len(rows) == 1 + 11 * 3 and all(r[0].startswith("P-") for r in rows[1:])
    labels = {r[0] for r in rows[1:]}
    assert len(labels) == 11
    as_json = client.get(reverse("deliberative_polls:dpoll_responses_json", args=[poll.pk])).content.decode()
    for p in members + controls:
        for secret in (p.user.email, p.user.display_name):
            assert secret not in text and secret not in as_json
        assert str(p.user_id) not in labels and str(p.pk) not in labels
    assert {row["participant"] for row in json.loads(as_json)} == labels
    # the labels are stable from one download to the next
    again = client.get(reverse("deliberative_polls:dpoll_responses_csv", args=[poll.pk])).content.decode("utf-8-sig")
    assert again == text


def test_staff_set_up_a_poll_from_the_pages(client):
    admin = AdminFactory()
    person = _person()
    client.force_login(admin)
    created = client.post(reverse("deliberative_polls:dpoll_create"), {"title": "Parks", "topic": "More parks?"})
    poll = DeliberativePoll.objects.get(title="Parks")
    assert created["Location"] == reverse("deliberative_polls:dpoll_manage", args=[poll.pk])
    url = reverse("deliberative_polls:dpoll_manage", args=[poll.pk])
    client.post(url, {"action": "question", "question-code": "q1", "question-text": "Parks matter",
                      "question-kind": "likert7", "question-options": "", "question-low_label": "",
                      "question-high_label": ""})
    bad = client.post(url, {"action": "participants", "participants-emails": f"{person.email}\nnobody@x.org",
                            "participants-group": "deliberating"})
    assert bad.status_code == 400 and "No one is registered as nobody@x.org" in bad.content.decode()
    assert f"{person.email}\nnobody@x.org" in bad.content.decode()  # the list is kept as typed
    assert not poll.participants.exists() and poll.questions.get().kind == "likert7"  # all or none
    fixed = client.post(url, {"action": "participants", "participants-emails": person.email,
                              "participants-group": "deliberating"})
    assert fixed.status_code == 302 and poll.participants.filter(user=person).exists()
    refused = client.post(url, {"action": "margins", "margins-margins": '{"gender": {"female": -1}}'})
    assert refused.status_code == 400 and "must be a number of at least 0" in refused.content.decode()
    client.post(reverse("deliberative_polls:dpoll_move", args=[poll.pk]), {"to": DPollState.T1_OPEN})
    poll.refresh_from_db()
    assert poll.state == DPollState.T1_OPEN
    skipped = client.post(reverse("deliberative_polls:dpoll_move", args=[poll.pk]), {"to": DPollState.PUBLISHED},
                          follow=True)
    assert "cannot become" in skipped.content.decode()
    poll.refresh_from_db()
    assert poll.state == DPollState.T1_OPEN


def test_the_materials_show_for_and_against_side_by_side_as_escaped_text(client):
    poll, actor, members, _ = make_poll(panel=1, state=DPollState.T1_OPEN)
    services.add_material(poll=poll, actor=actor, title="Faster home", stance="pro", body="Line one\nLine <b>two</b>")
    services.add_material(poll=poll, actor=actor, title="Costly", stance="con", body="Deficits")
    _move(poll, DPollState.DELIBERATING, actor)
    client.force_login(members[0].user)
    page = client.get(reverse("deliberative_polls:dpoll_materials", args=[poll.pk])).content.decode()
    pro = page[page.index('data-testid="materials-pro"'):page.index('data-testid="materials-con"')]
    con = page[page.index('data-testid="materials-con"'):]
    assert "Faster home" in pro and "Costly" not in pro and "Costly" in con
    assert "Line one<br>Line &lt;b&gt;two&lt;/b&gt;" in pro


def test_the_list_hides_polls_in_setup_from_citizens_and_links_a_participant_to_the_survey(client):
    draft, _, _, _ = make_poll(panel=1)
    running, _, members, _ = make_poll(panel=1, state=DPollState.T1_OPEN)
    DeliberativePoll.objects.filter(pk=draft.pk).update(title="Draft poll")
    client.force_login(members[0].user)
    page = client.get(reverse("deliberative_polls:dpolls")).content.decode()
    assert "Draft poll" not in page and reverse("deliberative_polls:dpoll_survey", args=[running.pk]) in page
    client.force_login(FacilitatorFactory())
    assert "Draft poll" in client.get(reverse("deliberative_polls:dpolls")).content.decode()
