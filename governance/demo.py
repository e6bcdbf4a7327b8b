"""The governance part of the demo data (`manage.py load_demo`), through the real services.

Ten of the city's committees (statutory or not; advisory, deliberative, executive, citizen participation),
one of them an agenda committee on the demo's night-bus proposal and one outside its gender rule; members
who came in every way (appointed with reasons, selected from an open call, drawn by lot from the pool); a
year of meetings with attendance and minutes (a few overdue), one upcoming online meeting with its live
room and one in person; recommendations in the departments' queues, some answered; monitors from the pool
rating answered items, with a department's replies; a published performance report and a draft plan.

The services refuse to schedule in the past, so each past meeting is scheduled ahead, recorded as held at
its past time, and its stored times are then moved back (as are the follow-ups' and ratings' times); the
attendance of meetings older than six weeks is written in bulk (the services' receivers recompute a day per
row, which would make the demo slow). The dashboard's tallies are rebuilt from the records at the end
(``reconcile_tallies --all``), as the nightly reconcile heals any write that sent no signal.
"""

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from deliberation.panels import services as panel_services
from deliberation.panels.models import PoolMember
from proposals import services as proposal_services
from proposals.models import FollowUp, FollowUpUpdate, Proposal
from proposals.states import Verdict

from governance.committees import services as committees
from governance.meetings import selectors as meeting_selectors
from governance.meetings import services as meetings
from governance.models import (
    Application, Attendance, Committee, CommitteeRecommendation, Meeting, Member, MonitorRating, OpenCall,
)
from governance.monitoring import rules as monitoring_rules
from governance.monitoring import services as monitoring
from governance.states import MeetingMode, MemberCategory

C, E, S, P, O = (MemberCategory.CITIZEN, MemberCategory.EXPERT, MemberCategory.CIVIL_SOCIETY,
                 MemberCategory.COUNCIL, MemberCategory.OFFICIAL)
F, M = "female", "male"

# Appointed members' names (the demo's, not real people's), handed out in turn.
NAMES = [
    "김서연", "이준호", "박지민", "최민수", "정하은", "강도윤", "조수빈", "윤성민", "장예린", "임재현", "한지우", "오승훈",
    "서유진", "신동현", "권나래", "황태식", "안소희", "송기철", "전미경", "홍성우", "유다인", "고병철", "문혜원", "양진혁",
    "손지현", "배상훈", "백은정", "허재민", "남궁선", "노영호", "하수진", "곽민재", "성보람", "차준영", "주희정", "우경민",
    "구아름", "민태호", "류지선", "진상철", "엄소라", "채동민", "원혜진", "천세훈", "방은비", "공재욱", "현수경", "변창호",
    "여민지", "추동훈", "도하나", "소병준", "석지은", "선우진", "설민호", "마은경", "길태현", "위서현", "표정훈", "명수아",
]
REASONS = {
    E: "관련 분야 연구와 실무 경력 10년 이상의 전문가로 위촉합니다.",
    S: "관련 분야 시민단체에서 활동해 온 경험을 반영하기 위해 위촉합니다.",
    P: "서울특별시의회 소관 상임위원회의 추천으로 위촉합니다.",
    O: "소관 부서장으로 당연직 위원입니다.",
    C: "공개모집 전 자치구 추천을 거친 일반 시민으로 위촉합니다.",
}
AGES = ["30-39", "40-49", "50-59", "60-69", "18-29"]
DISTRICTS = ["jongno", "mapo", "nowon", "gangnam", "guro", "seongbuk", "songpa", "eunpyeong", "gwanak", "yongsan"]

# slug, Korean name, English name, legal status, function, department code, mandate, legal basis, seats,
# ordinary citizens at least (%), appointed members [(category, gender)], days ago the meetings were held
COMMITTEES = [
    ("urban-planning", "서울특별시 도시계획위원회", "Seoul Urban Planning Committee", "statutory", "deliberative",
     "transport", "도시관리계획의 결정과 변경, 지구단위계획 등 도시계획에 관한 사항을 심의합니다.",
     "「국토의 계획 및 이용에 관한 법률」 제113조", 14, 0,
     # seven men among nine appointed members: outside the 60 % rule, flagged in public
     [(E, M), (E, M), (E, M), (E, F), (P, M), (S, M), (E, M), (C, F), (E, M), (O, M)], [340, 270, 200, 130, 60, 18]),
    ("climate", "서울특별시 기후변화대책위원회", "Seoul Climate Change Committee", "statutory", "advisory", "climate",
     "온실가스 감축과 기후위기 적응 대책을 자문하고 이행 상황을 점검합니다.",
     "「기후위기 대응을 위한 탄소중립·녹색성장 기본법」, 서울특별시 기후변화기금 조례", 12, 20,
     [(E, F), (E, M), (S, F), (S, M), (C, F), (C, M), (E, F), (O, M)], [330, 250, 170, 90, 5]),
    ("ombudsman", "서울특별시 시민감사옴부즈만위원회", "Seoul Citizen Audit Ombudsman Committee", "statutory",
     "executive", "mayor", "시민이 청구한 감사와 고충 민원을 독립적으로 조사하고 시정을 권고합니다.",
     "서울특별시 시민감사옴부즈만 운영 및 주민감사청구에 관한 조례", 7,
     0, [(E, F), (E, M), (E, F), (E, M), (S, F), (S, M)], [320, 230, 140, 50]),
    ("participatory-budget", "서울특별시 주민참여예산위원회", "Seoul Participatory Budget Committee", "statutory",
     "citizen", "mayor", "시민이 제안한 사업을 심사하고 시민참여예산의 편성과 집행을 점검합니다.",
     "「지방재정법」 제39조, 서울특별시 시민참여예산 운영 조례", 12, 50,
     [(E, F), (E, M), (C, M), (C, F), (O, M)], [300, 220, 150, 80, 25]),
    ("gender-equality", "서울특별시 양성평등위원회", "Seoul Gender Equality Committee", "statutory", "advisory",
     "welfare", "양성평등 정책의 기본계획과 시행계획, 성별영향평가 결과를 심의·자문합니다.",
     "「양성평등기본법」 제11조, 서울특별시 성평등 기본 조례", 10, 0,
     [(E, F), (E, M), (S, F), (S, M), (P, F), (O, M)], [310, 200, 100, 40]),
    ("walkable-city", "서울시 보행친화도시 자문단", "Seoul Walkable City Advisory Group", "non_statutory",
     "advisory", "transport", "보행로 개선, 차 없는 거리, 어린이·어르신 보행안전 사업을 자문합니다.", "", 8, 0,
     [(E, F), (E, M), (S, F), (C, M), (C, F), (O, M)], [290, 190, 120, 45]),
    ("arts-support", "서울시 문화예술지원 심의위원회", "Seoul Arts Funding Review Committee", "non_statutory",
     "deliberative", "culture", "문화예술 지원사업의 대상과 지원 규모를 심의하고 결과를 공개합니다.", "", 9, 0,
     [(E, F), (E, M), (E, F), (S, M), (S, F), (C, M), (C, F)], [335, 245, 155, 65, 18]),
    ("public-art", "서울시 공공미술 추진위원회", "Seoul Public Art Committee", "non_statutory", "executive",
     "culture", "공공미술 작품의 선정, 설치, 관리와 철거를 결정하고 집행합니다.", "", 7, 0,
     [(E, F), (E, M), (S, F), (S, M), (C, F), (O, M)], [315, 210, 105, 18]),
    ("welfare-citizens", "서울시 복지 시민참여위원회", "Seoul Welfare Citizens' Committee", "non_statutory",
     "citizen", "welfare", "복지 사각지대 발굴과 돌봄 정책을 시민의 눈으로 제안하고 점검합니다.", "", 12, 50,
     [(E, F), (E, M), (C, F), (C, M), (C, F), (O, M)], [260, 180, 100, 35]),
]
NIGHT_BUS = "심야버스 노선을 외곽까지 늘려 주세요"
AGENDAS = ["지난 회의 결과 보고", "주요 안건 심의", "부서 추진 현황 보고", "위원 제안 사항 논의", "차기 회의 일정"]
RECOMMENDATIONS = {
    # slug: (department code, title, text, verdict or "" (waiting), with progress)
    "urban-planning": ("transport", "역세권 개발 시 보행 동선 우선 검토",
                       "역세권 개발 계획을 결정하기 전에 보행 동선과 대중교통 환승 거리를 먼저 검토해 주십시오."),
    "climate": ("climate", "공공건물 옥상 녹화 확대", "시 소유 공공건물 옥상의 30 %를 2028년까지 녹화할 것을 권고합니다."),
    "participatory-budget": ("climate", "시민참여예산 사업 집행률 분기별 공개",
                             "선정된 시민참여예산 사업의 집행률과 지연 사유를 분기마다 공개해 주십시오."),
    "walkable-city": ("transport", "어린이보호구역 보도 폭 확보", "어린이보호구역 보도의 유효 폭을 2미터 이상 확보해 주십시오."),
    "welfare-citizens": ("climate", "폭염 취약가구 그늘쉼터 확충",
                         "폭염 취약가구가 많은 동네에 그늘쉼터와 무더위쉼터를 늘려 주십시오."),
    "ombudsman": ("transport", "택시 승차거부 신고 처리 기간 단축", "승차거부 신고의 처리 기간을 30일 이내로 줄여 주십시오."),
    "night-bus": ("transport", "외곽 구간 수요응답형 버스 시범 운행",
                  "심야버스가 닿지 않는 외곽 구간에 수요응답형 버스를 시범 운행하고 이용 실적을 공개해 주십시오."),
}
ANSWERS = {  # the departments' answers: verdict, text, progress report (percent, text) or None
    "urban-planning": (Verdict.ACCEPTED, "역세권 개발 심의 자료에 보행·환승 동선 검토서를 필수로 넣겠습니다.",
                       (60, "검토서 양식을 마련해 올해 심의 안건부터 적용하고 있습니다.")),
    "climate": (Verdict.PARTIAL, "예산 여건상 2028년까지 20 %를 목표로 추진하겠습니다.", (25, "12개 건물 설계를 마쳤습니다.")),
    "participatory-budget": (Verdict.ACCEPTED, "다음 분기부터 누리집에 집행률을 공개하겠습니다.", None),
    "walkable-city": (Verdict.NOT_ACCEPTED, "도로 폭이 좁은 구간이 많아 일괄 적용은 어렵고, 구간별로 검토하겠습니다.", None),
    "ombudsman": (Verdict.ACCEPTED, "신고 처리 절차를 개선해 평균 처리 기간을 줄이겠습니다.", None),
}
RATINGS = [
    ("on_track", "현장에 가 보니 안내대로 공사가 진행 중입니다."),
    ("delayed", "안내된 일정보다 늦어지고 있습니다. 공사 안내문의 날짜가 지났습니다."),
    ("on_track", "부서가 공개한 진행 상황과 현장이 일치합니다."),
    ("stalled", "두 달째 현장에 변화가 없습니다."),
    ("done", "설치가 끝났고 주민들이 이용하고 있습니다."),
]


def _appoint(committee, admin, spec, names, start, *, chair: bool = True) -> list[Member]:
    members = []
    for i, (category, gender) in enumerate(spec):
        members.append(committees.appoint_member(
            committee=committee, actor=admin, name=next(names), category=category, gender=gender,
            reason=REASONS[category], age_band=AGES[i % len(AGES)], district=DISTRICTS[i % len(DISTRICTS)],
            term_start=start))
    if chair:
        committees.set_chair(member=members[0], actor=admin)
    return members


def _held(committee, secretary, days_ago: int, now, number: int, *, minutes_late: bool = False,
          minutes: bool = True) -> Meeting:
    """A meeting held ``days_ago`` (scheduled ahead, held at its past time, its times moved back)."""
    held_at = (now - timedelta(days=days_ago)).replace(hour=14, minute=0, second=0, microsecond=0)
    title = f"제{number}차 {committee.name.removeprefix('서울특별시 ').removeprefix('서울시 ')} 정기회의"
    agenda = "\n".join(f"{i}. {item}" for i, item in enumerate(AGENDAS, start=1))
    meeting = meetings.schedule_meeting(actor=secretary, committee=committee, title=title, agenda=agenda,
                                        scheduled_at=now + timedelta(hours=1), mode=MeetingMode.IN_PERSON,
                                        place="서울특별시청 본관 8층 다목적회의실")
    meeting = meetings.hold_meeting(actor=secretary, meeting=meeting, held_at=held_at)
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=held_at, created_at=held_at - timedelta(days=21))
    statuses = ["present", "present", "online", "present", "excused", "present", "absent", "present"]
    attending = meeting_selectors.members_for_attendance(meeting)
    statuses = {m.pk: statuses[(i + number) % len(statuses)] for i, m in enumerate(attending)}
    if days_ago > 45:  # the archive's attendance in one write (no signal: the tallies are rebuilt at the end)
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk, status=status)
                                        for pk, status in statuses.items()])
    else:
        meetings.record_attendance(actor=secretary, meeting=meeting, statuses=statuses)
    if minutes:
        meetings.publish_minutes(actor=secretary, meeting=meeting, minutes=(
            f"## {title} 회의록\n\n- 일시: {timezone.localtime(held_at):%Y년 %m월 %d일} 14시\n"
            f"- 참석: 위원 {len(attending)}명 중 출석 위원\n\n### 논의 결과\n\n"
            "1. 지난 회의 결과를 보고받았습니다.\n2. 주요 안건을 원안대로 의결했습니다.\n"
            "3. 위원 제안 사항은 다음 회의에서 이어서 논의하기로 했습니다."))
        published = held_at + timedelta(days=committee.minutes_deadline_days + (6 if minutes_late else -4))
        Meeting.objects.filter(pk=meeting.pk).update(minutes_published_at=published)
    meeting.refresh_from_db()
    return meeting


def _open_call_members(committee, admin, residents, now) -> None:
    """A call held last year (six residents applied, three selected with published reasons)."""
    call = committees.create_open_call(
        committee=committee, actor=admin, title="2026 주민참여예산위원 공개모집",
        description="시민참여예산 사업을 심사할 시민위원을 모집합니다. 서울시민 누구나 지원할 수 있습니다.",
        seats=3, opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=14))
    committees.open_call(call=call, actor=admin)
    statements = ["동네 예산 사업에 여러 번 제안해 본 경험을 살리고 싶습니다.",
                  "회계 일을 20년 해 왔습니다. 사업비 집행 점검에 도움이 되고 싶습니다.",
                  "청년의 시각으로 예산 심사에 참여하고 싶습니다.",
                  "어르신 복지 사업에 관심이 많습니다.", "마을공동체 활동가로 일하고 있습니다.",
                  "장애인 이동권 관련 사업을 살펴보고 싶습니다."]
    applications = [committees.apply(call=call, user=user, statement=text)
                    for user, text in zip(residents, statements)]
    committees.close_call(call=call, actor=admin)
    decisions = {a.pk: (i < 3, "지원서와 면접에서 사업 심사 경험과 지역 활동이 뚜렷했습니다." if i < 3 else
                        "좋은 지원서였으나 같은 자치구의 지원자가 먼저 선정되어 이번에는 함께하지 못합니다.")
                 for i, a in enumerate(applications)}
    committees.publish_selection(call=call, actor=admin, decisions=decisions, note=(
        "지원자 6명의 지원서를 외부 위원 2명과 함께 검토하고, 자치구와 성별, 연령의 균형을 고려해 3명을 선정했습니다."))
    opened = now - timedelta(days=380)
    OpenCall.objects.filter(pk=call.pk).update(opens_at=opened, closes_at=opened + timedelta(days=21),
                                               published_at=opened, selected_at=opened + timedelta(days=30),
                                               created_at=opened - timedelta(days=3))
    Application.objects.filter(call=call).update(submitted_at=opened + timedelta(days=7),
                                                 decided_at=opened + timedelta(days=30))
    Member.objects.filter(application__call=call).update(term_start=(opened + timedelta(days=31)).date(),
                                                         created_at=opened + timedelta(days=30))


def _open_call_now(committee, secretary, applicants, now) -> None:
    """A call open now: residents (and the demo "resident") have applied; the selection is still to come."""
    call = committees.create_open_call(
        committee=committee, actor=secretary, title="복지 시민참여위원 4명 공개모집",
        description="돌봄과 복지 사각지대에 관심 있는 서울시민을 모집합니다. 월 1회 회의에 참석합니다.",
        seats=4, opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=20))
    committees.open_call(call=call, actor=secretary)
    for i, user in enumerate(applicants):
        committees.apply(call=call, user=user, statement=(
            "동네에서 홀몸 어르신 안부 확인 봉사를 하고 있습니다." if i % 2 else
            "아이를 키우며 겪은 돌봄 공백 문제를 정책에 반영하고 싶습니다."))
    OpenCall.objects.filter(pk=call.pk).update(opens_at=now - timedelta(days=10), published_at=now - timedelta(days=10))


def _drawn_members(committee, admin, now) -> bool:
    """Four citizens drawn by lot from the standing pool (2 women, 2 men), all confirmed and seated."""
    if PoolMember.objects.filter(pool__standing=True, active=True, user__isnull=False).count() < 12:
        return False
    committee_draw = committees.start_committee_draw(
        committee=committee, size=4, actor=admin, algorithm="legacy",
        quotas_text="feature,value,min,max\ngender,female,2,2\ngender,male,2,2\n")
    draw = panel_services.perform_draw(draw=committee_draw.draw, public_values="2026/06/05 4 12 20 28 35 42",
                                       actor=admin)
    invitations = panel_services.send_invitations(draw=draw, actor=admin, deadline_at=now + timedelta(days=7))
    for invitation in invitations:
        panel_services.answer_invitation(invitation=invitation, user=invitation.user, accept=True)
    seated, _skipped = committees.seat_drawn_members(committee_draw=committee_draw, actor=admin)
    Member.objects.filter(pk__in=[m.pk for m in seated]).update(term_start=committee.term_start)
    return bool(seated)


def _recommend(slug, meeting, secretary, departments, officers) -> FollowUp:
    dept, title, body = RECOMMENDATIONS[slug]
    rec = meetings.adopt_recommendation(actor=secretary, meeting=meeting, title=title, body=body,
                                        department=departments[dept])
    held = meeting.held_at
    CommitteeRecommendation.objects.filter(pk=rec.pk).update(created_at=held)
    due = held + timedelta(days=meeting.committee.recommendation_due_days)
    FollowUp.objects.filter(pk=rec.follow_up_id).update(created_at=held, due_at=due)
    follow_up = FollowUp.objects.get(pk=rec.follow_up_id)
    if slug in ANSWERS:
        officer = officers[dept]
        verdict, answer, progress = ANSWERS[slug]
        proposal_services.publish_answer(officer=officer, follow_up=follow_up, verdict=verdict, body=answer)
        if progress:
            proposal_services.update_progress(officer=officer, follow_up=follow_up, percent=progress[0],
                                              body=progress[1])
        answered = held + timedelta(days=12 + len(slug) % 10)
        FollowUp.objects.filter(pk=follow_up.pk).update(answered_at=answered)
        FollowUpUpdate.objects.filter(follow_up=follow_up).update(created_at=answered)
        follow_up.refresh_from_db()
    return follow_up


def _monitoring(admin, residents, people, officers, items, now) -> None:
    """Pool members (and the demo "resident") volunteer as monitors, are assigned items and rate them."""
    pool_users = [m.user for m in PoolMember.objects.filter(pool__standing=True, active=True, user__isnull=False)
                  .select_related("user").order_by("pk")[:5]]
    if people["resident"] not in pool_users:
        panel_services.volunteer(user=people["resident"], answers={})
        pool_users.insert(0, people["resident"])
    monitors = [monitoring.volunteer(user=user) for user in pool_users[:6]]
    items = [item for item in items if monitoring_rules.is_assignable(item)]
    ratings = []
    for i, item in enumerate(items):
        for monitor in dict.fromkeys((monitors[i % len(monitors)], monitors[(i + 2) % len(monitors)])):
            monitoring.assign(actor=admin, monitor=monitor, follow_up=item)
            code, note = RATINGS[(i + monitor.pk) % 4]
            ratings.append(monitoring.rate(user=monitor.user, follow_up=item, rating=code, note=note))
    # The first round was three weeks ago; a second rating of some items since.
    MonitorRating.objects.filter(pk__in=[r.pk for r in ratings]).update(created_at=now - timedelta(days=21))
    for rating in ratings[::3]:
        code, note = RATINGS[(rating.pk + 1) % 4]
        monitoring.rate(user=rating.assignment.monitor.user, follow_up=rating.follow_up, rating=code, note=note)
    for rating in ratings[::2]:
        officer = officers.get(rating.follow_up.department.code)
        if officer is not None:
            monitoring.reply(user=officer, rating=rating, body=(
                "현장 점검 결과를 확인했습니다. 시공사와 일정을 다시 협의해 다음 달까지 진행 상황을 공개하겠습니다."))


def load_demo_governance(*, departments: dict, people: dict, residents: list) -> None:
    now = timezone.now()
    admin, secretary = people["admin"], people["secretary"]
    officers = {"transport": people["officer"], "climate": people["officer-climate"]}
    names = iter(NAMES * 3)
    term_start = (now - timedelta(days=700)).date()
    made: dict[str, Committee] = {}
    items = []
    for slug, name, name_en, legal, function, dept, mandate, basis, size, citizens, spec, held in COMMITTEES:
        committee = committees.create_committee(
            actor=admin, secretaries=[secretary], name=name, name_en=name_en, slug=slug, legal_status=legal,
            function=function, department=departments[dept], mandate=mandate, legal_basis=basis,
            term_start=term_start, term_end=term_start + timedelta(days=3 * 365), size=size,
            min_citizen_share=citizens)
        Committee.objects.filter(pk=committee.pk).update(created_at=now - timedelta(days=720))
        made[slug] = committee
        _appoint(committee, admin, spec, names, term_start)
        if slug == "participatory-budget":
            _open_call_members(committee, admin, residents[200:206] or residents[-6:], now)
        late = slug in ("climate", "gender-equality")
        for number, days in enumerate(held, start=1):
            meeting = _held(committee, secretary, days, now, number, minutes_late=late and number == 2,
                            minutes=days > 20)  # the last meetings' minutes: overdue (18 days) or not yet due
            if slug in RECOMMENDATIONS and number == len(held) - 1:
                items.append(_recommend(slug, meeting, secretary, departments, officers))
        if slug == "walkable-city":
            upcoming = meetings.schedule_meeting(
                actor=secretary, committee=committee, title="보행친화도시 자문단 임시회의",
                agenda="1. 차 없는 거리 확대안 검토", scheduled_at=now + timedelta(days=3), mode=MeetingMode.IN_PERSON,
                place="서울특별시청 서소문청사 3층 회의실")
            meetings.cancel_meeting(actor=secretary, meeting=upcoming, reason="위원 과반이 참석할 수 없어 다음 달로 미룹니다.")
        if slug == "participatory-budget":
            meetings.schedule_meeting(
                actor=secretary, committee=committee, title="제6차 주민참여예산위원회 정기회의",
                agenda="1. 2027년 시민참여예산 사업 심사 결과 보고\n2. 분과위원회 구성", scheduled_at=(
                    now + timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0),
                mode=MeetingMode.IN_PERSON, place="서울특별시청 본관 3층 대회의실")
    _open_call_now(made["welfare-citizens"], secretary, [people["resident"], *residents[206:211]], now)

    # The agenda committee on the demo's night-bus proposal: two experts appointed, four citizens drawn by lot.
    night_bus = Proposal.objects.get(title=NIGHT_BUS)
    agenda_start = (now - timedelta(days=160)).date()
    agenda = committees.create_committee(
        actor=admin, secretaries=[secretary], name="심야버스 노선 확대 의제별 시민참여위원회",
        name_en="Citizens' Committee on Night Bus Routes", slug="night-bus", legal_status="non_statutory",
        function="citizen", department=departments["transport"], is_agenda_committee=True, proposal=night_bus,
        mandate="심야버스 노선을 외곽까지 늘리는 제안을 시민의 눈으로 검토하고 시행 방안을 권고합니다.",
        term_start=agenda_start, term_end=agenda_start + timedelta(days=365), size=10, min_citizen_share=60)
    made["night-bus"] = agenda
    _appoint(agenda, admin, [(E, F), (E, M)], names, agenda_start)
    if not _drawn_members(agenda, admin, now):  # a demo without a pool: citizens appointed instead
        _appoint(agenda, admin, [(C, F), (C, M), (C, F), (C, M)], names, agenda_start, chair=False)
    for number, days in enumerate([150, 90, 30], start=1):
        meeting = _held(agenda, secretary, days, now, number)
        if number == 2:
            items.append(_recommend("night-bus", meeting, secretary, departments, officers))
    meetings.schedule_meeting(
        actor=secretary, committee=agenda, title="제4차 회의: 수요응답형 버스 시범 운행 결과 검토",
        agenda="1. 시범 운행 이용 실적 보고\n2. 시민 의견 청취\n3. 최종 권고안 토의", mode=MeetingMode.ONLINE,
        scheduled_at=(now + timedelta(days=3)).replace(hour=19, minute=0, second=0, microsecond=0),
        facilitator=people["facilitator"])

    # Items the monitors follow: the accepted proposal in progress, two funded budget projects, the
    # committees' accepted recommendations.
    in_progress = FollowUp.objects.filter(proposal__title="버스정류장에 온열의자 설치").first()
    funded = list(FollowUp.objects.filter(vote__title="2026 서울시 시민참여예산 (기후·환경)").order_by("pk")[:2])
    for i, item in enumerate(funded):
        proposal_services.publish_answer(officer=officers["climate"], follow_up=item, verdict=Verdict.ACCEPTED,
                                         body="시민이 고른 사업이므로 내년 예산에 반영해 추진합니다.")
        if i == 0:
            proposal_services.update_progress(officer=officers["climate"], follow_up=item, percent=30,
                                              body="설계를 마치고 공사 업체를 선정했습니다.")
    monitored = [fu for fu in [in_progress, *funded, *items] if fu is not None]
    for item in monitored:
        item.refresh_from_db()
    _monitoring(admin, residents, people, officers, monitored, now)

    # The performance report of last year's (or this year's) record, published; next year's plan, a draft.
    year = (now - timedelta(days=150)).year
    report = meetings.generate_document(actor=secretary, committee=made["participatory-budget"], year=year,
                                        kind="report")
    meetings.publish_document(actor=secretary, document=report)
    meetings.generate_document(actor=secretary, committee=made["welfare-citizens"], year=now.year + 1, kind="plan")

    call_command("reconcile_tallies", "--all", stdout=io.StringIO())
