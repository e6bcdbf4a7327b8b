#!/usr/bin/env python
"""Add the governance record to a database seeded by bench/seed.py: committees with years of meetings.

    DATABASE_URL=postgres://... SECRET_KEY=... .venv/bin/python bench/seed_governance.py --committees 200 --years 5

Set-based SQL (generate_series), like bench/seed.py: ``--committees`` committees of every kind over the
seeded departments, 15 members each (a mix of categories, genders, age bands and districts; every
fifth committee over the 60 % gender rule), a meeting a month for ``--years`` years with attendance
per member (about 85 % present) and minutes published (one in ten late, the latest months' partly
still due), two recommendations a committee a year that reach the department's queue as follow-ups
(half answered), 300 monitors with a rating on each recommendation's follow-up. Then the dashboard's
tallies are rebuilt from the source tables (``manage.py reconcile_tallies --all``), timed. Prints a
JSON summary. It deletes the governance rows it finds first (and the follow-ups of recommendations).
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import log, setup_django  # noqa: E402

MEMBERS = 15


def seed(committees: int, years: int) -> dict:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("""
            DELETE FROM governance_monitorrating; DELETE FROM governance_monitorassignment;
            DELETE FROM governance_monitor; DELETE FROM governance_attendance;
            DELETE FROM proposals_followup WHERE id IN
                (SELECT follow_up_id FROM governance_committeerecommendation WHERE follow_up_id IS NOT NULL);
            DELETE FROM governance_committeerecommendation; DELETE FROM governance_annualdocument;
            DELETE FROM governance_meeting; DELETE FROM governance_member; DELETE FROM governance_application;
            DELETE FROM governance_opencall; DELETE FROM governance_committeedraw;
            DELETE FROM governance_committee_secretaries; DELETE FROM governance_committee; DELETE FROM governance_tally;
        """)
        cur.execute("SELECT array_agg(id ORDER BY id) FROM accounts_department WHERE NOT is_mayor_office")
        departments = cur.fetchone()[0]
        if not departments:
            sys.exit("seed_governance: no departments; run bench/seed.py first")
        cur.execute(f"""
            INSERT INTO governance_committee
                (name, name_en, slug, legal_status, function, department_id, mandate, legal_basis, term_start,
                 term_end, size, is_agenda_committee, policy, min_citizen_share, max_gender_share,
                 minutes_deadline_days, recommendation_due_days, created_at)
            SELECT '위원회 ' || i, 'Committee ' || i, 'committee-' || i,
                   (ARRAY['statutory', 'non_statutory'])[1 + i % 2],
                   (ARRAY['advisory', 'deliberative', 'executive', 'citizen'])[1 + i % 4],
                   (ARRAY{departments}::bigint[])[1 + i % {len(departments)}],
                   '시정의 주요 정책을 심의하고 자문합니다.', '서울특별시 조례 제' || i || '호',
                   date_trunc('year', now())::date - make_interval(years => {years}), NULL, {MEMBERS},
                   false, '', 30, 60, 14, 30, now() - make_interval(years => {years})
            FROM generate_series(1, {committees}) AS i
        """)
        # Members: every fifth committee has 11 women of 15 appointed (73 %: outside the 60 % rule).
        cur.execute(f"""
            INSERT INTO governance_member
                (committee_id, name, category, gender, age_band, district, term_start, is_chair, route, route_note,
                 created_at, end_reason)
            SELECT c.id, '위원 ' || c.id || '-' || m,
                   (ARRAY['citizen', 'citizen', 'expert', 'civil_society', 'council', 'official'])[1 + m % 6],
                   CASE WHEN c.id % 5 = 0 THEN (CASE WHEN m <= 11 THEN 'female' ELSE 'male' END)
                        ELSE (ARRAY['female', 'male'])[1 + m % 2] END,
                   (ARRAY['20-29', '30-39', '40-49', '50-59', '60-69', '70+'])[1 + m % 6],
                   (ARRAY['jongno', 'mapo', 'gangnam', 'nowon', 'gwanak'])[1 + (c.id + m) % 5],
                   c.term_start, m = 1, 'appointed', '위촉', c.created_at, ''
            FROM governance_committee c CROSS JOIN generate_series(1, {MEMBERS}) AS m
        """)
        cur.execute(f"""
            INSERT INTO governance_meeting
                (committee_id, number, title, agenda, agenda_html, scheduled_at, mode, place, state, held_at,
                 minutes, minutes_html, minutes_due_at, minutes_published_at, cancelled_reason, created_at)
            SELECT c.id, n, '제' || n || '차 회의', '안건', '<p>안건</p>', t, (ARRAY['in_person', 'online', 'hybrid'])[1 + n % 3],
                   '서울시청', CASE WHEN t < now() THEN 'held' ELSE 'scheduled' END,
                   CASE WHEN t < now() THEN t END, CASE WHEN t < now() - interval '30 days' THEN '회의록' ELSE '' END,
                   CASE WHEN t < now() - interval '30 days' THEN '<p>회의록</p>' ELSE '' END,
                   CASE WHEN t < now() THEN t + interval '14 days' END,
                   CASE WHEN t < now() - interval '30 days' THEN t + (CASE WHEN n % 10 = 0 THEN 20 ELSE 7 END) * interval '1 day' END,
                   '', t - interval '30 days'
            FROM governance_committee c
            CROSS JOIN generate_series(1, 12 * {years} + 1) AS n
            CROSS JOIN LATERAL (SELECT c.created_at + (n - 1) * interval '1 month' + (c.id % 20) * interval '1 day') AS s(t)
        """)
        cur.execute("""
            INSERT INTO governance_attendance (meeting_id, member_id, status)
            SELECT g.id, m.id, CASE WHEN (g.id + m.id) % 20 < 17 THEN 'present'
                                    WHEN (g.id + m.id) % 20 < 19 THEN 'excused' ELSE 'absent' END
            FROM governance_meeting g JOIN governance_member m ON m.committee_id = g.committee_id
            WHERE g.state = 'held'
        """)
        # Two recommendations a committee a year, each with its follow-up in the department's queue.
        cur.execute("""
            WITH picked AS (
                SELECT g.id AS meeting_id, g.committee_id, c.department_id, g.held_at,
                       row_number() OVER (ORDER BY g.id) AS k
                FROM governance_meeting g JOIN governance_committee c ON c.id = g.committee_id
                WHERE g.state = 'held' AND g.number % 6 = 0
            ), follow_ups AS (
                INSERT INTO proposals_followup
                    (department_id, title, level, state, due_at, created_at, answered_at, completed_at, verdict,
                     progress_percent)
                SELECT department_id, '권고 ' || k, 'department',
                       CASE WHEN k % 2 = 0 THEN 'answered' ELSE 'open' END,
                       held_at + interval '30 days', held_at,
                       CASE WHEN k % 2 = 0 THEN held_at + interval '20 days' END, NULL,
                       CASE WHEN k % 2 = 0 THEN 'accepted' ELSE '' END, 0
                FROM picked ORDER BY k
                RETURNING id, title
            )
            INSERT INTO governance_committeerecommendation
                (committee_id, meeting_id, kind, title, body, body_html, department_id, follow_up_id, created_at)
            SELECT p.committee_id, p.meeting_id, 'recommendation', f.title, '권고 내용', '<p>권고 내용</p>',
                   p.department_id, f.id, p.held_at
            FROM picked p JOIN follow_ups f ON f.title = '권고 ' || p.k
        """)
        cur.execute("""
            INSERT INTO governance_monitor (user_id, active, joined_at)
            SELECT id, true, now() - interval '1 year' FROM accounts_user
            WHERE is_verified_resident ORDER BY id LIMIT 300
        """)
        cur.execute("""
            WITH items AS (SELECT follow_up_id, row_number() OVER (ORDER BY id) AS k
                           FROM governance_committeerecommendation),
                 monitors AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS j FROM governance_monitor),
                 assigned AS (
                     INSERT INTO governance_monitorassignment (monitor_id, follow_up_id, assigned_at)
                     SELECT m.id, i.follow_up_id, now() - interval '6 months'
                     FROM items i JOIN monitors m ON m.j = i.k % (SELECT count(*) FROM monitors)
                     RETURNING id, follow_up_id)
            INSERT INTO governance_monitorrating (assignment_id, follow_up_id, rating, note, created_at, reply)
            SELECT id, follow_up_id, (ARRAY['on_track', 'delayed', 'stalled', 'done'])[1 + id % 4], '진행 상황 메모',
                   now() - interval '1 month', ''
            FROM assigned
        """)
        counts = {}
        for table in ("committee", "member", "meeting", "attendance", "committeerecommendation", "monitorrating"):
            cur.execute(f"SELECT count(*) FROM governance_{table}")
            counts[table] = cur.fetchone()[0]
    seeded = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return {"counts": counts, "seed_seconds": round(seeded, 1)}


def reconcile() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("reconcile_tallies", "--all")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--committees", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    options = parser.parse_args()
    setup_django()
    summary = seed(options.committees, options.years)
    log(f"seeded {summary['counts']} in {summary['seed_seconds']} s")
    summary["reconcile_seconds"] = round(reconcile(), 1)
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
