#!/usr/bin/env python
"""Server time of the proposal listing and detail pages, in-process (django.test.Client, no network).

    DATABASE_URL=postgres://... SECRET_KEY=... .venv/bin/python bench/pages.py --rounds 3 --requests 30

For each page: warm-up requests, then ``--rounds`` rounds of ``--requests`` requests per page, the
pages interleaved (so that noise on this shared machine spreads over all of them); p50/p95/max per
round and the median over rounds. Also, once per page: the number of SQL queries
(CaptureQueriesContext) and, for listing pages, EXPLAIN (ANALYZE, BUFFERS) of each query on
proposals_proposal. Everything is saved in bench/results/pages-<db>.{json,txt}.

Until proposals/urls.py exists (``proposals:list``), ``--mode selectors`` measures the selectors
behind the pages instead (list_proposals + one page of the paginator, get_proposal_page_data);
the final figures are for ``--mode http`` (the default when the URLs exist).
"""

import argparse
import gc
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import db_label, log, median, percentile, setup_django, write_json, write_text  # noqa: E402

SEARCH_ONE = "자전거"  # a topic word: about 5% of the seeded proposals match
SEARCH_TWO = "놀이터 안전"  # two words, both required: about 2%
SEARCH_COMMON = "안전"  # a common word: about 45% match (the stress case for ranking and counting)


def dataset_facts() -> dict:
    """What the pages need from the seeded data: the showcase proposal, a category, a district."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("""
            SELECT id, support_count FROM proposals_proposal
            WHERE state NOT IN ('draft', 'hidden') ORDER BY support_count DESC, id LIMIT 1
        """)
        showcase, showcase_supports = cur.fetchone()
        cur.execute("""
            SELECT c.code FROM proposals_category c JOIN proposals_proposal p ON p.category_id = c.id
            GROUP BY c.code ORDER BY count(*) DESC LIMIT 1
        """)
        category = cur.fetchone()[0]
        cur.execute("""
            SELECT district FROM proposals_proposal WHERE district <> ''
            GROUP BY district ORDER BY count(*) DESC LIMIT 1
        """)
        district = cur.fetchone()[0]
        cur.execute("""
            SELECT s.user_id FROM proposals_support s JOIN accounts_user u ON u.id = s.user_id
            WHERE s.proposal_id = %s AND u.is_verified_resident ORDER BY s.user_id LIMIT 1
        """, [showcase])
        supporter = cur.fetchone()[0]
        # A typical open proposal: a few dozen supports and a handful of comments.
        cur.execute("""
            SELECT p.id FROM proposals_proposal p
            WHERE p.state = 'published' AND p.support_closed_at IS NULL
              AND EXISTS (SELECT 1 FROM proposals_comment c WHERE c.proposal_id = p.id)
            ORDER BY abs(p.support_count - 30), p.id LIMIT 1
        """)
        row = cur.fetchone()
        if row is None:
            cur.execute("SELECT id FROM proposals_proposal WHERE state = 'published' ORDER BY id LIMIT 1")
            row = cur.fetchone()
        typical = row[0]
        cur.execute("SELECT count(*) FROM proposals_proposal")
        total = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM proposals_support")
        supports = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM proposals_comment WHERE proposal_id = %s", [showcase])
        comments = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM proposals_timelineentry WHERE proposal_id = %s", [showcase])
        timeline = cur.fetchone()[0]
    return {"showcase": showcase, "showcase_supports": showcase_supports, "showcase_comments": comments,
            "showcase_timeline": timeline, "typical": typical, "category": category, "district": district,
            "supporter": supporter, "proposals": total, "supports": supports}


def http_pages(facts: dict) -> dict:
    """name -> (description, path, signed_in)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    listing = reverse("proposals:list")

    def q(**params):
        return f"{listing}?{urlencode(params)}" if params else listing

    detail = reverse("proposals:detail", args=[facts["showcase"]])
    return {
        "list newest": ("/proposals/ (default: newest first)", q(), False),
        "list supported": ("sort=supported", q(sort="supported"), False),
        "list closing": ("sort=closing (open windows, closing first)", q(sort="closing"), False),
        "list category": (f"category={facts['category']}", q(category=facts["category"]), False),
        "list district": (f"district={facts['district']}", q(district=facts["district"]), False),
        "list search 1 word": (f"q={SEARCH_ONE}", q(q=SEARCH_ONE), False),
        "list search 2 words": (f"q={SEARCH_TWO}", q(q=SEARCH_TWO), False),
        "list search common": (f"q={SEARCH_COMMON} (stress: a word in ~45% of proposals)", q(q=SEARCH_COMMON),
                               False),
        "list page 50": ("page=50 (newest)", q(page=50), False),
        "detail anonymous": (f"/proposals/{facts['showcase']}/ ({facts['showcase_supports']:,} supports, "
                             f"{facts['showcase_comments']} comments, {facts['showcase_timeline']} timeline entries)",
                             detail, False),
        "detail signed in": ("same page, signed in as one of its supporters", detail, True),
        "detail typical": ("an open proposal with ~30 supports and a few comments, anonymous",
                           reverse("proposals:detail", args=[facts["typical"]]), False),
    }


def selector_pages(facts: dict) -> dict:
    """The same pages through the selectors only (before the views exist): name -> (description, callable)."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator

    from accounts.models import User
    from proposals.models import Proposal
    from proposals.selectors import PAGE_SIZE, ProposalFilters, get_proposal_page_data, list_proposals

    def listing(page=1, **filters):
        def run():
            paginator = Paginator(list_proposals(filters=ProposalFilters(**filters)), PAGE_SIZE)
            items = list(paginator.get_page(page).object_list)
            return len(items), paginator.count
        return run

    supporter = User.objects.get(pk=facts["supporter"])

    def detail(viewer):
        def run():
            proposal = Proposal.objects.select_related("category", "author").get(pk=facts["showcase"])
            data = get_proposal_page_data(proposal=proposal, viewer=viewer)
            out = []
            for value in data.values():
                if hasattr(value, "__iter__") and not isinstance(value, (str, bytes)):
                    out.append(len(list(value)))
            for comment in data["comments"]:
                list(comment.replies.all())
            return out
        return run

    return {
        "list newest": ("list_proposals() default", listing()),
        "list supported": ("sort=supported", listing(sort="supported")),
        "list closing": ("sort=closing", listing(sort="closing")),
        "list category": (f"category={facts['category']}", listing(category=facts["category"])),
        "list district": (f"district={facts['district']}", listing(district=facts["district"])),
        "list search 1 word": (f"q={SEARCH_ONE}", listing(query=SEARCH_ONE)),
        "list search 2 words": (f"q={SEARCH_TWO}", listing(query=SEARCH_TWO)),
        "list search common": (f"q={SEARCH_COMMON}", listing(query=SEARCH_COMMON)),
        "list page 50": ("page=50", listing(page=50)),
        "detail anonymous": ("get_proposal_page_data, anonymous", detail(AnonymousUser())),
        "detail signed in": ("get_proposal_page_data, a supporter", detail(supporter)),
    }


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30, help="requests per page per round")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per page")
    parser.add_argument("--mode", choices=["auto", "http", "selectors"], default="auto")
    parser.add_argument("--label", default=None, help="name for the result files (default: the database name)")
    parser.add_argument("--budget", type=float, default=6.0,
                        help="seconds per page per round; a slower page stops early (at least 5 requests)")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args(argv)

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic needed here
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User

    mode = args.mode
    if mode == "auto":
        try:
            reverse("proposals:list")
            mode = "http"
        except NoReverseMatch:
            mode = "selectors"
    label = args.label or db_label(os.environ.get("DATABASE_URL", ""))
    facts = dataset_facts()
    log(f"pages: mode={mode}, {facts['proposals']:,} proposals, {facts['supports']:,} supports ({label})")

    # {% static %} through the plain storage: no collectstatic run needed (the production manifest
    # storage only adds a dict lookup per URL).
    static_override = override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    })
    static_override.enable()

    anon, signed = Client(), Client()
    signed.force_login(User.objects.get(pk=facts["supporter"]))

    if mode == "http":
        pages = http_pages(facts)

        def make_call(path, signed_in):
            client = signed if signed_in else anon

            def call():
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} -> {response.status_code}")
                return len(response.content)
            return call

        calls = {name: make_call(path, s) for name, (_d, path, s) in pages.items()}
        descriptions = {name: f"{d} — GET {path}" for name, (d, path, _s) in pages.items()}
    else:
        pages = selector_pages(facts)
        calls = {name: fn for name, (_d, fn) in pages.items()}
        descriptions = {name: d for name, (d, _fn) in pages.items()}

    # Queries per page (and the SQL, for EXPLAIN).
    captured: dict[str, list[str]] = {}
    for name, call in calls.items():
        call()  # first request: caches, connection, templates
        with CaptureQueriesContext(connection) as ctx:
            call()
        captured[name] = [q["sql"] for q in ctx.captured_queries]

    for _ in range(args.warmup):
        for call in calls.values():
            call()

    samples: dict[str, list[list[float]]] = {name: [] for name in calls}
    for r in range(args.rounds):
        per_round = {name: [] for name in calls}
        for _ in range(args.requests):
            for name, call in calls.items():
                spent = sum(per_round[name]) / 1000
                if len(per_round[name]) >= 5 and spent > args.budget:
                    continue  # a very slow page: enough samples for this round
                gc.collect(0)
                t = time.perf_counter()
                call()
                per_round[name].append((time.perf_counter() - t) * 1000)
        for name in calls:
            samples[name].append(per_round[name])
        log(f"pages: round {r + 1}/{args.rounds} done")

    results = {}
    for name in calls:
        rounds = [{"p50": percentile(s, 50), "p95": percentile(s, 95), "max": max(s)} for s in samples[name]]
        results[name] = {
            "description": descriptions[name],
            "queries": len(captured[name]),
            "requests": sum(len(s) for s in samples[name]),
            "p50_ms": round(median([x["p50"] for x in rounds]), 1),
            "p95_ms": round(median([x["p95"] for x in rounds]), 1),
            "max_ms": round(max(x["max"] for x in rounds), 1),
            "rounds": [{k: round(v, 2) for k, v in x.items()} for x in rounds],
            "samples_ms": [[round(v, 2) for v in s] for s in samples[name]],
        }

    explains = {}
    if not args.no_explain:
        for name, sqls in captured.items():
            if not name.startswith("list"):
                continue
            for i, sql in enumerate(sqls):
                if "proposals_proposal" in sql and sql.lstrip().upper().startswith("SELECT"):
                    explains[f"{name} #{i + 1}"] = {"sql": sql, "plan": explain(sql)}

    out = {"label": label, "mode": mode, "facts": facts, "rounds": args.rounds, "requests": args.requests,
           "warmup": args.warmup, "pages": results, "queries": captured, "explain": explains}
    write_json(f"pages-{label}.json", out)
    lines = [f"pages ({mode}) on {label}: {facts['proposals']:,} proposals, {facts['supports']:,} supports; "
             f"{args.rounds} rounds x {args.requests} requests, median over rounds", "",
             f"{'page':24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'n':>5}"]
    for name, r in results.items():
        lines.append(f"{name:24} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} {r['queries']:8d} "
                     f"{r['requests']:5d}")
    lines.append("")
    for name, sqls in captured.items():
        lines.append(f"== {name}: {len(sqls)} queries ({descriptions[name]})")
        lines.extend(f"  {i + 1}. {s[:400]}" for i, s in enumerate(sqls))
    for name, e in explains.items():
        lines += ["", f"== EXPLAIN ANALYZE {name}", e["sql"], e["plan"]]
    write_text(f"pages-{label}.txt", "\n".join(lines) + "\n")
    print("\n".join(lines[:len(results) + 3]))
    return out


if __name__ == "__main__":
    main()
