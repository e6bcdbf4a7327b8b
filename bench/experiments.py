#!/usr/bin/env python
"""A/B evidence for the query and index changes proposed in docs/benchmarks.md; changes nothing in the repo.

    DATABASE_URL=postgres://... SECRET_KEY=... .venv/bin/python bench/experiments.py [NAME ...]   # after bench/seed.py

Each experiment measures the same pages (in-process, as bench/pages.py) or the raw support
write (as bench/support.py) with and without one change, alternating A and B three times so that
the noise of a shared machine falls on both; it prints the medians and the B/A ratio of p95.
The changes are applied only inside this process or, for indexes, created and dropped again in
the benchmark database:

- search-rank: ``SearchRank(F("search_vector"), ...)`` instead of ``SearchRank("search_vector", ...)``
  (the string makes Django wrap the column in ``to_tsvector(COALESCE(search_vector::text, ''))``,
  re-parsing every matching row's vector as text and losing the A/B weights);
- search-newest: the above, and rank only the 1,000 newest matches (bounded work for common words);
- indexes: ``(category_id, published_at DESC) INCLUDE (state)`` in place of ``proposal_category``,
  and a partial ``(support_closes_at, id) WHERE state IN ('published','escalated') AND
  support_closed_at IS NULL`` for the "closing soon" listing;
- comments: the detail page with at most 50 top-level comments (newest first, the rest paged);
- support-indexes: the raw INSERT + UPDATE of a support without the two redundant single-column
  indexes of proposals_support (``proposal_id`` is the prefix of the unique constraint,
  ``user_id`` the prefix of ``support_user``).

Once a change is adopted its experiment measures nothing (A and B are the same); delete it then.
"""

import gc
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import log, median, percentile, setup_django  # noqa: E402

DROP_INDEXES = ["proposals_support_proposal_id_ebf8ae1d", "proposals_support_user_id_6c2cc3fa"]


def main(argv: list[str]) -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from urllib.parse import urlencode

    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db import connection
    from django.db.models import F, Subquery
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.models import User
    from bench.pages import SEARCH_COMMON, dataset_facts, http_pages
    from proposals import selectors

    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    facts = dataset_facts()
    pages = http_pages(facts)
    pages.setdefault("list search common", ("", "/proposals/?" + urlencode({"q": SEARCH_COMMON}), False))
    anon, signed = Client(), Client()
    signed.force_login(User.objects.get(pk=facts["supporter"]))

    def sql(*statements):
        with connection.cursor() as cur:
            for statement in statements:
                cur.execute(statement)

    original_search, original_data = selectors._apply_search, selectors.get_proposal_page_data

    def search_fixed(qs, query, newest=None):
        terms = selectors.search_terms(query)
        if not terms:
            return qs
        search = SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw", config="simple")
        qs = qs.filter(search_vector=search)
        if newest:
            qs = qs.model.objects.filter(pk__in=Subquery(qs.order_by("-published_at", "-pk").values("pk")[:newest]))
        return qs.annotate(rank=SearchRank(F("search_vector"), search))

    def comments_capped(*, proposal, viewer):
        data = original_data(proposal=proposal, viewer=viewer)
        data["comments"] = data["comments"].order_by("-created_at", "-pk")[:50]
        return data

    def patch(name, value):
        return lambda: setattr(selectors, name, value)

    experiments = {
        "search-rank": (patch("_apply_search", search_fixed), patch("_apply_search", original_search),
                        ["list search 1 word", "list search 2 words", "list search common"]),
        "search-newest": (patch("_apply_search", lambda qs, q: search_fixed(qs, q, newest=1000)),
                          patch("_apply_search", original_search),
                          ["list search 1 word", "list search 2 words", "list search common"]),
        "indexes": (
            lambda: sql("CREATE INDEX exp_category_state ON proposals_proposal (category_id, published_at DESC) "
                        "INCLUDE (state)",
                        "CREATE INDEX exp_open_closing ON proposals_proposal (support_closes_at, id) "
                        "WHERE state IN ('published', 'escalated') AND support_closed_at IS NULL",
                        "ANALYZE proposals_proposal"),
            lambda: sql("DROP INDEX IF EXISTS exp_category_state", "DROP INDEX IF EXISTS exp_open_closing",
                        "ANALYZE proposals_proposal"),
            ["list category", "list closing", "list newest"]),
        "comments": (patch("get_proposal_page_data", comments_capped),
                     patch("get_proposal_page_data", original_data), ["detail anonymous", "detail signed in"]),
        "support-indexes": None,
    }
    names = argv or list(experiments)
    requests = int(os.environ.get("REQUESTS", "15"))

    def measure(page_names):
        out = {}
        for name in page_names:
            _d, path, signed_in = pages[name]
            client = signed if signed_in else anon
            for _ in range(2):
                assert client.get(path).status_code == 200
            times, spent = [], 0.0
            while len(times) < requests and not (len(times) >= 5 and spent > 8):
                gc.collect(0)
                t = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                spent += times[-1] / 1000
            out[name] = (percentile(times, 50), percentile(times, 95))
        return out

    for name in names:
        if name == "support-indexes":
            support_indexes()
            continue
        on, off, page_names = experiments[name]
        arms = {"A": [], "B": []}
        for rep in range(3):
            for arm in ("A", "B") if rep % 2 == 0 else ("B", "A"):
                if arm == "B":
                    on()
                try:
                    arms[arm].append(measure(page_names))
                finally:
                    if arm == "B":
                        off()
            log(f"experiments: {name} rep {rep + 1}/3")
        for page in page_names:
            a50, a95 = (median([m[page][i] for m in arms["A"]]) for i in (0, 1))
            b50, b95 = (median([m[page][i] for m in arms["B"]]) for i in (0, 1))
            print(f"{name:16} {page:22} before p50 {a50:7.1f} p95 {a95:7.1f} ms | after p50 {b50:7.1f} "
                  f"p95 {b95:7.1f} ms | p95 after/before {b95 / a95:.2f}", flush=True)


def support_indexes() -> None:
    """Raw INSERT + UPDATE rate with and without the two redundant support indexes (8 threads)."""
    from django.db import connection

    from bench.support import Target, run_raw

    target = Target("full", os.environ["DATABASE_URL"], servers=0)
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [DROP_INDEXES])
        definitions = dict(cur.fetchall())
    if len(definitions) != len(DROP_INDEXES):
        print("support-indexes: the redundant indexes are already gone; nothing to compare")
        target.close()
        return
    arms = {"A": [], "B": []}
    try:
        for rep in range(3):
            for arm in ("A", "B") if rep % 2 == 0 else ("B", "A"):
                if arm == "B":
                    with connection.cursor() as cur:
                        for index in definitions:
                            cur.execute(f"DROP INDEX {index}")
                try:
                    arms[arm].append(run_raw(target, 8, 2.0, 6.0, seed=rep)["clicks_per_s"])
                finally:
                    if arm == "B":
                        with connection.cursor() as cur:
                            for definition in definitions.values():
                                cur.execute(definition)
    finally:
        target.close()
    a, b = median(arms["A"]), median(arms["B"])
    print(f"support-indexes  raw INSERT+UPDATE/s    before {a:7.1f} {arms['A']} | after {b:7.1f} {arms['B']} | "
          f"after/before {b / a:.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
