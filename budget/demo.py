"""The demo's participatory budget (`make run`): one city-wide cycle carried through to execution, one in its
call for projects. Everything goes through the services the pages use; where a step needs time to have
passed (a window closed, the vote's evening over) the demo moves the deadline and lets the sweep act, as
the rest of load_demo does. The texts are the demo's data, in Korean as its proposals are."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from budget.committee import services as committee_services
from budget.cycles import services as cycle_services
from budget.execution import services as execution_services
from budget.models import BudgetCycle, BudgetField, BudgetProject
from budget.projects import services as project_services
from budget.review import services as review_services
from budget.states import AnswerKind, CycleStage, ExecutionStage, ProjectState, ReviewCriterion
from governance.models import Committee, Member
from voting.models import Vote
from voting.services import ballots as vote_ballots
from voting.services import lifecycle as vote_lifecycle

# code, Korean, English, the reviewing department's code
FIELDS = [
    ("transport", "교통", "Transport", "transport"),
    ("parks", "공원·환경", "Parks and environment", "climate"),
    ("welfare", "복지", "Welfare", "welfare"),
    ("culture", "문화·관광", "Culture and tourism", "culture"),
]

# field, title, estimated cost, district, (lat, lng), place, who benefits, description
FINISHED = [
    ("transport", "어린이보호구역 바닥 신호등", 120_000_000, "mapo", (37.5563, 126.9236), "마포구 초등학교 앞 6곳",
     "등하교하는 어린이", "초등학교 앞 횡단보도 6곳에 바닥형 LED 신호등을 설치해 휴대폰을 보며 걷는 아이들도 신호를 보게 합니다."),
    ("transport", "따릉이 대여소 확충", 200_000_000, "nowon", (37.6542, 127.0568), "노원구 주택가 10곳",
     "지하철역에서 먼 주민", "대여소가 없는 주택가 10곳에 공공자전거 대여소를 새로 설치합니다."),
    ("parks", "한강공원 그늘막 설치", 150_000_000, "yeongdeungpo", (37.5284, 126.9327), "여의도 한강공원 산책로",
     "산책하고 운동하는 시민", "산책로와 자전거길 쉼터 12곳에 접이식 그늘막을 설치합니다."),
    ("parks", "학교 숲 조성", 300_000_000, "gwanak", (37.4784, 126.9516), "관악구 초·중학교 4곳",
     "학생과 주민", "학교 운동장 가장자리에 나무를 심어 미세먼지를 줄이고 주민 쉼터로 엽니다."),
    ("parks", "빗물정원 조성", 250_000_000, "seongbuk", (37.5894, 127.0167), "성북구 공원 5곳",
     "집중호우 때 침수를 겪는 주민", "빗물이 땅으로 스며들도록 공원 5곳에 빗물정원을 만듭니다."),
    ("welfare", "경로당 스마트 교실", 130_000_000, "", None, "서울 전역 경로당 20곳",
     "어르신", "경로당에서 휴대폰·키오스크 사용법을 배우는 교실을 1년간 엽니다."),
    ("welfare", "장애인 이동 지원 차량", 400_000_000, "", None, "서울 전역",
     "휠체어를 쓰는 시민", "휠체어 탑승이 가능한 이동 지원 차량 4대를 들여 병원·관공서 이동을 돕습니다."),
    ("culture", "작은도서관 주말 운영", 200_000_000, "eunpyeong", (37.6027, 126.9291), "은평구 작은도서관 4곳",
     "주말에 책을 빌리고 싶은 주민", "작은도서관 4곳을 토·일요일에도 열 수 있도록 운영 인력을 지원합니다."),
    ("culture", "청계천 거리 공연 무대", 80_000_000, "jung", (37.5689, 126.9786), "청계천 광교 부근",
     "거리 공연자와 관람객", "청계천 산책로에 이동식 공연 무대와 음향 장비를 마련합니다."),
    ("parks", "동네 공원 CCTV 설치", 90_000_000, "guro", (37.4954, 126.8874), "구로구 근린공원",
     "공원을 이용하는 주민", "밤에 어두운 근린공원 입구에 CCTV를 설치합니다."),
]
# Titles the department finds not eligible, and why (the criterion it fails).
INELIGIBLE = {"동네 공원 CCTV 설치": (ReviewCriterion.NOT_FUNDED,
                                  "구로구가 2026년 하반기 공원 안전 사업으로 같은 곳에 CCTV를 설치할 예정입니다.")}

OPEN_CALL = [
    ("transport", "마을버스 정류장 온열의자", 150_000_000, "dobong", (37.6688, 127.0471), "도봉구 정류장 30곳",
     "겨울에 버스를 기다리는 주민", "마을버스 정류장 30곳에 겨울철 온열의자를 설치합니다."),
    ("welfare", "청년 마음건강 상담소", 180_000_000, "", None, "서울 전역 (온라인 병행)",
     "청년", "청년이 무료로 마음건강 상담을 받을 수 있는 상담소를 시범 운영합니다."),
]


def _fields(departments: dict) -> dict[str, BudgetField]:
    return {code: BudgetField.objects.get_or_create(slug=code, defaults=dict(
        name=name, name_en=name_en, department=departments[dept], position=i))[0]
        for i, (code, name, name_en, dept) in enumerate(FIELDS)}


def _propose(cycle, author, spec, fields) -> BudgetProject:
    field, title, cost, district, point, place, who, description = spec
    lat, lng = (Decimal(str(point[0])), Decimal(str(point[1]))) if point else (None, None)
    draft = project_services.save_draft(
        author=author, cycle=cycle, title=title, field=fields[field], description=description, district=district,
        location=place, latitude=lat, longitude=lng, estimated_cost=cost, beneficiaries=who)
    return project_services.submit_project(actor=author, project=draft)


def _review(project, officer, *, eligible=True, failed=None, reasons="", cost=None) -> None:
    cost = cost or project.estimated_cost
    criteria = {code: code != (failed[0] if failed else None) for code in ReviewCriterion.values}
    works = cost * 8 // 10
    review_services.publish_review(
        project=project, actor=officer, eligible=eligible, criteria=criteria,
        reasons=reasons or "시 사무이고 이미 반영된 예산이 없으며, 1년 안에 한 번의 비용으로 마칠 수 있습니다.",
        reviewed_cost=cost if eligible else None,
        cost_lines=[{"item": "공사·설치", "amount": works}, {"item": "설계·감리", "amount": cost - works}]
        if eligible else [])


def _finished_cycle(fields, people, residents, committee) -> BudgetCycle:
    admin, now = people["admin"], timezone.now()
    officers = {"transport": people["officer"], "climate": people["officer-climate"]}
    cycle = cycle_services.create_cycle(
        actor=admin, fields=list(fields.values()), year=now.year, district="", title=f"{now.year} 서울시 시민참여예산",
        description="시민이 제안하고 부서가 검토하고, 시민참여예산위원회가 심의하고, 시민이 투표로 정한 사업입니다.",
        total_budget=1_000_000_000, cost_min=5_000_000, cost_max=500_000_000, committee=committee,
        call_opens_at=now - timedelta(hours=1), call_closes_at=now + timedelta(days=1),
        review_closes_at=now + timedelta(days=10), deliberation_closes_at=now + timedelta(days=20),
        vote_opens_at=now + timedelta(days=21), vote_closes_at=now + timedelta(days=35),
        execution_due_on=(now + timedelta(days=400)).date(), answer_days=14, budget_rule="greedy",
        score_min=1, score_max=10, school_sessions_required=2,
        scoring_method="분과위원마다 적격 사업에 1~10점을 매깁니다. 평균 5.5점 이상인 사업을 투표에 올립니다.")
    cycle_services.move_cycle(cycle=cycle, to=CycleStage.ANNOUNCED, actor=admin)
    cycle_services.advance_due_cycles()  # the call opened an hour ago
    authors = [people["resident"], *residents[-9:]]
    projects = [_propose(cycle, author, spec, fields) for author, spec in zip(authors, FINISHED)]
    # The call closes (as if the day went by) and the departments review.
    BudgetCycle.objects.filter(pk=cycle.pk).update(call_closes_at=timezone.now())
    cycle_services.advance_due_cycles()
    for project in projects:
        officer = officers.get(project.department.code, admin)
        if project.title in INELIGIBLE:
            _review(project, officer, eligible=False, failed=INELIGIBLE[project.title],
                    reasons=INELIGIBLE[project.title][1])
        elif project.title == "장애인 이동 지원 차량":
            _review(project, officer, cost=360_000_000)  # a lower price than the proposer estimated
        else:
            _review(project, officer)
    mobility = next(p for p in projects if p.title == "장애인 이동 지원 차량")
    project_services.answer_review(actor=mobility.author, project=mobility, kind=AnswerKind.ACCEPT)
    cctv = next(p for p in projects if p.title in INELIGIBLE)
    project_services.answer_review(actor=cctv.author, project=cctv, kind=AnswerKind.CLARIFY,
                                   body="구로구 계획은 공원 안쪽이고, 제안은 입구 두 곳입니다.")
    # The budget school: two sessions, every seated citizen member attended both.
    members = list(Member.objects.filter(committee=committee, ended_at__isnull=True, user__isnull=False))
    for title, days in (("예산학교 1강: 서울시 예산의 구조", 40), ("예산학교 2강: 사업 심사와 우선순위", 33)):
        session = committee_services.add_school_session(cycle=cycle, actor=admin, title=title,
                                                       held_on=(now - timedelta(days=days)).date(),
                                                       place="서울시민청 바스락홀")
        committee_services.record_attendance(session=session, actor=admin,
                                             users=[m.user for m in members] + residents[-21:-9])
    BudgetCycle.objects.filter(pk=cycle.pk).update(review_closes_at=timezone.now())
    cycle_services.advance_due_cycles()  # deliberation
    cycle.refresh_from_db()
    # The field sub-committees hear the proposers in their rooms, score and shortlist.
    for i, field in enumerate(fields.values()):
        sub = committee_services.create_sub_committee(cycle=cycle, field=field, actor=admin,
                                                      facilitator=people["facilitator"])
        seats = members[i % len(members):] + members[:i % len(members)]
        committee_services.assign_members(sub_committee=sub, actor=admin, members=seats[:3])
        eligible = list(cycle.projects.filter(field=field, state=ProjectState.ELIGIBLE).order_by("number"))
        if not eligible:
            continue
        for j, member in enumerate(seats[:3]):
            for k, project in enumerate(eligible):
                score = 8 - 3 * (k == 2) - (j + k) % 2  # the third project of a field scores low
                committee_services.score_project(project=project, sub_committee=sub, user=member.user, score=score)
        chosen = [p.pk for p in BudgetProject.objects.filter(pk__in=[p.pk for p in eligible], score_mean__gte=5.5)]
        committee_services.publish_shortlist(
            sub_committee=sub, actor=admin, chosen=chosen,
            reasons=f"{field.name} 분과는 제안자 발표를 듣고 시급성, 수혜 범위, 비용 대비 효과로 평가했습니다.")
    vote = committee_services.create_budget_vote(cycle=cycle, actor=admin)
    # The vote's two weeks go by: voting's own sweep opens it, residents vote, the sweep closes and tallies it,
    # the funded projects become follow-up items, and the cycle moves to execution.
    Vote.objects.filter(pk=vote.pk).update(opens_at=timezone.now() - timedelta(days=14))
    vote_lifecycle.sweep_votes()
    options = list(vote.options.order_by("position").values_list("position", "cost"))
    for i, resident in enumerate(residents[:150]):
        picks, spent = [], 0  # each ballot approves projects within the budget, a different mix each
        for j, (position, cost) in enumerate(options[i % len(options):] + options[:i % len(options)]):
            if spent + cost <= vote.budget and (i + j) % 4 != 3:
                picks.append(position)
                spent += cost
        vote_ballots.cast_ballot(vote=vote, user=resident, choices=sorted(picks))
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    vote_lifecycle.sweep_votes()
    execution_services.sync_tallied_cycles()
    # The departments' first reports: one project finished, others under way, one not started yet.
    today = timezone.localdate()
    funded = list(cycle.projects.filter(state=ProjectState.FUNDED).select_related("department").order_by("number"))
    stages = [(ExecutionStage.COMPLETED, 100, 1.0), (ExecutionStage.UNDER_WAY, 60, 0.55),
              (ExecutionStage.CONTRACTING, 20, 0.1), (ExecutionStage.PLANNING, 5, 0.0)]
    for project, (stage, percent, share) in zip(funded, stages):
        officer = officers.get(project.department.code, admin)
        execution_services.add_report(
            actor=officer, project=project, reported_on=today, amount=int(project.reviewed_cost * share), stage=stage,
            progress_percent=percent, note={ExecutionStage.COMPLETED: "설치를 마치고 준공 검사를 받았습니다.",
                                            ExecutionStage.UNDER_WAY: "공사를 시작해 절반 넘게 진행했습니다.",
                                            ExecutionStage.CONTRACTING: "입찰 공고를 내고 업체를 고르고 있습니다.",
                                            ExecutionStage.PLANNING: "설계 용역을 준비하고 있습니다."}[stage])
    # The calendar as it happened (the steps above ran in seconds).
    vote.refresh_from_db()
    BudgetCycle.objects.filter(pk=cycle.pk).update(
        call_opens_at=now - timedelta(days=200), call_closes_at=now - timedelta(days=170),
        review_closes_at=now - timedelta(days=120), deliberation_closes_at=now - timedelta(days=30),
        vote_opens_at=vote.opens_at, vote_closes_at=vote.closes_at)
    return cycle


def _open_cycle(fields, people, residents, committee) -> BudgetCycle:
    admin, now = people["admin"], timezone.now()
    year = now.year + 1
    cycle = cycle_services.create_cycle(
        actor=admin, fields=list(fields.values()), year=year, district="", title=f"{year} 서울시 시민참여예산",
        description="내년 예산에 담을 사업을 제안해 주세요. 비슷한 사업이 이미 있으면 함께 제안자로 참여할 수 있습니다.",
        total_budget=1_500_000_000, cost_min=5_000_000, cost_max=500_000_000, committee=committee,
        call_opens_at=now - timedelta(days=5), call_closes_at=now + timedelta(days=25),
        review_closes_at=now + timedelta(days=70), deliberation_closes_at=now + timedelta(days=110),
        vote_opens_at=now + timedelta(days=120), vote_closes_at=now + timedelta(days=134),
        execution_due_on=(now + timedelta(days=500)).date(), answer_days=14, budget_rule="greedy",
        score_min=1, score_max=10, school_sessions_required=2,
        scoring_method="분과위원마다 적격 사업에 1~10점을 매기고, 평균이 높은 순서로 투표에 올립니다.")
    cycle_services.move_cycle(cycle=cycle, to=CycleStage.ANNOUNCED, actor=admin)
    cycle_services.advance_due_cycles()
    for author, spec in zip(residents[-23:-21], OPEN_CALL):
        _propose(cycle, author, spec, fields)
    project_services.save_draft(author=people["citizen"], cycle=cycle, title="한강 자전거길 야간 조명",
                                field=fields["transport"], description="밤에 어두운 구간에 조명을 답니다.")
    return cycle


def load_demo_budget(*, departments: dict, people: dict, residents: list) -> None:
    fields = _fields(departments)
    committee = Committee.objects.filter(slug="participatory-budget").first()
    _finished_cycle(fields, people, residents, committee)
    _open_cycle(fields, people, residents, committee)
