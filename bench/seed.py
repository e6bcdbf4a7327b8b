#!/usr/bin/env python
"""Seed a PostgreSQL database with a large, self-consistent proposals dataset, fast.

    DATABASE_URL=postgres://... SECRET_KEY=... .venv/bin/python bench/seed.py --proposals 100000 --supports 1000000 --reset

Everything is set-based: proposals are generated in Python and loaded with COPY, the rest
(users, supports, timeline, comments, follow-ups, tags) is INSERT ... SELECT over generate_series.
The dataset is consistent with the domain rules:

- every ``support_count`` equals the number of ``Support`` rows of its proposal; supporters are
  distinct verified residents (one support per user and proposal);
- states follow the counts and the clock: open windows are ``published`` (or ``escalated`` when the
  count passed the category's escalation threshold), past windows are ``closed`` or, when the
  escalation threshold was reached, ``escalated``/``answered``/``in_progress``/``completed`` with a
  department follow-up; ``deliberation_marked_at`` is set exactly when the first threshold was
  reached, the escalation level is ``mayor`` above the mayor threshold;
- every public proposal has its timeline (published, milestones, transitions);
- ``search_vector`` is the expression ``services.update_search_vector()`` writes (checked on a sample).

Extra, separate users (``bench-N@bench.invalid``, verified, no supports) are reserved for the
support benchmark so that its clicks never collide with seeded supports.

It destroys the data in the target database (--reset is required when it is not empty), ends with
VACUUM ANALYZE, and writes a summary to bench/results/seed-<db>.json (also printed as JSON).
"""

import argparse
import json
import math
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import db_label, log, setup_django, write_json  # noqa: E402

# --- vocabulary -----------------------------------------------------------------------------

DEPARTMENTS = [
    ("transport", "교통정책과"), ("climate", "기후환경정책과"), ("welfare", "복지정책과"),
    ("culture", "문화정책과"), ("housing", "주택정책과"), ("safety", "안전총괄과"),
    ("education", "교육협력과"), ("jobs", "일자리정책과"), ("parks", "공원녹지정책과"),
    ("urban", "도시계획과"), ("communication", "시민소통과"),
]
MAYOR_OFFICE = ("mayor", "시장실")
# code, name, department, window days, (deliberation, escalation, mayor), weight
CATEGORIES = [
    ("transport", "교통", "transport", 30, (50, 500, 5000), 18),
    ("environment", "환경", "climate", 30, (50, 500, 5000), 14),
    ("welfare", "복지", "welfare", 30, (50, 500, 5000), 12),
    ("culture", "문화·관광", "culture", 30, (50, 500, 5000), 8),
    ("housing", "주택·도시", "housing", 30, (50, 500, 5000), 10),
    ("safety", "안전", "safety", 14, (50, 500, 5000), 9),
    ("education", "교육", "education", 30, (50, 500, 5000), 9),
    ("jobs", "일자리·경제", "jobs", 60, (50, 500, 5000), 7),
    ("parks", "공원·녹지", "parks", 30, (50, 500, 5000), 6),
    ("neighbourhood", "우리 동네", "urban", 14, (20, 100, 1000), 7),
]
DISTRICT_KO = {
    "jongno": "종로구", "jung": "중구", "yongsan": "용산구", "seongdong": "성동구", "gwangjin": "광진구",
    "dongdaemun": "동대문구", "jungnang": "중랑구", "seongbuk": "성북구", "gangbuk": "강북구",
    "dobong": "도봉구", "nowon": "노원구", "eunpyeong": "은평구", "seodaemun": "서대문구", "mapo": "마포구",
    "yangcheon": "양천구", "gangseo": "강서구", "guro": "구로구", "geumcheon": "금천구",
    "yeongdeungpo": "영등포구", "dongjak": "동작구", "gwanak": "관악구", "seocho": "서초구",
    "gangnam": "강남구", "songpa": "송파구", "gangdong": "강동구", "outside": "서울 밖",
}
TOPICS = [
    "자전거도로", "공공자전거", "버스정류장", "마을버스", "지하철역", "횡단보도", "어린이보호구역", "공영주차장",
    "전동킥보드", "미세먼지", "가로수", "근린공원", "놀이터", "산책로", "하천", "쓰레기", "재활용", "음식물쓰레기",
    "일회용품", "공동체텃밭", "작은도서관", "문화센터", "청소년센터", "경로당", "어린이집", "돌봄교실",
    "공공와이파이", "가로등", "방범용CCTV", "층간소음", "공공임대주택", "청년주택", "청년창업", "전통시장",
    "골목상권", "반려동물", "유기동물", "보건소", "공공의료", "장애인편의시설", "엘리베이터", "노인일자리",
    "무더위쉼터", "한파쉼터", "침수", "빗물저류시설", "태양광", "전기차충전소", "수소버스", "탄소중립",
    "옥상정원", "공공화장실", "학교급식", "통학로", "보행로", "주민자치회관", "야간버스", "한강공원",
]
PLACES = ["역 앞", "시장 근처", "초등학교 앞", "아파트 단지 주변", "주민센터 앞", "한강변", "대로변",
          "골목길", "버스 종점 근처", "구청 앞", "주택가", "상가 밀집 지역"]
ACTIONS = ["설치", "확대", "개선", "신설", "정비", "지원", "확충", "운영 시간 연장", "안전 점검", "무료 개방", "증설"]
PROBLEMS = ["불편한 점이 많습니다", "안전이 늘 걱정됩니다", "밤에는 너무 어둡습니다", "아이들이 위험합니다",
            "관리가 제대로 되지 않고 있습니다", "이용하는 사람에 비해 너무 부족합니다",
            "민원을 여러 번 넣었지만 바뀐 것이 없습니다", "어르신들이 특히 힘들어하십니다"]
BENEFITS = ["주민 모두가 더 안전해질 것입니다", "어르신과 아이들이 편하게 이용할 수 있습니다",
            "지역 상권도 함께 살아날 것입니다", "탄소 배출을 줄이는 데에도 도움이 됩니다",
            "예산 대비 효과가 매우 클 것입니다", "청년과 가족이 살기 좋은 동네가 될 것입니다"]
CLOSINGS = ["많은 분들의 공감 부탁드립니다.", "시에서 꼭 검토해 주시기 바랍니다.",
            "비슷한 불편을 겪는 분들의 의견도 듣고 싶습니다.", "작은 변화가 큰 차이를 만든다고 믿습니다."]
COMMENTS = ["저도 같은 생각입니다. 꼭 필요합니다.", "출퇴근길에 매일 느끼는 문제예요.",
            "예산이 얼마나 드는지 궁금합니다.", "다른 구 사례도 참고하면 좋겠습니다.",
            "아이 키우는 입장에서 적극 찬성합니다.", "조금 더 구체적인 위치를 알려 주세요.",
            "반대 의견도 있을 것 같아 토론이 필요해 보입니다.", "좋은 제안 감사합니다!"]
FAMILY = list("김이박최정강조윤장임한오서신권황안송류홍")
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "지호", "수아", "예준", "지유",
         "주원", "채원", "건우", "지민", "현우", "다은", "우진", "예린"]


def has_batchim(word: str) -> bool:
    ch = word[-1]
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 != 0


def josa(word: str, with_final: str, without_final: str) -> str:
    return word + (with_final if has_batchim(word) else without_final)


class TextMaker:
    """Korean-ish titles and bodies with a realistic word mix, so that full-text search means something."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def title(self, topic: str, place: str) -> str:
        r = self.r
        action = r.choice(ACTIONS)
        other = r.choice(TOPICS)
        return r.choice([
            f"{place} {topic} {josa(action, '을', '를')} 제안합니다",
            f"{topic} {josa(action, '이', '가')} 필요합니다",
            f"{place} {topic} 문제를 해결해 주세요",
            f"{josa(topic, '과', '와')} {other} 함께 {action}해 주세요",
            f"우리 동네 {topic}, 이렇게 바꿔 봅시다",
        ])[:120]

    def body(self, topic: str, place: str) -> str:
        r = self.r
        paragraphs = [f"{place}에 사는 주민입니다. 매일 {josa(topic, '을', '를')} 이용하는데 {r.choice(PROBLEMS)}."]
        for _ in range(r.randint(1, 4)):
            t2, a2 = r.choice(TOPICS), r.choice(ACTIONS)
            paragraphs.append(r.choice([
                f"{topic} {josa(r.choice(ACTIONS), '이', '가')} 이루어지면 {r.choice(BENEFITS)}.",
                f"다른 구에서는 이미 {t2} {josa(a2, '을', '를')} 시행하고 있습니다. {r.choice(BENEFITS)}.",
                f"특히 {josa(t2, '과', '와')} 연계하면 효과가 클 것입니다. {r.choice(PROBLEMS)}.",
                f"- {topic} {r.choice(ACTIONS)}\n- {t2} {a2}\n- 주민 의견 수렴",
                f"예산은 크지 않을 것으로 생각합니다. {topic} 관련 민원이 계속 늘고 있습니다.",
            ]))
        paragraphs.append(r.choice(CLOSINGS))
        return "\n\n".join(paragraphs)

    @staticmethod
    def html(body: str) -> str:
        out = []
        for para in body.split("\n\n"):
            if para.startswith("- "):
                items = "".join(f"<li>{line[2:]}</li>" for line in para.split("\n"))
                out.append(f"<ul>\n{items}\n</ul>")
            else:
                out.append(f"<p>{para}</p>")
        return "\n".join(out)


# --- helpers --------------------------------------------------------------------------------

def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def reset_sequences(cursor, tables: list[str]) -> None:
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def support_counts(rng: random.Random, n: int, total: int, cap: int, alpha: float) -> list[int]:
    """Heavy-tailed counts (Pareto) that sum exactly to ``total``, each at most ``cap``."""
    if n == 0:
        return []
    weights = [(1.0 - rng.random()) ** (-1.0 / alpha) - 1.0 for _ in range(n)]
    factor = total / sum(weights)
    counts = [min(cap, int(w * factor + rng.random())) for w in weights]
    diff = total - sum(counts)
    if total > n * cap:
        raise SystemExit(f"seed: {total} supports do not fit {n} proposals x {cap} verified users")
    while diff:
        i = rng.randrange(n)
        if diff > 0 and counts[i] < cap:
            step = min(diff, cap - counts[i], max(1, diff // 100))
            counts[i] += step
            diff -= step
        elif diff < 0 and counts[i] > 0:
            step = min(-diff, counts[i], max(1, -diff // 100))
            counts[i] -= step
            diff += step
    return counts


def coprime_stride(modulus: int, start: int = 104_729) -> int:
    stride = start % modulus or 1
    while math.gcd(stride, modulus) != 1:
        stride += 1
    return stride


# --- the seed -------------------------------------------------------------------------------

def seed(*, proposals: int, supports: int, users: int, bench_users: int, verified_share: float,
         span_days: int, alpha: float, random_seed: int, reset: bool) -> dict:
    from django.db import connection

    from accounts.districts import District
    from proposals.services import update_search_vector

    rng = random.Random(random_seed)
    text = TextMaker(rng)
    now = datetime.now(dt_timezone.utc).replace(microsecond=0)
    timings: dict[str, float] = {}
    t_all = time.perf_counter()

    def step(name):
        class _Timer:
            def __enter__(self):
                self.t = time.perf_counter()
                log(f"seed: {name} ...")

            def __exit__(self, *exc):
                timings[name] = round(time.perf_counter() - self.t, 2)
                log(f"seed: {name} done in {timings[name]} s")
        return _Timer()

    cur = connection.cursor()
    cur.execute("SELECT count(*) FROM accounts_user")
    if cur.fetchone()[0] and not reset:
        raise SystemExit("seed: the database already has users; pass --reset to wipe it first")
    cur.execute("SELECT setseed(%s)", [(random_seed % 1000) / 1000.0])

    with step("reset"):
        cur.execute("""
            SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables
            WHERE schemaname = 'public' AND (tablename LIKE 'proposals\\_%' OR tablename LIKE 'accounts\\_%'
                  OR tablename IN ('django_session', 'account_emailaddress', 'django_admin_log'))
        """)
        cur.execute(f"TRUNCATE {cur.fetchone()[0]} RESTART IDENTITY CASCADE")

    verified = max(1, int(users * verified_share))
    districts = [d.value for d in District]

    with step("departments, categories, tags"):
        depts = DEPARTMENTS + [MAYOR_OFFICE]
        copy_rows(cur, "accounts_department", ["id", "code", "name", "is_mayor_office"],
                  [(i + 1, code, name, code == "mayor") for i, (code, name) in enumerate(depts)])
        dept_id = {code: i + 1 for i, (code, _n) in enumerate(depts)}
        copy_rows(cur, "proposals_category",
                  ["id", "code", "name", "default_department_id", "support_window_days", "deliberation_threshold",
                   "escalation_threshold", "mayor_threshold", "answer_due_days"],
                  [(i + 1, code, name, dept_id[dept], days, th[0], th[1], th[2], 30)
                   for i, (code, name, dept, days, th, _w) in enumerate(CATEGORIES)])
        tags = ["안전", "교통", "환경", "아이", "어르신", "청년", "예산", "주민참여", "보행", "녹지", "주차", "소음",
                "복지", "문화", "일자리", "주거", "에너지", "기후", "동물", "교육", "의료", "장애", "상권", "관광",
                "야간", "여름", "겨울", "공공시설", "디지털", "마을"]
        copy_rows(cur, "proposals_tag", ["id", "name"], [(i + 1, t) for i, t in enumerate(tags)])

    with step(f"users ({users:,} + {bench_users:,} bench + officers)"):
        # ids 1..verified are verified residents (the supporters), then other citizens,
        # then the bench users, then one officer per department and a moderator.
        cur.execute("""
            INSERT INTO accounts_user (id, password, is_superuser, email, display_name, district, birth_year, gender,
                role, is_verified_resident, verified_at, email_notifications, is_staff, is_active, date_joined,
                profile_public, profile_shows_proposals, profile_shows_comments)
            SELECT g, '!', false, 'user' || g || '@seed.invalid',
                   (%(family)s::text[])[1 + g %% 20] || (%(given)s::text[])[1 + (g / 20) %% 20],
                   (%(districts)s::text[])[1 + (g * 7) %% 26], 1940 + (g * 37) %% 66,
                   (ARRAY['female', 'male', 'other', ''])[1 + g %% 4], 'citizen', g <= %(verified)s,
                   CASE WHEN g <= %(verified)s THEN %(now)s - (g %% 700) * interval '1 day' END,
                   true, false, true, %(now)s - (g %% 1000) * interval '1 day', false, false, false
            FROM generate_series(1, %(users)s) g
        """, {"family": FAMILY, "given": GIVEN, "districts": districts, "verified": verified, "users": users,
              "now": now})
        cur.execute("""
            INSERT INTO accounts_user (id, password, is_superuser, email, display_name, district, birth_year, gender,
                role, is_verified_resident, verified_at, email_notifications, is_staff, is_active, date_joined,
                profile_public, profile_shows_proposals, profile_shows_comments)
            SELECT %(users)s + g, '!', false, 'bench' || g || '@bench.invalid', '벤치' || g,
                   (%(districts)s::text[])[1 + g %% 25], 1980, '', 'citizen', true, %(now)s, false, false, true, %(now)s,
                   false, false, false
            FROM generate_series(1, %(bench)s) g
        """, {"users": users, "bench": bench_users, "districts": districts, "now": now})
        first_officer = users + bench_users + 1
        officer_of = {}
        rows = []
        for i, (code, name) in enumerate(depts):
            uid = first_officer + i
            officer_of[dept_id[code]] = uid
            rows.append((uid, "!", False, f"officer-{code}@seed.invalid", f"{name} 담당자", "", "", "officer",
                         False, True, False, True, now, dept_id[code], False, False, False))
        moderator_id = first_officer + len(depts)
        rows.append((moderator_id, "!", False, "moderator@seed.invalid", "운영자", "", "", "moderator",
                     True, True, True, True, now, None, False, False, False))
        copy_rows(cur, "accounts_user",
                  ["id", "password", "is_superuser", "email", "display_name", "district", "gender", "role",
                   "is_verified_resident", "email_notifications", "is_staff", "is_active", "date_joined",
                   "department_id", "profile_public", "profile_shows_proposals", "profile_shows_comments"], rows)

    with step(f"proposals ({proposals:,})"):
        cat_weights = [c[5] for c in CATEGORIES]
        cats = rng.choices(range(len(CATEGORIES)), weights=cat_weights, k=proposals)
        kinds = []  # draft / hidden / withdrawn / public
        for _ in range(proposals):
            x = rng.random()
            kinds.append("draft" if x < 0.02 else "hidden" if x < 0.025 else "withdrawn" if x < 0.035 else "public")
        # Supports go to published proposals (public, withdrawn, hidden); drafts have none.
        with_supports = [i for i in range(proposals) if kinds[i] != "draft"]
        counts = [0] * proposals
        for i, c in zip(with_supports, support_counts(rng, len(with_supports), supports, verified, alpha)):
            counts[i] = c
        # A withdrawn proposal was never escalated: move big counts of withdrawn ones to a public one.
        for i in range(proposals):
            esc = CATEGORIES[cats[i]][4][1]
            if kinds[i] == "withdrawn" and counts[i] >= esc:
                kinds[i] = "public"
        showcase = max(range(proposals), key=lambda i: (kinds[i] == "public", counts[i]))

        prop_rows, meta_rows = [], []
        n_open = 0
        for i in range(proposals):
            pid = i + 1
            code, _name, _dept, window, (t_delib, t_esc, t_mayor), _w = CATEGORIES[cats[i]]
            scope_district = rng.random() < 0.4
            district = rng.choice(districts) if scope_district else ""
            place = (DISTRICT_KO[district] + " " if district else "") + rng.choice(PLACES)
            topic = rng.choice(TOPICS)
            title = text.title(topic, place)
            body = text.body(topic, place)
            count = counts[i]
            author = rng.randint(1, users)
            age_days = rng.random() * span_days
            if i == showcase:
                age_days = max(age_days, 200.0)  # old enough to have been answered and be in progress
            published = now - timedelta(days=age_days)
            created = published - timedelta(hours=rng.random() * 72)
            closes = published + timedelta(days=window)
            open_window = closes > now
            state, before_hidden = "published", ""
            closed_at = deliberation_at = escalated_at = None
            level = "none"
            answered_at = completed_at = None
            if kinds[i] == "draft":
                state, published, closes = "draft", None, None
            else:
                end = min(closes, now)
                if count >= t_delib:
                    deliberation_at = published + (end - published) * rng.uniform(0.05, 0.5)
                if count >= t_esc:
                    start = deliberation_at or published
                    escalated_at = start + (end - start) * rng.uniform(0.1, 0.6)
                    level = "mayor" if count >= t_mayor else "department"
                    if open_window:
                        state = "escalated"
                    else:
                        closed_at = closes
                        since = (now - escalated_at).days
                        answered_at = escalated_at + timedelta(days=rng.uniform(5, 28))
                        if i == showcase:
                            state, completed_at = "in_progress", None
                        elif since > 120 and rng.random() < 0.5:
                            state = "completed"
                            completed_at = answered_at + timedelta(days=rng.uniform(30, 90))
                        elif since > 45:
                            state = rng.choice(["answered", "in_progress"])
                        elif since > 30:
                            state = "answered"
                        else:
                            state, answered_at = "escalated", None
                else:
                    if open_window:
                        state = "published"
                    else:
                        state, closed_at = "closed", closes
                if kinds[i] == "withdrawn":
                    state, closed_at = "withdrawn", None
                elif kinds[i] == "hidden":
                    state, before_hidden = "hidden", state
                if state in ("published", "escalated"):
                    n_open += 1
            prop_rows.append((
                pid, title, body, TextMaker.html(body), "district" if district else "citywide", district, state,
                before_hidden, count, level, created, published or created, published, closes, closed_at,
                deliberation_at, escalated_at, author, cats[i] + 1, "citizen",
            ))
            if escalated_at is not None:
                meta_rows.append((pid, answered_at, completed_at))
        cur.execute("""
            CREATE TEMP TABLE seed_proposal (LIKE proposals_proposal INCLUDING DEFAULTS) ON COMMIT PRESERVE ROWS;
            CREATE TEMP TABLE seed_meta (proposal_id bigint PRIMARY KEY, answered_at timestamptz,
                                         completed_at timestamptz);
        """)
        cols = ["id", "title", "body", "body_html", "scope", "district", "state", "state_before_hidden",
                "support_count", "escalation_level", "created_at", "updated_at", "published_at",
                "support_closes_at", "support_closed_at", "deliberation_marked_at", "escalated_at", "author_id",
                "category_id", "origin"]
        copy_rows(cur, "seed_proposal", cols, prop_rows)
        copy_rows(cur, "seed_meta", ["proposal_id", "answered_at", "completed_at"], meta_rows)
        del prop_rows
        # The search vector is the same expression as services.update_search_vector() (checked below),
        # computed on the way in so that the table is written once.
        cur.execute(f"""
            INSERT INTO proposals_proposal ({', '.join(cols)}, search_vector)
            SELECT {', '.join(cols)},
                   setweight(to_tsvector('simple'::regconfig, COALESCE(title, '')), 'A')
                   || setweight(to_tsvector('simple'::regconfig, COALESCE(body, '')), 'B')
            FROM seed_proposal ORDER BY id
        """)
        cur.execute("DROP TABLE seed_proposal")

    with step(f"supports ({supports:,})"):
        stride = coprime_stride(verified)
        # Distinct users per proposal: (id*7919 + k*stride) mod V runs through V distinct values for k < V.
        cur.execute("""
            INSERT INTO proposals_support (proposal_id, user_id, created_at)
            SELECT p.id, 1 + ((p.id * 7919 + k::bigint * %(stride)s) %% %(verified)s),
                   p.published_at + random() * (LEAST(COALESCE(p.support_closed_at, %(now)s), %(now)s) - p.published_at)
            FROM proposals_proposal p CROSS JOIN LATERAL generate_series(0, p.support_count - 1) k
            WHERE p.support_count > 0
            ORDER BY p.published_at, k
        """, {"stride": stride, "verified": verified, "now": now})

    with step("tags, timeline, follow-ups"):
        cur.execute("""
            INSERT INTO proposals_proposal_tags (proposal_id, tag_id)
            SELECT p.id, 1 + ((p.id * 13 + j * 7) % 30)
            FROM proposals_proposal p CROSS JOIN LATERAL generate_series(0, (p.id % 4) - 1) j
        """)
        # Timeline: published; milestones; escalation; window closed; answers; withdrawals; hiding.
        cur.execute("""
            INSERT INTO proposals_timelineentry (proposal_id, kind, from_state, to_state, code, reason, created_at,
                                                 actor_id)
            SELECT id, 'transition', 'draft', 'published', '', '', published_at, author_id
              FROM proposals_proposal WHERE published_at IS NOT NULL
            UNION ALL
            SELECT p.id, 'milestone', '', '', 'deliberation', c.deliberation_threshold::text,
                   p.deliberation_marked_at, NULL
              FROM proposals_proposal p JOIN proposals_category c ON c.id = p.category_id
             WHERE p.deliberation_marked_at IS NOT NULL
            UNION ALL
            SELECT p.id, 'transition', 'published', 'escalated', '', c.escalation_threshold::text, p.escalated_at, NULL
              FROM proposals_proposal p JOIN proposals_category c ON c.id = p.category_id
             WHERE p.escalated_at IS NOT NULL
            UNION ALL
            SELECT p.id, 'milestone', '', '', 'mayor', c.mayor_threshold::text, p.escalated_at + interval '1 hour', NULL
              FROM proposals_proposal p JOIN proposals_category c ON c.id = p.category_id
             WHERE p.escalation_level = 'mayor'
            UNION ALL
            SELECT id, 'transition', 'published', 'closed', '', support_count::text, support_closed_at, NULL
              FROM proposals_proposal
             WHERE support_closed_at IS NOT NULL AND escalated_at IS NULL
            UNION ALL
            SELECT id, 'milestone', '', '', 'window_closed', support_count::text, support_closed_at, NULL
              FROM proposals_proposal WHERE support_closed_at IS NOT NULL AND escalated_at IS NOT NULL
            UNION ALL
            SELECT m.proposal_id, 'transition', 'escalated', 'answered', '', '', m.answered_at, NULL
              FROM seed_meta m WHERE m.answered_at IS NOT NULL
            UNION ALL
            SELECT p.id, 'transition', 'answered', 'in_progress', '', '', m.answered_at + interval '7 days', NULL
              FROM proposals_proposal p JOIN seed_meta m ON m.proposal_id = p.id
             WHERE p.state = 'in_progress' OR (p.state = 'completed' AND p.id %% 2 = 0)
            UNION ALL
            SELECT p.id, 'transition', CASE WHEN p.id %% 2 = 0 THEN 'in_progress' ELSE 'answered' END, 'completed',
                   '', '100', m.completed_at, NULL
              FROM proposals_proposal p JOIN seed_meta m ON m.proposal_id = p.id WHERE m.completed_at IS NOT NULL
            UNION ALL
            SELECT id, 'transition', 'published', 'withdrawn', '', '작성자가 철회했습니다.',
                   published_at + interval '2 days', author_id
              FROM proposals_proposal WHERE state = 'withdrawn'
            UNION ALL
            SELECT id, 'moderation', state_before_hidden, 'hidden', '', '운영 원칙 위반', %(now)s - interval '1 day',
                   %(moderator)s
              FROM proposals_proposal WHERE state = 'hidden'
        """, {"now": now, "moderator": moderator_id})
        cur.execute("""
            INSERT INTO proposals_followup (department_id, proposal_id, title, level, state, due_at, created_at,
                answered_at, completed_at, verdict, progress_percent)
            SELECT c.default_department_id, p.id, p.title, p.escalation_level,
                   CASE p.state WHEN 'escalated' THEN (CASE WHEN p.id % 7 = 0 THEN 'clarification' ELSE 'open' END)
                                WHEN 'answered' THEN 'answered' WHEN 'in_progress' THEN 'in_progress'
                                ELSE 'completed' END,
                   p.escalated_at + c.answer_due_days * interval '1 day', p.escalated_at, m.answered_at, m.completed_at,
                   CASE WHEN p.state = 'escalated' THEN ''
                        WHEN p.state = 'answered' THEN (ARRAY['accepted', 'partial', 'not_accepted'])[1 + p.id % 3]
                        ELSE (ARRAY['accepted', 'partial'])[1 + p.id % 2] END,
                   CASE p.state WHEN 'in_progress' THEN 20 + p.id % 70 WHEN 'completed' THEN 100 ELSE 0 END
            FROM proposals_proposal p JOIN proposals_category c ON c.id = p.category_id
            JOIN seed_meta m ON m.proposal_id = p.id
            WHERE p.escalated_at IS NOT NULL AND p.state <> 'hidden'
        """)
        answer = ("제안해 주신 내용을 검토하였습니다. 관련 부서와 협의하여 내년도 예산에 반영하고, "
                  "우선 시범 사업으로 추진하겠습니다. 진행 상황은 이 페이지에 계속 공개하겠습니다.")
        progress = "현장 조사와 주민 설명회를 마쳤고, 설계를 진행하고 있습니다."
        cur.execute("""
            INSERT INTO proposals_followupupdate (follow_up_id, kind, author_id, body, body_html, verdict,
                progress_percent, created_at)
            SELECT f.id, 'answer', (%(officer)s::jsonb ->> f.department_id::text)::bigint, %(answer)s,
                   '<p>' || %(answer)s || '</p>',
                   f.verdict, NULL, f.answered_at
              FROM proposals_followup f WHERE f.answered_at IS NOT NULL
            UNION ALL
            SELECT f.id, 'progress', (%(officer)s::jsonb ->> f.department_id::text)::bigint, %(progress)s,
                   '<p>' || %(progress)s || '</p>', '', LEAST(f.progress_percent, 10 * s),
                   f.answered_at + s * interval '10 days'
              FROM proposals_followup f CROSS JOIN generate_series(1, 3) s
             WHERE f.state IN ('in_progress', 'completed') AND f.answered_at + s * interval '10 days' < %(now)s
            UNION ALL
            SELECT f.id, 'completion', (%(officer)s::jsonb ->> f.department_id::text)::bigint, '사업을 완료했습니다.',
                   '<p>사업을 완료했습니다.</p>', '', 100, f.completed_at
              FROM proposals_followup f WHERE f.completed_at IS NOT NULL
        """, {"officer": json.dumps({str(k): v for k, v in officer_of.items()}), "answer": answer,
              "progress": progress, "now": now})

    with step("comments"):
        # A few comments on most supported proposals (more support, more talk); the showcase
        # proposal gets a long thread: 150 comments, 100 replies, some hidden.
        cur.execute("""
            INSERT INTO proposals_comment (proposal_id, author_id, parent_id, body, body_html, is_hidden, created_at)
            SELECT p.id, 1 + ((p.id * 31 + k * 977) %% %(verified)s), NULL, b.body, '<p>' || b.body || '</p>',
                   k %% 97 = 0,
                   p.published_at + random() * (LEAST(COALESCE(p.support_closed_at, %(now)s), %(now)s) - p.published_at)
            FROM proposals_proposal p
            CROSS JOIN LATERAL generate_series(1, CASE WHEN p.id = %(showcase)s THEN 150
                                                       ELSE LEAST(40, p.support_count / 15) END) k
            CROSS JOIN LATERAL (SELECT (%(comments)s::text[])[1 + (p.id + k) %% %(ncomments)s] AS body) b
            WHERE p.published_at IS NOT NULL AND p.state <> 'hidden' AND (p.support_count >= 15 OR p.id = %(showcase)s)
        """, {"verified": verified, "now": now, "showcase": showcase + 1, "comments": COMMENTS,
              "ncomments": len(COMMENTS)})
        cur.execute("""
            INSERT INTO proposals_comment (proposal_id, author_id, parent_id, body, body_html, is_hidden, created_at)
            SELECT c.proposal_id, 1 + ((c.id * 53 + r) %% %(verified)s), c.id, '동의합니다. 덧붙이자면 ' || c.body,
                   '<p>동의합니다. 덧붙이자면 ' || c.body || '</p>', false, c.created_at + r * interval '1 hour'
            FROM (SELECT * FROM proposals_comment WHERE proposal_id = %(showcase)s AND NOT is_hidden
                  ORDER BY id LIMIT 50) c CROSS JOIN generate_series(1, 2) r
        """, {"verified": verified, "showcase": showcase + 1})

    with step("sequences, search-vector check, VACUUM ANALYZE"):
        reset_sequences(cur, ["accounts_department", "accounts_user", "proposals_category", "proposals_tag",
                              "proposals_proposal", "proposals_support", "proposals_proposal_tags",
                              "proposals_timelineentry", "proposals_followup", "proposals_followupupdate",
                              "proposals_comment"])
        cur.execute("SELECT id, search_vector::text FROM proposals_proposal ORDER BY id LIMIT 20")
        before = dict(cur.fetchall())
        update_search_vector(proposal_ids=list(before))
        cur.execute("SELECT id, search_vector::text FROM proposals_proposal ORDER BY id LIMIT 20")
        if dict(cur.fetchall()) != before:
            raise SystemExit("seed: the seeded search_vector differs from services.update_search_vector()")
        cur.execute("INSERT INTO django_site (id, domain, name) VALUES (1, 'testserver', 'bench') "
                    "ON CONFLICT (id) DO NOTHING")
        cur.execute("VACUUM ANALYZE")

    cur.execute("""
        SELECT (SELECT count(*) FROM proposals_proposal),
               (SELECT count(*) FROM proposals_support),
               (SELECT count(*) FROM proposals_proposal p WHERE support_count <>
                    (SELECT count(*) FROM proposals_support s WHERE s.proposal_id = p.id)),
               (SELECT count(*) FROM accounts_user),
               (SELECT count(*) FROM proposals_comment),
               (SELECT count(*) FROM proposals_timelineentry),
               (SELECT count(*) FROM proposals_followup),
               (SELECT json_object_agg(state, n) FROM (SELECT state, count(*) n FROM proposals_proposal GROUP BY 1) s),
               (SELECT pg_size_pretty(pg_total_relation_size('proposals_proposal'))),
               (SELECT pg_size_pretty(pg_total_relation_size('proposals_support'))),
               (SELECT pg_size_pretty(pg_database_size(current_database())))
    """)
    (n_prop, n_sup, mismatched, n_users, n_comments, n_timeline, n_follow, states,
     size_prop, size_sup, size_db) = cur.fetchone()
    if mismatched:
        raise SystemExit(f"seed: {mismatched} proposals have a support_count that differs from their supports")
    cur.execute("SELECT count(*) FROM proposals_support WHERE proposal_id = %s", [showcase + 1])
    summary = {
        "database": connection.settings_dict["NAME"],
        "seeded_at": now.isoformat(),
        "proposals": n_prop, "supports": n_sup, "users": n_users, "comments": n_comments,
        "timeline_entries": n_timeline, "follow_ups": n_follow, "states": states,
        "open_for_support": n_open,
        "showcase_proposal_id": showcase + 1, "showcase_supports": cur.fetchone()[0],
        "bench_user_ids": [users + 1, users + bench_users],
        "verified_residents": verified + bench_users,
        "sizes": {"proposals_proposal": size_prop, "proposals_support": size_sup, "database": size_db},
        "seconds": round(time.perf_counter() - t_all, 1), "steps": timings,
        "params": {"proposals": proposals, "supports": supports, "users": users, "bench_users": bench_users,
                   "verified_share": verified_share, "span_days": span_days, "alpha": alpha, "seed": random_seed},
    }
    return summary


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=None,
                        help="citizens (default: 2 per proposal, at least 2,000)")
    parser.add_argument("--bench-users", type=int, default=10_000,
                        help="extra verified residents without supports, for the support benchmark")
    parser.add_argument("--verified-share", type=float, default=0.6)
    parser.add_argument("--span-days", type=int, default=365, help="proposals are published over this many days")
    parser.add_argument("--alpha", type=float, default=1.3, help="Pareto shape of supports per proposal")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--reset", action="store_true", help="wipe users and proposals in the target database first")
    args = parser.parse_args(argv)
    setup_django()
    users = args.users or max(2_000, 2 * args.proposals)
    summary = seed(proposals=args.proposals, supports=args.supports, users=users, bench_users=args.bench_users,
                   verified_share=args.verified_share, span_days=args.span_days, alpha=args.alpha,
                   random_seed=args.seed, reset=args.reset)
    write_json(f"seed-{db_label(os.environ.get('DATABASE_URL', ''))}.json", summary)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return summary


if __name__ == "__main__":
    main()
