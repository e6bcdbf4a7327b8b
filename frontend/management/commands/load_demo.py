"""Demo data for `make run`: departments, categories, users of every role, proposals in every state.

Everything goes through the real services (support, escalation, answers, moderation), so the demo
shows what the pipeline really produces. Where the demo needs time to have passed (a closed window,
an overdue answer), it moves the stored deadline into the past and lets the sweep do the rest.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from accounts import services as accounts_services
from accounts.districts import District
from accounts.models import Department, Role, User
from accounts.ratelimit import rate_limits_bypassed
from deliberation.rooms import services as room_services
from deliberation.demo import load_demo_jury, load_demo_poll
from budget.demo import load_demo_budget
from governance.demo import load_demo_governance
from proposals import services
from proposals.models import Category, Proposal
from proposals.states import Verdict
from voting import services as votes
from voting.models import Option, Vote
from voting.services import OptionSpec as O, VoteSpec

PASSWORD = "demo-pass-2026"
DOMAIN = "demo.seoul.example"

# code, Korean name, English name, mayor's office (names are data: each page shows its language's)
DEPARTMENTS = [
    ("transport", "교통정책과", "Transport Policy", False),
    ("climate", "기후환경정책과", "Climate & Environment", False),
    ("welfare", "복지정책과", "Welfare Policy", False),
    ("culture", "문화정책과", "Culture Policy", False),
    ("mayor", "시장실", "Office of the Mayor", True),
]
# code, Korean name, English name, department, window days, thresholds (deliberation, escalation, mayor)
CATEGORIES = [
    ("transport", "교통", "Transport", "transport", 30, (50, 500, 5000)),
    ("environment", "환경", "Environment", "climate", 30, (50, 500, 5000)),
    ("welfare", "복지", "Welfare", "welfare", 30, (50, 500, 5000)),
    ("culture", "문화", "Culture", "culture", 30, (50, 500, 5000)),
    # A category an admin configured with lower thresholds, to show that they are per category.
    ("neighbourhood", "우리 동네", "Neighbourhood", "climate", 14, (5, 15, 40)),
]
STAFF = [
    ("citizen", Role.CITIZEN, "김시민", False, None),
    ("resident", Role.CITIZEN, "이주민", True, None),
    ("facilitator", Role.FACILITATOR, "박진행", True, None),
    ("officer", Role.OFFICER, "최담당 (교통정책과)", False, "transport"),
    ("officer-climate", Role.OFFICER, "정담당 (기후환경정책과)", False, "climate"),
    ("moderator", Role.MODERATOR, "한관리", True, None),
    ("admin", Role.ADMIN, "운영자", True, None),
    # a committee secretariat (governance/demo.py): runs the citizen committees' meetings and documents
    ("secretary", Role.CITIZEN, "윤간사 (위원회 사무국)", True, None),
]



# The demo's budget projects as their pages describe them (Korean: the demo's data, as its proposals are).
MAPO_PROJECTS = {
    "망원한강공원 그늘막 설치": "망원한강공원 산책로와 자전거길 쉼터 12곳에 접이식 그늘막을 설치합니다. 여름 폭염 때 쉴 그늘이 "
                            "없다는 주민 제안에서 나온 사업입니다.",
    "성미산 산책로 정비": "성미산 둘레 산책로 1.2km의 패인 길을 고르고 계단 난간과 야간 조명을 새로 설치합니다.",
    "어린이보호구역 LED 횡단보도": "초등학교 앞 어린이보호구역 6곳의 횡단보도에 바닥형 LED 신호등을 설치합니다.",
    "골목길 비상벨 확충": "주택가 골목 20곳에 경찰과 바로 연결되는 비상벨과 안내 표지를 설치합니다.",
    "마을버스 정류장 온열의자": "마을버스 정류장 30곳에 겨울철 온열의자를 설치합니다.",
    "자전거 보관대 확충": "지하철역 주변 5곳에 지붕이 있는 자전거 보관대 200대분을 설치합니다.",
    "작은도서관 주말 운영": "동네 작은도서관 4곳을 토·일요일에도 열 수 있도록 운영 인력을 지원합니다.",
    "경로당 스마트 교실": "경로당 10곳에서 휴대폰·키오스크 사용법을 배우는 교실을 1년간 엽니다.",
}
CLIMATE_PROJECTS = {
    "빗물정원 10곳 조성": "빗물이 땅으로 스며들도록 공원과 학교 10곳에 빗물정원을 만듭니다.",
    "학교 옥상 태양광": "초·중학교 옥상 8곳에 태양광 발전 설비를 설치합니다.",
    "가로수 그늘길 조성": "햇볕이 강한 보행로 3km에 가로수를 심어 그늘길을 만듭니다.",
    "공공 수리센터 운영": "가전과 생활용품을 고쳐 쓰는 공공 수리센터를 자치구 2곳에서 운영합니다.",
    "전기 마을버스 시범 운행": "마을버스 2개 노선에 전기버스를 1년간 시범 운행합니다.",
}

class Command(BaseCommand):
    help = "Load demo data (idempotent: does nothing if it is already there) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--supporters", type=int, default=520, help="number of demo residents")

    def handle(self, *args, **options):
        if User.objects.filter(email=f"citizen@{DOMAIN}").exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            # Demo notifications are stored in-site but not emailed to the console.
            # The demo's people act hundreds of times in seconds: the per-user limits (counted in the
            # shared Redis cache in production, which outlives a dropped database) do not apply to it.
            # Texts the services write down (round titles, a replacement's reason) are in the site's
            # language, whatever language the shell that runs the command was in.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
                    rate_limits_bypassed(), translation.override(settings.LANGUAGE_CODE):
                self._load(options["supporters"])
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    @transaction.atomic
    def _load(self, supporters: int) -> None:
        departments = {
            code: Department.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "is_mayor_office": mayor})[0]
            for code, name, name_en, mayor in DEPARTMENTS
        }
        categories = {}
        for code, name, name_en, dept, days, (deliberation, escalation, mayor) in CATEGORIES:
            categories[code] = Category.objects.get_or_create(code=code, defaults=dict(
                name=name, name_en=name_en, default_department=departments[dept], support_window_days=days,
                deliberation_threshold=deliberation, escalation_threshold=escalation, mayor_threshold=mayor,
            ))[0]
        people = {key: self._user(key, role, name, verified, departments.get(dept)) for key, role, name, verified, dept
                  in STAFF}
        residents = self._residents(supporters)
        accounts_services.record_seeded_consents(users=list({u.pk: u for u in [*people.values(), *residents]}.values()))
        self._proposals(categories, people, residents)
        self._rooms(people)
        self._votes(departments, people, residents)
        load_demo_poll(facilitator=people["facilitator"], residents=residents)
        load_demo_jury(admin=people["admin"], facilitator=people["facilitator"], residents=residents,
                       category=categories["transport"])
        load_demo_governance(departments=departments, people=people, residents=residents)
        load_demo_budget(departments=departments, people=people, residents=residents)

    def _user(self, key, role, name, verified, department) -> User:
        email = f"{key}@{DOMAIN}"
        user = User.objects.create_user(
            email=email, password=PASSWORD, display_name=name, role=role, department=department,
            is_verified_resident=verified, verified_at=timezone.now() if verified else None,
            is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN, district=District.MAPO,
            birth_year=1985, gender="female" if key in ("citizen", "moderator") else "male",
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _residents(self, count: int) -> list[User]:
        hashed = make_password(PASSWORD)
        districts = [d for d in District.values if d != District.OUTSIDE]
        genders = ["female", "male"]
        User.objects.bulk_create([
            User(email=f"resident{i:04d}@{DOMAIN}", password=hashed, display_name=f"시민{i:04d}",
                 is_verified_resident=True, verified_at=timezone.now(), district=districts[i % len(districts)],
                 birth_year=1950 + i % 55, gender=genders[i % 2])
            for i in range(count)
        ], batch_size=500)
        return list(User.objects.filter(email__startswith="resident", email__endswith=DOMAIN).order_by("email"))

    def _proposal(self, author, category, title, body, *, publish=True, supporters=(), district="", tags=""):
        proposal = services.save_draft(
            author=author, title=title, body=body, category=category, tags=tags,
            scope="district" if district else "citywide", district=district,
        )
        if publish:
            services.publish_proposal(proposal=proposal, actor=author)
            for user in supporters:
                services.add_support(proposal=proposal, user=user)
        proposal.refresh_from_db()
        return proposal

    def _proposals(self, cat, who, residents) -> None:
        citizen, resident = who["citizen"], who["resident"]
        officer, officer_climate, moderator = who["officer"], who["officer-climate"], who["moderator"]
        p = self._proposal
        p(citizen, cat["culture"], "한강공원 야간 도서관 운영",
          "여름철 한강공원에 **야간 이동도서관**을 운영해 주세요.\n\n- 금·토 저녁 7시~10시\n- 그늘막 대여와 함께",
          publish=False, tags="도서관, 한강")
        p(resident, cat["transport"], "자전거도로를 학교 앞까지 연결해 주세요",
          "초등학교 앞 300m 구간에 자전거도로가 끊겨 있어 아이들이 차도로 다닙니다.", supporters=residents[:12],
          tags="자전거, 안전")
        p(citizen, cat["environment"], "동네 공원에 빗물정원 만들기",
          "빗물을 모아 나무에 주는 **빗물정원**으로 여름 침수를 줄이고 그늘을 늘립시다.",
          supporters=residents[:60], district=District.MAPO, tags="기후, 공원")
        escalated = p(resident, cat["transport"], "심야버스 노선을 외곽까지 늘려 주세요",
                      "밤 12시 이후 외곽 지역은 심야버스가 없어 택시비 부담이 큽니다.\n\n1. 노선 확대\n2. 배차 간격 공개",
                      supporters=residents[:520], tags="버스, 심야")
        answered = p(citizen, cat["neighbourhood"], "골목길 보안등을 LED로 바꿔 주세요",
                     "어두운 골목길이 많아 밤길이 무섭습니다.", supporters=residents[:20], district=District.GURO)
        in_progress = p(resident, cat["neighbourhood"], "버스정류장에 온열의자 설치",
                        "겨울철 버스를 기다리는 어르신들을 위해 온열의자를 설치해 주세요.", supporters=residents[:45],
                        district=District.NOWON, tags="버스정류장, 겨울")
        completed = p(citizen, cat["neighbourhood"], "공원 음수대 수리", "고장 난 음수대를 고쳐 주세요.",
                      supporters=residents[:16], district=District.MAPO)
        overdue = p(resident, cat["neighbourhood"], "어린이 보호구역 과속카메라 추가",
                    "등하굣길 과속 차량이 많습니다.", supporters=residents[:18], district=District.GANGSEO)
        clarify = p(citizen, cat["neighbourhood"], "재활용 분리배출 안내판 다국어화",
                    "외국인 주민도 알 수 있게 안내판을 여러 언어로 만들어 주세요.", supporters=residents[:17],
                    district=District.YONGSAN)
        closed = p(resident, cat["welfare"], "주민센터 토요일 운영", "맞벌이 가구를 위해 토요일 오전에도 열어 주세요.",
                   supporters=residents[:8])
        hidden = p(resident, cat["culture"], "광고성 게시물", "[광고] 지금 가입하면 포인트 지급!", supporters=[])
        withdrawn = p(citizen, cat["welfare"], "경로당 와이파이 설치", "경로당에 무료 와이파이를 설치해 주세요.")

        # The window of `closed` ended (as if 30 days passed); the sweep closes it.
        Proposal.objects.filter(pk=closed.pk).update(support_closes_at=timezone.now() - timedelta(hours=1))
        services.close_expired_windows()
        # Department work on the escalated items.
        services.publish_answer(officer=officer_climate, follow_up=answered.follow_ups.get(), verdict=Verdict.NOT_ACCEPTED,
                                body="올해 교체 예산이 이미 배정되어 **내년 상반기**에 구로구 전역을 교체합니다. "
                                     "이 골목은 그 계획에 포함되어 있어 별도 사업으로 채택하지 않습니다.")
        services.publish_answer(officer=officer_climate, follow_up=in_progress.follow_ups.get(), verdict=Verdict.ACCEPTED,
                                body="노원구 주요 정류장 40곳에 설치하겠습니다.")
        services.update_progress(officer=officer_climate, follow_up=in_progress.follow_ups.get(), percent=40,
                                 body="16곳 설치를 마쳤습니다.")
        services.publish_answer(officer=officer_climate, follow_up=completed.follow_ups.get(), verdict=Verdict.ACCEPTED,
                                body="수리하겠습니다.")
        services.update_progress(officer=officer_climate, follow_up=completed.follow_ups.get(), percent=100,
                                 body="수리를 마쳤습니다.", completed=True)
        services.request_clarification(officer=officer_climate, follow_up=clarify.follow_ups.get(),
                                       body="어느 언어가 가장 필요한지 알려 주실 수 있나요?")
        overdue.follow_ups.update(due_at=timezone.now() - timedelta(days=3))
        services.notify_overdue()
        services.add_comment(author=citizen, proposal=escalated, body="저도 매일 겪는 문제입니다. 꼭 필요해요.")
        comment = services.add_comment(author=who["facilitator"], proposal=escalated,
                                       body="노선별 이용 통계가 공개되면 좋겠습니다.")
        services.add_comment(author=resident, proposal=escalated, body="서울 열린데이터광장에 일부 있어요.", parent=comment)
        services.flag_content(reporter=citizen, proposal=hidden, reason="광고입니다")
        services.hide_proposal(moderator=moderator, proposal=hidden, reason="상업 광고 (운영정책 제3조)")
        services.withdraw_proposal(proposal=withdrawn, actor=citizen, reason="구청에서 이미 설치하기로 했습니다.")
        _ = officer  # the transport officer's queue holds `escalated`, still awaiting an answer

    def _rooms(self, who) -> None:
        """An open round-table room on the escalated night-bus proposal, ready for its first round."""
        proposal = Proposal.objects.get(title="심야버스 노선을 외곽까지 늘려 주세요")
        room = room_services.create_room(
            facilitator=who["facilitator"], title="원탁회의: 심야버스 노선 확대", proposal=proposal,
            description="심야버스 노선 확대안을 두고 시민 의견을 나눕니다.",
            rounds=[
                {"kind": "presentation", "title": "담당부서 설명", "duration_seconds": 300, "speakers": "facilitator"},
                {"kind": "discussion", "title": "자유 토론", "duration_seconds": 900, "turn_seconds": 120},
                {"kind": "qa", "title": "질의응답", "duration_seconds": 600},
                {"kind": "break", "title": "휴식", "duration_seconds": 300},
            ],
        )
        room_services.open_room(room=room, actor=who["facilitator"])

    def _votes(self, departments, who, residents) -> None:
        """Votes of every kind, made by the staff services: four open (budget, live poll, ranked, yes/no on a
        proposal) with some ballots already cast, and one budget vote counted, its projects in a department's queue.
        """
        admin, now = who["admin"], timezone.now()

        def scheduled(**fields) -> Vote:
            spec = VoteSpec(opens_at=now + timedelta(minutes=1), closes_at=now + timedelta(days=14), **fields)
            return votes.schedule(vote=votes.create_vote(actor=admin, spec=spec), actor=admin)

        def cast(vote, ballots) -> None:
            for user, choices in ballots:
                votes.cast_ballot(vote=vote, user=user, choices=choices)

        budget = scheduled(
            title="2027 마포구 주민참여예산", question="마포구 예산 10억 원으로 어떤 사업을 할까요?", kind="budget",
            description="마포구 주민이 낸 사업 가운데 8개가 투표에 올랐습니다. 예산 안에서 원하는 사업을 고르세요.",
            budget=1_000_000_000, category_budgets={"공원·녹지": 400_000_000}, budget_rule="greedy",
            districts=["mapo"], min_age=14, department=departments["climate"], options=[
                O("망원한강공원 그늘막 설치", 120_000_000, "공원·녹지"),
                O("성미산 산책로 정비", 250_000_000, "공원·녹지"),
                O("어린이보호구역 LED 횡단보도", 180_000_000, "안전"), O("골목길 비상벨 확충", 90_000_000, "안전"),
                O("마을버스 정류장 온열의자", 150_000_000, "교통"), O("자전거 보관대 확충", 80_000_000, "교통"),
                O("작은도서관 주말 운영", 200_000_000, "문화·복지"), O("경로당 스마트 교실", 130_000_000, "문화·복지")])
        poll = scheduled(
            title="따릉이 야간 운영 시간", question="공공자전거 따릉이를 밤에 언제까지 운영할까요?", kind="single",
            description="엠보팅 정책 투표입니다. 결과는 투표 중에도 실시간으로 공개됩니다.", live_results=True,
            secret=False,  # live counts are for votes that are not secret (docs/voting.md "Secrecy")
            options=[O("자정까지"), O("새벽 2시까지"), O("24시간"), O("지금처럼 (밤 11시)")])
        ranked = scheduled(
            title="2027 서울 대표 축제 주제", question="내년 서울 대표 축제의 주제를 선호하는 순서대로 고르세요.",
            kind="ranked", options=[O("한강 빛 축제"), O("거리 음식 문화제"), O("서울 책 축제"), O("전통 시장 축제")])
        night_bus = Proposal.objects.get(title="심야버스 노선을 외곽까지 늘려 주세요")
        yes_no = scheduled(
            title="심야버스 노선 확대 찬반 투표", question="심야버스 노선을 외곽 지역까지 늘리는 안에 찬성하십니까?",
            kind="yes_no", proposal=night_bus, department=departments["transport"], quorum=100)
        counted = scheduled(
            title="2026 서울시 시민참여예산 (기후·환경)", question="기후·환경 분야 예산 5억 원으로 무엇을 할까요?",
            kind="budget", budget=500_000_000, budget_rule="greedy", department=departments["climate"],
            options=[O("빗물정원 10곳 조성", 200_000_000, "녹지"), O("학교 옥상 태양광", 250_000_000, "에너지"),
                     O("가로수 그늘길 조성", 150_000_000, "녹지"), O("공공 수리센터 운영", 100_000_000, "자원순환"),
                     O("전기 마을버스 시범 운행", 300_000_000, "교통")])
        # Each project's page shows what it is and where (voting:project): the demo writes it as a department would.
        for vote, district, details in ((budget, "mapo", MAPO_PROJECTS), (counted, "", CLIMATE_PROJECTS)):
            for label, description in details.items():
                Option.objects.filter(vote=vote, label=label).update(description=description, district=district)
        # The votes open (as if their time had come) and the sweep moves them, as it does every 30 s.
        Vote.objects.filter(pk__in=[v.pk for v in (budget, poll, ranked, yes_no)]).update(
            opens_at=now - timedelta(hours=2))
        Vote.objects.filter(pk=counted.pk).update(opens_at=now - timedelta(days=14))
        votes.sweep_votes()
        mapo = [r for r in residents if r.district == District.MAPO]  # the demo "resident" among them
        picks = [[1, 3, 4], [2, 3, 6], [1, 5, 7], [3, 4, 6, 8], [1, 6, 7]]
        cast(budget, [(u, picks[i % len(picks)]) for i, u in enumerate(mapo)])
        cast(poll, [(u, [(1, 2, 1, 3, 4, 1, 2)[i % 7]]) for i, u in enumerate(residents[:70])])
        orders = [[1, 3, 2], [2, 1], [3, 1, 4], [1, 2, 3, 4], [4, 3]]
        cast(ranked, [(u, orders[i % len(orders)]) for i, u in enumerate(residents[70:110])])
        cast(yes_no, [(u, [(1, 1, 2, 1, 3)[i % 5]]) for i, u in enumerate(residents[110:170])])
        climate = [[1, 3, 4], [1, 2], [3, 4, 1], [5, 4], [1, 3]]
        cast(counted, [(u, climate[i % len(climate)]) for i, u in enumerate(residents[170:230])])
        # The counted vote's close passed (as if two weeks went by): the sweep closes and tallies it.
        Vote.objects.filter(pk=counted.pk).update(closes_at=now - timedelta(hours=1))
        votes.sweep_votes()

    def _print_logins(self) -> None:
        self.stdout.write("\nDemo logins (password for all: %s)" % PASSWORD)
        for key, role, name, _verified, dept in STAFF:
            self.stdout.write(f"  {key + '@' + DOMAIN:<38} {name} · {role.label}")
        self.stdout.write(f"  (and resident0000..@{DOMAIN}: verified residents who supported the demo proposals)")
        self.stdout.write("`make run` serves on http://127.0.0.1:8000/ (set ADDR= to change it).\n")
