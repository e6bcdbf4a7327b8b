#!/usr/bin/env python
"""Add a city-wide participatory budget cycle to a database seeded by bench/seed.py (issue 16).

    DATABASE_URL=postgres://... SECRET_KEY=... .venv/bin/python bench/seed_budget.py --reset

A cycle of ``--projects`` proposed projects (default 3,000) over eight fields, five years ago: every one
submitted and reviewed (about a third eligible; the rest not eligible, withdrawn or left as drafts), 600
shortlisted onto the ballot of a secret budget vote with ``--voters`` voters (default 60,000: the voter roll
and the unsealed ballots inserted in bulk straight into voting's tables, approval ballots of 3 to 8
projects, weighted towards the first). The vote is then tallied by voting's own service: its close hands
the selected projects on as follow-up items and budget.execution's receiver funds them and moves the cycle
to execution, as in production. Then ``--years`` years (default 5) of monthly execution reports for each
funded project (two in three completed along the way; the others past the cycle's due date: overdue).

bulk_create throughout. ``--reset`` deletes the bench cycle (slug ``bench-citywide``), its vote and fields
first; without it an existing bench cycle is an error. Prints a JSON summary.
"""

import argparse
import hashlib
import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import log, setup_django  # noqa: E402

SLUG = "bench-citywide"
FIELDS = [("transport", "교통", "Transport"), ("parks", "공원·환경", "Parks and environment"),
          ("welfare", "복지", "Welfare"), ("culture", "문화·관광", "Culture and tourism"),
          ("safety", "안전", "Safety"), ("children", "아동·청소년", "Children and youth"),
          ("economy", "경제·일자리", "Economy and jobs"), ("housing", "주거·도시", "Housing and the city")]
ON_BALLOT = 600


def reset() -> None:
    from budget.models import BudgetCycle, BudgetField, BudgetProject
    from voting.models import Vote

    cycle = BudgetCycle.objects.filter(slug=SLUG).first()
    if cycle is not None:
        vote_id = cycle.vote_id
        BudgetProject.objects.filter(cycle=cycle).delete()
        cycle.delete()
        if vote_id:
            Vote.objects.filter(pk=vote_id).delete()
    BudgetField.objects.filter(slug__startswith="bench-").delete()


def seed(projects: int, voters: int, years: int, seed_value: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.districts import District
    from accounts.models import Department, User
    from budget.models import BudgetCycle, BudgetField, BudgetProject, ExecutionReport, ProjectReview
    from budget.states import CycleStage, ExecutionStage, ProjectState, ReviewCriterion
    from voting.models import Ballot, Option, Vote, VoterRoll
    from voting.services.lifecycle import tally
    from voting.states import BudgetRule, VoteKind, VoteState

    rnd = random.Random(seed_value)
    timings = {}
    now = timezone.now()
    started = time.perf_counter()

    def step(name, t0):
        timings[name] = round(time.perf_counter() - t0, 2)
        log(f"seed_budget: {name} in {timings[name]} s")

    departments = list(Department.objects.filter(is_mayor_office=False).order_by("pk")[:len(FIELDS)])
    citizens = list(User.objects.filter(role="citizen", is_verified_resident=True).order_by("pk")
                    .values_list("pk", flat=True)[:max(voters, 1000)])
    if not departments or len(citizens) < voters:
        sys.exit("seed_budget: run bench/seed.py first (departments and enough verified residents)")
    districts = list(District.values)

    t0 = time.perf_counter()
    with transaction.atomic():
        fields = BudgetField.objects.bulk_create([
            BudgetField(slug=f"bench-{slug}", name=name, name_en=en, department=departments[i % len(departments)],
                        position=i) for i, (slug, name, en) in enumerate(FIELDS)])
        year = timezone.localdate().year - years
        tz = timezone.get_current_timezone()

        def at(month, day):
            return datetime(year, month, day, 10, 0, tzinfo=tz)

        cycle = BudgetCycle.objects.create(
            year=year, district="", slug=SLUG, title=f"{year} 서울시 시민참여예산 (bench)", total_budget=30_000_000_000,
            cost_min=5_000_000, cost_max=300_000_000, stage=CycleStage.VOTE, stage_changed_at=at(8, 1),
            call_opens_at=at(1, 15), call_closes_at=at(2, 28), review_closes_at=at(4, 30),
            deliberation_closes_at=at(6, 30), vote_opens_at=at(8, 1), vote_closes_at=at(8, 31),
            execution_due_on=date(year + 1, 12, 31), budget_rule=BudgetRule.GREEDY, created_at=at(1, 1))
        cycle.fields.set(fields)

        # Projects 1..600 on the ballot; then not shortlisted, not eligible, withdrawn; a few drafts.
        def state_of(n):
            if n <= ON_BALLOT:
                return ProjectState.SHORTLISTED
            share = n / projects
            if share <= 0.35:
                return ProjectState.NOT_SHORTLISTED
            if share <= 0.93:
                return ProjectState.INELIGIBLE
            if share <= 0.98:
                return ProjectState.WITHDRAWN
            return ProjectState.DRAFT

        rows = []
        for n in range(1, projects + 1):
            state = state_of(n)
            field = fields[n % len(fields)]
            cost = rnd.randrange(5, 301) * 1_000_000
            reviewed = state not in (ProjectState.WITHDRAWN, ProjectState.DRAFT)
            rows.append(BudgetProject(
                cycle=cycle, number=None if state == ProjectState.DRAFT else n, author_id=citizens[n % len(citizens)],
                title=f"{field.name} 사업 {n}", description="주민이 제안한 사업입니다.", description_html="<p>주민이 제안한 사업입니다.</p>",
                field=field, department_id=field.department_id, district=districts[n % len(districts)] if n % 7 else "",
                location=f"{n}번지 일대" if n <= ON_BALLOT else "",
                latitude=Decimal(f"{37.45 + rnd.random() * 0.23:.6f}") if n <= ON_BALLOT else None,
                longitude=Decimal(f"{126.80 + rnd.random() * 0.37:.6f}") if n <= ON_BALLOT else None,
                estimated_cost=cost, state=state, created_at=at(1, 20),
                submitted_at=None if state == ProjectState.DRAFT else at(2, 1 + n % 27),
                reviewed_at=at(4, 1 + n % 28) if reviewed else None, reviewed_cost=cost if reviewed else None,
                score_mean=Decimal(f"{rnd.uniform(3, 9.5):.2f}") if n <= projects * 0.35 else None))
        made = BudgetProject.objects.bulk_create(rows, batch_size=1000)
        ProjectReview.objects.bulk_create([
            ProjectReview(project=p, eligible=p.state != ProjectState.INELIGIBLE,
                          criteria={c: p.state != ProjectState.INELIGIBLE for c in ReviewCriterion.values},
                          reasons="심사 기준을 검토했습니다.", reviewed_cost=p.reviewed_cost,
                          cost_lines=[{"item": "공사비", "amount": p.reviewed_cost}], published_at=p.reviewed_at)
            for p in made if p.reviewed_cost is not None], batch_size=1000)
        step("fields, cycle, projects, reviews", t0)

        t0 = time.perf_counter()
        vote = Vote.objects.create(
            title=cycle.title, question="어떤 사업에 예산을 쓸까요?", kind=VoteKind.BUDGET, budget=cycle.total_budget,
            budget_rule=BudgetRule.GREEDY, opens_at=cycle.vote_opens_at, closes_at=cycle.vote_closes_at,
            state=VoteState.CLOSED, secret=True, answer_due_days=60, created_at=at(7, 1))
        ballot_projects = [p for p in made if p.number and p.number <= ON_BALLOT]
        options = Option.objects.bulk_create([
            Option(vote=vote, position=p.number, label=p.title[:200], cost=p.reviewed_cost, category=p.field.slug,
                   district=p.district, department_id=p.department_id) for p in ballot_projects])
        for p, o in zip(ballot_projects, options):
            p.option = o
        BudgetProject.objects.bulk_update(ballot_projects, ["option"], batch_size=1000)
        cycle.vote = vote
        cycle.save(update_fields=["vote"])

        VoterRoll.objects.bulk_create([VoterRoll(vote=vote, user_id=uid, voted_at=cycle.vote_opens_at)
                                       for uid in citizens[:voters]], batch_size=5000)
        used = set()
        ballots = []
        for i in range(voters):
            k = rnd.randint(3, 8)
            choices = sorted({1 + int(ON_BALLOT * rnd.random() ** 2) for _ in range(k)})
            bid = rnd.getrandbits(63) or 1
            while bid in used:
                bid = rnd.getrandbits(63) or 1
            used.add(bid)
            ballots.append(Ballot(id=bid, vote=vote, choices=choices, cast_on=cycle.vote_closes_at.date(),
                                  receipt_hash=hashlib.sha256(f"bench-{vote.pk}-{i}".encode()).hexdigest(),
                                  age_band=["20-29", "30-39", "40-49", "50-59", "60-69"][i % 5],
                                  gender=["female", "male"][i % 2], district=districts[i % len(districts)]))
        Ballot.objects.bulk_create(ballots, batch_size=5000)
        step(f"vote, {voters:,} roll rows and ballots", t0)

    t0 = time.perf_counter()
    tally(vote_id=vote.pk, now=cycle.vote_closes_at + timedelta(minutes=1))  # the receiver funds the projects
    cycle.refresh_from_db()
    funded = list(BudgetProject.objects.filter(cycle=cycle, state=ProjectState.FUNDED).order_by("number"))
    step(f"tally and funding ({len(funded)} funded, cycle {cycle.stage})", t0)

    t0 = time.perf_counter()
    first = cycle.vote_closes_at.date()
    months = 12 * years
    today = timezone.localdate()
    reports, completed = [], []
    stages = [ExecutionStage.PLANNING, ExecutionStage.CONTRACTING, ExecutionStage.UNDER_WAY]
    for p in funded:
        finishes = rnd.randint(8, 30) if p.number % 3 else None  # two in three completed, after 8 to 30 months
        length = min(months, finishes or months)
        monthly = p.reviewed_cost // (length + 2)
        spent = 0
        for m in range(1, length + 1):
            day = first + timedelta(days=30 * m)
            if day > today:
                break
            last = finishes is not None and m == length
            stage = ExecutionStage.COMPLETED if last else stages[min(2, 3 * m // max(length, 1))]
            spent += monthly
            reports.append(ExecutionReport(project=p, reported_on=day, amount=monthly, stage=stage,
                                           progress_percent=100 if last else min(99, 100 * m // length),
                                           note=f"{m}개월차 집행 보고.", created_at=now))
            p.last_report_on, p.execution_stage, p.spent = day, stage, spent
        if p.execution_stage == ExecutionStage.COMPLETED:
            p.state, p.completed_on = ProjectState.COMPLETED, p.last_report_on
            completed.append(p)
    ExecutionReport.objects.bulk_create(reports, batch_size=5000)
    BudgetProject.objects.bulk_update(funded, ["spent", "execution_stage", "last_report_on", "state", "completed_on"],
                                      batch_size=1000)
    step(f"{len(reports):,} execution reports", t0)

    with connection.cursor() as cur:
        cur.execute("ANALYZE budget_budgetproject; ANALYZE budget_executionreport; ANALYZE voting_ballot;")
    return {"cycle": cycle.slug, "stage": cycle.stage, "projects": projects, "on_ballot": ON_BALLOT,
            "funded": len(funded), "completed": len(completed), "voters": voters, "reports": len(reports),
            "timings": timings, "seconds": round(time.perf_counter() - started, 1)}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=3000)
    parser.add_argument("--voters", type=int, default=60000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--reset", action="store_true", help="delete the bench cycle, its vote and fields first")
    args = parser.parse_args(argv)
    setup_django()
    from budget.models import BudgetCycle

    if BudgetCycle.objects.filter(slug=SLUG).exists():
        if not args.reset:
            sys.exit(f"seed_budget: the cycle {SLUG} exists; pass --reset to replace it")
    if args.reset:
        reset()
    summary = seed(args.projects, args.voters, args.years, args.seed)
    print(json.dumps(summary, ensure_ascii=False))
    return summary


if __name__ == "__main__":
    main()
