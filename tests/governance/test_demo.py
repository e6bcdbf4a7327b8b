"""The governance part of `manage.py load_demo` (governance/demo.py): the dashboard is alive on first start."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from governance.committees import selectors as committee_selectors
from governance.dashboard import selectors as dashboard_selectors
from governance.dashboard.selectors import Period
from governance.models import (
    AnnualDocument, Application, Attendance, Committee, CommitteeRecommendation, Meeting, Member, MonitorRating,
)
from governance.states import DocumentState, MeetingMode, MeetingState, MemberRoute

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_every_kind_of_committee_a_year_of_meetings_and_a_live_dashboard(client):
    out = io.StringIO()
    call_command("load_demo", "--supporters", "60", stdout=out)
    assert "secretary@demo.seoul.example" in out.getvalue()

    committees = list(Committee.objects.all())
    assert len(committees) >= 8
    kinds = {(c.legal_status, c.function) for c in committees}
    assert kinds == {(legal, function) for legal in Committee.LegalStatus.values
                     for function in Committee.Function.values}
    agenda = Committee.objects.get(is_agenda_committee=True)
    assert agenda.proposal.title == "심야버스 노선을 외곽까지 늘려 주세요"
    flagged = [c.slug for c in committee_selectors.committee_list() if c.composition.is_outside_rules]
    assert flagged == ["urban-planning"]
    assert set(Member.objects.values_list("route", flat=True)) == set(MemberRoute.values)
    assert Application.objects.filter(state="selected").exclude(reason="").count() == 3
    assert Application.objects.filter(state="submitted", call__state="open").exists()

    held = Meeting.objects.filter(state=MeetingState.HELD)
    assert held.count() >= 40
    assert held.order_by("held_at").first().held_at < timezone.now() - timezone.timedelta(days=300)
    assert Attendance.objects.filter(meeting__in=held).count() > 200
    assert held.filter(minutes_published_at__isnull=False).count() >= 35
    overdue = [m for m in held.filter(minutes_published_at__isnull=True) if m.minutes_overdue]
    assert len(overdue) >= 3
    upcoming = Meeting.objects.filter(state=MeetingState.SCHEDULED, scheduled_at__gt=timezone.now())
    assert upcoming.filter(mode=MeetingMode.ONLINE, room__isnull=False).exists()
    assert upcoming.filter(mode=MeetingMode.IN_PERSON).exists()

    recommendations = CommitteeRecommendation.objects.select_related("follow_up")
    assert recommendations.count() >= 5 and all(r.follow_up_id for r in recommendations)
    assert sum(1 for r in recommendations if r.follow_up.verdict) >= 4
    assert sum(1 for r in recommendations if not r.follow_up.verdict) >= 1
    assert MonitorRating.objects.count() >= 8 and MonitorRating.objects.exclude(reply="").exists()
    assert AnnualDocument.objects.filter(kind="report", state=DocumentState.PUBLISHED).exists()
    assert AnnualDocument.objects.filter(kind="plan", state=DocumentState.DRAFT).exists()

    today = timezone.localdate()
    figures = dashboard_selectors.dashboard(Period(today - timezone.timedelta(days=366), today))
    alive = {f.indicator.code for f in figures if f.value}
    for code in ("committees-by-kind", "committee-citizen-share", "committee-gender-balance", "meetings-held",
                 "meeting-attendance", "minutes-on-time", "follow-ups-on-time", "follow-ups-overdue",
                 "monitor-ratings"):
        assert code in alive, (code, sorted(alive))
    page = client.get(reverse("dashboard:index"), HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200

    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert Committee.objects.count() == len(committees)
