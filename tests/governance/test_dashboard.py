"""The governance dashboard: each indicator, kept by the receivers, equals the same figure read from the
source tables; reconcile heals and is idempotent; filters, bad periods, CSVs, and a page that reads no
big table."""

import re
import statistics
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Gender
from deliberation.deliberative_polls.models import DeliberativePoll
from deliberation.deliberative_polls.states import DPollState
from deliberation.juries.models import Jury
from deliberation.juries.states import JuryState
from deliberation.rooms.models import Room, RoomMember
from deliberation.rooms.states import RoomState
from governance.dashboard import selectors, services
from governance.dashboard.selectors import Period
from governance.models import (
    Attendance, Committee, Meeting, Member, Monitor, MonitorAssignment, MonitorRating, Tally,
)
from governance.states import MeetingState, MemberCategory, MemberRoute, Rating
from proposals.models import FollowUp, FollowUpUpdate, Proposal
from proposals.services import follow_ups as follow_up_services
from proposals.services import lifecycle, support
from proposals.states import AWAITING_ANSWER, EscalationLevel, Origin, Scope, Verdict
from tests.factories import CategoryFactory, DepartmentFactory, OfficerFactory, RoomFactory, UserFactory, make_poll
from voting.models import Option, Vote
from voting.states import VoteKind, VoteState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_sums(settings):
    """These tests change tallies without a commit (no new version): read the sums each time. The cache
    has its own test below."""
    settings.DASHBOARD_CACHE_SECONDS = 0

# Tables a dashboard page may read: the tallies, the committee tables (a few hundred rows), the
# departments' names, and what any page reads (sessions, the signed-in user, site settings).
SMALL_TABLES = {"governance_tally", "governance_committee", "governance_member", "accounts_department",
                "django_session", "accounts_user"}
BIG_TABLES = {"proposals_proposal", "proposals_support", "proposals_followup", "proposals_followupupdate",
              "proposals_timelineentry", "voting_ballot", "voting_voterroll", "voting_vote", "governance_meeting"}


def _publish(category, *, district=""):
    scope = Scope.DISTRICT if district else Scope.CITYWIDE
    draft = lifecycle.save_draft(author=UserFactory(), title="Shade trees on the main street",
                                 body="More shade, please.", category=category, scope=scope, district=district)
    return lifecycle.publish_proposal(proposal=draft, actor=draft.author)


def _escalate(proposal, *, days_ago=0):
    with transaction.atomic():
        return support.escalate(proposal=Proposal.objects.select_for_update().get(pk=proposal.pk),
                                level=EscalationLevel.DEPARTMENT, now=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def world():
    """A small record written through the services (proposals, follow-ups) and the models' own saves
    (committees, meetings, ratings, a budget vote, a room: their services belong to other packages)."""
    dept_a, dept_b = DepartmentFactory(), DepartmentFactory()
    cat_a, cat_b = CategoryFactory(default_department=dept_a), CategoryFactory(default_department=dept_b)
    officer = OfficerFactory(department=dept_a)
    p1, p2 = _publish(cat_a, district="mapo"), _publish(cat_a, district="mapo")
    p3, p4 = _publish(cat_b), _publish(cat_b, district="jongno")
    item1 = _escalate(p1)
    _escalate(p2, days_ago=40)  # due 30 days after: overdue now
    _escalate(p3)
    follow_up_services.publish_answer(officer=officer, follow_up=item1, verdict=Verdict.ACCEPTED, body="Yes.")
    follow_up_services.update_progress(officer=officer, follow_up=FollowUp.objects.get(pk=item1.pk),
                                       body="Planted.", percent=100)
    services.snapshot_overdue()

    now = timezone.now()
    committee = Committee.objects.create(name="청년위원회", slug="youth", legal_status="statutory",
                                         function="advisory", department=dept_a, mandate="Youth policy.",
                                         term_start=now.date(), size=10)
    Committee.objects.create(name="기후위원회", slug="climate", legal_status="statutory", function="citizen",
                             department=dept_b, mandate="Climate.", term_start=now.date(), size=10)
    members = [Member.objects.create(committee=committee, name=f"M{i}", category=category, gender=gender,
                                     term_start=now.date(), route=MemberRoute.APPOINTED)
               for i, (category, gender) in enumerate([(MemberCategory.CITIZEN, Gender.FEMALE),
                                                       (MemberCategory.EXPERT, Gender.FEMALE),
                                                       (MemberCategory.CITIZEN, Gender.MALE)])]
    meeting = Meeting.objects.create(committee=committee, number=1, title="First", agenda="-",
                                     scheduled_at=now - timedelta(days=20), state=MeetingState.HELD,
                                     held_at=now - timedelta(days=20), minutes_due_at=now - timedelta(days=6),
                                     minutes_published_at=now - timedelta(days=3))
    for member, status in zip(members, ["present", "online", "absent"]):
        Attendance.objects.create(meeting=meeting, member=member, status=status)
    Meeting.objects.create(committee=committee, number=2, title="Second", agenda="-", scheduled_at=now,
                           state=MeetingState.HELD, held_at=now, minutes_due_at=now + timedelta(days=14),
                           minutes_published_at=now)

    monitor = Monitor.objects.create(user=UserFactory())
    assignment = MonitorAssignment.objects.create(monitor=monitor, follow_up=item1)
    for rating in [Rating.ON_TRACK, Rating.ON_TRACK, Rating.DELAYED]:
        MonitorRating.objects.create(assignment=assignment, follow_up=item1, rating=rating, note="Seen.")

    vote = Vote.objects.create(title="Budget", question="Which?", kind=VoteKind.BUDGET, budget=1000,
                               opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1),
                               state=VoteState.CLOSED)
    Option.objects.create(vote=vote, position=0, label="Park", cost=600, district="mapo")
    Option.objects.create(vote=vote, position=1, label="Library", cost=300, district="jongno")
    Option.objects.create(vote=vote, position=2, label="Bridge", cost=900, district="mapo")
    vote.state, vote.tallied_at = VoteState.TALLIED, now
    vote.result = {"ballots": 10, "eligible": 40, "selected": [0, 1]}
    vote.save()

    # A budget project carried out (its item made as the count makes them), and a jury's proposal adopted.
    project = FollowUp.objects.create(department=dept_a, vote=vote, option_position=0, title="Budget: Park",
                                      due_at=now + timedelta(days=60))
    follow_up_services.publish_answer(officer=officer, follow_up=project, verdict=Verdict.ACCEPTED, body="Yes.")
    follow_up_services.update_progress(officer=officer, follow_up=FollowUp.objects.get(pk=project.pk),
                                       body="Opened.", percent=100)
    jury_draft = lifecycle.save_draft(author=UserFactory(), title="Night buses", body="Every 15 minutes.",
                                      category=cat_a, origin=Origin.JURY)
    jury_item = _escalate(lifecycle.publish_proposal(proposal=jury_draft, actor=jury_draft.author))
    follow_up_services.publish_answer(officer=officer, follow_up=jury_item, verdict=Verdict.PARTIAL, body="In part.")
    Jury.objects.create(title="Night buses", question="Every 15 minutes?", size=3, facilitator=UserFactory(),
                        room=RoomFactory(), private_room=RoomFactory(), state=JuryState.PUBLISHED)
    poll = make_poll()[0]
    poll.state, poll.state_changed_at = DPollState.PUBLISHED, now
    poll.save()

    room = RoomFactory()
    for _ in range(3):
        RoomMember.objects.create(room=room, user=UserFactory())
    RoomMember.objects.create(room=room, user=UserFactory(), role="observer")
    room.state, room.ended_at = RoomState.ENDED, now
    room.save()
    return {"departments": (dept_a, dept_b), "proposals": (p1, p2, p3, p4), "vote": vote}


def _period():
    today = timezone.localdate()
    return Period(today - timedelta(days=365), today)


def _values(district=""):
    return {f.indicator.code: f.value for f in selectors.dashboard(_period(), district)}


def _direct(district=""):
    """The same figures, read from the source tables (what the tallies must agree with)."""
    proposals = Proposal.objects.all()
    items = FollowUp.objects.filter(proposal__isnull=False)
    answers = FollowUpUpdate.objects.filter(kind=FollowUpUpdate.Kind.ANSWER)
    if district:
        proposals = proposals.filter(district=district)
        items = items.filter(proposal__district=district)
        answers = answers.filter(follow_up__proposal__district=district)
    proposal_answers = answers.filter(follow_up__proposal__isnull=False)
    days = [(a.created_at - a.follow_up.created_at).days for a in proposal_answers.select_related("follow_up")]
    overdue = items.filter(state__in=AWAITING_ANSWER, due_at__lt=timezone.now())
    on_time = sum(1 for a in answers.select_related("follow_up") if a.created_at <= a.follow_up.due_at)
    vote = Vote.objects.get()
    selected = Option.objects.filter(vote=vote, position__in=vote.result["selected"])
    if district:
        selected = selected.filter(district=district)
    decided = sum(o.cost for o in selected)
    completed_projects = FollowUp.objects.filter(vote=vote, updates__kind=FollowUpUpdate.Kind.COMPLETION)
    executed = sum(Option.objects.get(vote=vote, position=item.option_position).cost
                   for item in completed_projects
                   if not district or Option.objects.get(vote=vote, position=item.option_position).district == district)
    attendance = Attendance.objects.all()
    published_minutes = Meeting.objects.filter(minutes_published_at__isnull=False)
    return {
        "proposals-received": proposals.filter(published_at__isnull=False).count(),
        "proposals-escalated": proposals.filter(escalated_at__isnull=False).count(),
        "proposals-answered": proposal_answers.count(),
        "proposals-overdue": overdue.count(),
        "proposal-days-to-answer": statistics.median(days) if days else None,
        "proposals-by-department": items.count(),
        "follow-ups-on-time": round(100 * on_time / answers.count(), 1) if answers.count() else None,
        "follow-ups-overdue": overdue.count(),
        "follow-ups-completed": FollowUpUpdate.objects.filter(
            kind=FollowUpUpdate.Kind.COMPLETION, **({"follow_up__proposal__district": district} if district else {})
        ).count(),
        "monitor-ratings": MonitorRating.objects.count(),
        "meetings-held": Meeting.objects.filter(state=MeetingState.HELD).count(),
        "meeting-attendance": round(100 * attendance.filter(status__in=["present", "online"]).count()
                                    / attendance.count(), 1),
        "minutes-on-time": round(100 * sum(1 for m in published_minutes if m.minutes_published_at
                                           <= m.minutes_due_at) / published_minutes.count(), 1),
        "votes-held": Vote.objects.filter(state=VoteState.TALLIED).count(),
        "vote-turnout": round(100 * 10 / 40, 1),
        "budget-decided": decided,
        "budget-executed": round(100 * executed / decided, 1) if decided else None,
        "room-sessions": Room.objects.filter(state=RoomState.ENDED).count(),
        "room-participants": RoomMember.objects.filter(room__state=RoomState.ENDED).exclude(role="observer").count(),
        "committees-by-kind": Committee.objects.filter(dissolved_at__isnull=True).count(),
        "committee-citizen-share": round(100 * Member.objects.filter(category=MemberCategory.CITIZEN).count()
                                         / Member.objects.count(), 1),
        "committee-gender-balance": 0.0,  # 2 of 3 appointed members are women: above 60 %
        "juries-held": Jury.objects.filter(state=JuryState.PUBLISHED).count(),
        "deliberative-polls-held": DeliberativePoll.objects.filter(state=DPollState.PUBLISHED).count(),
        "jury-recommendations-adopted": answers.filter(follow_up__proposal__origin=Origin.JURY,
                                                       verdict__in=[Verdict.ACCEPTED, Verdict.PARTIAL]).count(),
    }


def test_every_indicator_kept_by_the_receivers_equals_the_source_tables(world):
    values, direct = _values(), _direct()
    assert set(values) == set(direct)
    assert values == direct
    # The record is not empty: the comparison could fail.
    assert values["proposals-received"] == 5 and values["proposals-overdue"] == 1
    assert values["budget-decided"] == 900 and values["room-participants"] == 3
    assert values["budget-executed"] == round(100 * 600 / 900, 1) and values["jury-recommendations-adopted"] == 1
    assert values["juries-held"] == 1 and values["deliberative-polls-held"] == 1


def test_district_figures_equal_the_source_tables_of_that_district(world):
    values, direct = _values("mapo"), _direct("mapo")
    for code in ["proposals-received", "proposals-escalated", "proposals-answered", "proposals-overdue",
                 "proposals-by-department", "follow-ups-completed", "budget-decided"]:
        assert values[code] == direct[code], code
    assert values["proposals-received"] == 2 and values["budget-decided"] == 600


def test_indicators_without_a_district_say_so_under_a_district_filter(world):
    by_code = {f.indicator.code: f for f in selectors.dashboard(_period(), "mapo")}
    assert by_code["meetings-held"].applies is False and by_code["meetings-held"].value is None
    assert by_code["proposals-received"].applies is True


def test_reconcile_heals_a_broken_tally_and_a_second_run_changes_nothing(world):
    before = _values()
    row = Tally.objects.filter(metric="proposal.published").first()
    row.count += 40
    row.save()
    Tally.objects.filter(metric="meeting.held").delete()
    Tally.objects.create(metric="followup.completed", day=timezone.localdate() - timedelta(days=1), count=7)
    assert _values() != before
    changed = services.reconcile(days=None)
    assert changed["proposal.published"] == 1 and changed["meeting.held"] >= 1
    assert changed["followup.completed"] == 1
    assert _values() == before
    assert sum(services.reconcile(days=None).values()) == 0


def test_reconcile_of_recent_days_leaves_older_days_alone(world):
    old = Tally.objects.get(metric="proposal.escalated", day=timezone.localdate() - timedelta(days=40))
    old.count = 9
    old.save()
    services.reconcile(days=3)
    old.refresh_from_db()
    assert old.count == 9
    services.reconcile(days=None)
    old.refresh_from_db()
    assert old.count == 1


def test_reconcile_command_runs_twice_without_change(world, capsys):
    from django.core.management import call_command
    call_command("reconcile_tallies", "--all")
    call_command("reconcile_tallies", "--all")
    assert capsys.readouterr().out.strip().endswith("0 rows changed in all")


def test_a_rolled_back_write_leaves_no_count(world):
    before = _values()["proposals-received"]
    with pytest.raises(RuntimeError), transaction.atomic():
        _publish(CategoryFactory())
        raise RuntimeError
    assert _values()["proposals-received"] == before


def test_year_filter_counts_only_that_year(world, client):
    year = timezone.localdate().year
    response = client.get(reverse("dashboard:index"), {"year": year - 3})
    assert response.status_code == 200
    cards = {c["f"].indicator.code: c["f"] for c in response.context["cards"]}
    assert cards["proposals-received"].value == 0
    response = client.get(reverse("dashboard:index"), {"year": year})
    cards = {c["f"].indicator.code: c["f"] for c in response.context["cards"]}
    assert cards["proposals-received"].value == 5  # published today


@pytest.mark.parametrize("query, message", [
    ({"start": "2026-13-45", "end": "2026-12-31"}, "date"),
    ({"start": "2026-12-31", "end": "2026-01-01"}, "ends before"),
    ({"start": "2026-01-01"}, "both dates"),
    ({"year": "abc"}, "number"),
    ({"district": "atlantis"}, "valid choice"),
])
def test_a_bad_filter_is_a_400_with_a_clear_message_and_keeps_what_was_typed(client, query, message):
    response = client.get(reverse("dashboard:index"), {**query, "language": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    text = response.content.decode()
    assert message.lower() in text.lower()
    for value in query.values():
        if value != "atlantis":
            assert f'value="{value}"' in text
    assert response.context["cards"]  # this year's figures are still shown


def test_the_page_shows_each_indicator_with_table_definition_and_csv(world, client):
    response = client.get(reverse("dashboard:index"))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('data-testid="indicator"') == len(selectors.INDICATORS)
    assert text.count('class="table-wrap" role="region"') >= 20
    assert text.count("<details>") == len(selectors.INDICATORS)
    assert reverse("dashboard:csv", args=["proposals-received"]) in text
    assert "<svg" in text


def test_the_wall_screen_has_no_site_chrome(world, client):
    response = client.get(reverse("dashboard:wall"))
    text = response.content.decode()
    assert response.status_code == 200 and 'class="dash-wall"' in text
    assert "site.css" not in text
    assert text.count('data-testid="indicator"') == len(selectors.INDICATORS)


def test_csv_of_an_indicator_has_a_row_per_month_and_the_whole(world, client):
    today = timezone.localdate()
    response = client.get(reverse("dashboard:csv", args=["proposals-received"]),
                          {"start": (today - timedelta(days=59)).isoformat(), "end": today.isoformat(),
                           "district": "mapo"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + len(Period(today - timedelta(days=59), today).months()) + 1
    assert lines[-1].split(",")[1] == "2"
    assert "mapo" in response["Content-Disposition"]


def test_csv_of_an_unknown_indicator_is_404_and_a_bad_period_400(client):
    assert client.get(reverse("dashboard:csv", args=["nothing"])).status_code == 404
    response = client.get(reverse("dashboard:csv", args=["votes-held"]), {"start": "x", "end": "y"})
    assert response.status_code == 400


def test_no_page_view_reads_the_big_tables(world, client):
    for name in ["dashboard:index", "dashboard:wall"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), {"district": "mapo"}).status_code == 200
        tables = {t for q in queries.captured_queries for t in re.findall(r'FROM "(\w+)"|JOIN "(\w+)"', q["sql"])
                  for t in t if t}
        assert "governance_tally" in tables
        assert tables <= SMALL_TABLES, tables - SMALL_TABLES
        assert not tables & BIG_TABLES
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard:csv", args=["proposals-overdue"]))
    assert all("proposals_" not in q["sql"] for q in queries.captured_queries)


def test_the_embedded_sweeper_reconciles_everything_once_then_recent_days_every_ten_minutes(world):
    from governance.dashboard import tasks
    tasks._whole_history_done = False
    old = Tally.objects.get(metric="proposal.escalated", day=timezone.localdate() - timedelta(days=40))
    old.count = 9
    old.save()
    assert tasks.sweep_tallies() == {"proposal.escalated": 1}  # the first: every day
    assert tasks.sweep_tallies() == {}  # within ten minutes: nothing
    old.refresh_from_db()
    assert old.count == 1


def test_a_crowd_reads_the_sums_once_per_change(world, client, settings, django_capture_on_commit_callbacks):
    settings.DASHBOARD_CACHE_SECONDS = 60

    def tally_reads():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard:index"))
        cards = {c["f"].indicator.code: c["f"].value for c in response.context["cards"]}
        return sum('"governance_tally"' in q["sql"] for q in queries.captured_queries), cards

    assert tally_reads()[0] == 2  # the flows and the stock
    reads, cards = tally_reads()
    assert reads == 0 and cards["proposals-received"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        _publish(CategoryFactory())
    reads, cards = tally_reads()
    assert reads == 2 and cards["proposals-received"] == 6


def test_gender_balance_counts_appointed_members_as_the_committee_page_does():
    """Found by the issue's browser journey: an open-call member was left out (only route "appointed" was
    counted), so a committee the page shows within its rule stayed outside it on the dashboard. Appointed
    = every current member but those sitting ex officio; "other" is a gender of its own."""
    from governance.committees.selectors import composition
    from governance.models import Application, OpenCall
    from governance.states import ApplicationState, OpenCallState

    today = timezone.localdate()
    committee = Committee.objects.create(name="야간문화위원회", slug="night-culture", legal_status="statutory",
                                         function="advisory", department=DepartmentFactory(), mandate="-",
                                         term_start=today, size=10)

    def seat(gender, route=MemberRoute.APPOINTED, category=MemberCategory.EXPERT, **record):
        Member.objects.create(committee=committee, name=f"{gender}-{route}", category=category, gender=gender,
                              term_start=today, route=route, **record)
    seat(Gender.MALE)
    assert selectors.gender_balance() == 0.0
    call = OpenCall.objects.create(committee=committee, title="Citizens wanted", description="-", seats=1,
                                   opens_at=timezone.now() - timedelta(days=2),
                                   closes_at=timezone.now() - timedelta(days=1), state=OpenCallState.SELECTED)
    application = Application.objects.create(call=call, applicant=UserFactory(), statement="-" * 20,
                                             state=ApplicationState.SELECTED, reason="-")
    seat(Gender.FEMALE, route=MemberRoute.OPEN_CALL, category=MemberCategory.CITIZEN, application=application)
    assert not composition(committee).is_outside_rules
    assert selectors.gender_balance() == 100.0
    seat(Gender.MALE, category=MemberCategory.OFFICIAL)  # ex officio: not counted by the rule
    assert selectors.gender_balance() == 100.0
    seat(Gender.OTHER)
    seat(Gender.OTHER)
    seat(Gender.OTHER)
    seat(Gender.OTHER)  # other: 4 of 6 appointed, above 60 %
    assert composition(committee).is_outside_rules
    assert selectors.gender_balance() == 0.0
