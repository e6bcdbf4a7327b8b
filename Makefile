# Developer and CI entry points. GNU make; recipes run in bash.
#
#   make run         demo on http://127.0.0.1:8000 (SQLite + in-memory channel layer)
#   make test        import contracts, then the whole suite on throwaway PostgreSQL + Redis, then the SQLite smoke run
#   make test-deps   what the tests need: Debian packages, the test requirements, axe-core (the npm registry's tarball, pinned) in .cache/
#   make bench       bench/run_all.py on a throwaway PostgreSQL + Redis
#   make messages    makemessages (django + djangojs, ko + en) and compilemessages
#   make screenshots the main pages at phone and desktop size, in Korean, on the demo -> docs/screenshots/
#   make clean       caches and test artifacts; `make distclean` also drops .venv and db.sqlite3
#
# Variables: PYTEST_ARGS="-x -k foo" (every pytest phase), PYTEST_WORKERS=4 (xdist workers of
# the parallel phase: a number, or auto for one per core), ADDR=127.0.0.1:8000 (run),
# BENCH_ARGS (bench), PYTHON=python3 (used to create .venv).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
PIP := $(VPY) -m pip --disable-pip-version-check
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# Twice the cores of a 2-core machine: many tests wait on servers, sockets and deadlines, and more
# workers overlap the waits (docs/benchmarks.md "The test suite": 427 s with 2 workers, 318 s with 4).
PYTEST_WORKERS ?= 4
BENCH_ARGS ?=

SERVICES := tests/services/with-services.sh
# The embedded default: no PostgreSQL, no Redis (SQLite, in-memory layer,
# locmem cache, eager Celery).
EMBEDDED := env -u DATABASE_URL -u REDIS_URL

# Stamps named after a hash of the requirement files: a rerun with unchanged
# requirements skips pip entirely; a change makes a new stamp name.
RUN_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-16)
TEST_HASH := $(shell cat requirements.txt requirements-test.txt requirements-oracle.txt | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(RUN_HASH)
TEST_STAMP := $(VENV)/.installed-test-$(TEST_HASH)

# Debian packages the test suite needs (redis-tools: redis-cli; postgresql-common:
# pg_virtualenv; chromium: Playwright e2e; fonts-nanum: Korean glyphs in the
# browser screenshots; gettext: compilemessages).
APT_PACKAGES := python3-venv redis-server redis-tools postgresql postgresql-common \
	chromium fonts-nanum gettext libpq5

# axe-core, the accessibility engine tests/e2e/test_accessibility.py injects into each page: a test tool,
# not a dependency of the site (MPL-2.0). The npm package's tarball from the npm registry, pinned by
# version and sha256, unpacked into .cache/ (the test reads AXE_JS, or this path). Fetched by Python, not
# npm: a machine whose Node.js is not Debian's cannot install Debian's npm beside it.
AXE_VERSION := 4.14.1
AXE_SHA256 := e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
AXE_DIR := .cache/axe-core-$(AXE_VERSION)
AXE_JS := $(AXE_DIR)/axe.min.js

# makemessages already skips dot-directories (.venv); compilemessages does not.
MSG_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles \
	--ignore=test-artifacts --ignore=bench/results

.PHONY: help install run test-deps apt-deps test bench bench-ws bench-http bench-voting bench-imports messages screenshots clean distclean

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'

# --- virtualenv -----------------------------------------------------------

$(VPY):
	$(PYTHON) -m venv $(VENV)

# uv installs the pinned requirements in a few seconds where pip takes about half a minute of a clean
# clone's `make test` (docs/benchmarks.md "The test suite"). It installs the same pins, and compiles the
# bytecode as pip does: without it, every draw's interpreter (started with -B, so it writes no .pyc)
# compiled numpy and scipy again, and a clean clone's suite took minutes longer. pip stays the fallback
# when uv cannot be fetched or fails.
UV_VERSION := 0.9.30
UV := $(VENV)/bin/uv
# $(call install_with_uv,ARGS): the same ARGS as `pip install`.
install_with_uv = if [ -x $(UV) ] && $(UV) pip install -q --compile-bytecode --python $(VPY) $(1); then :; \
	else $(PIP) install -q $(1); fi

$(UV): | $(VPY)
	$(PIP) install -q uv==$(UV_VERSION) || echo "==> uv could not be installed; pip installs the requirements"

$(RUN_STAMP): | $(VPY) $(UV)
	$(call install_with_uv,-r requirements.txt)
	rm -f $(VENV)/.installed-run-*
	touch $@

$(TEST_STAMP): | $(VPY) $(UV)
	$(call install_with_uv,-r requirements-test.txt)
	$(call install_with_uv,--no-deps -r requirements-oracle.txt)
	rm -f $(VENV)/.installed-test-*
	touch $@

install: $(RUN_STAMP)

# --- run the demo ---------------------------------------------------------

run: install
	$(EMBEDDED) $(VPY) manage.py migrate --noinput
	$(EMBEDDED) $(VPY) manage.py load_demo
	$(EMBEDDED) $(VPY) manage.py runembedded $(ADDR)

# --- test dependencies ----------------------------------------------------

apt-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  [ "$$(dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null)" = installed ] || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "==> apt-get install$$missing"; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing </dev/null; \
	fi

$(AXE_JS):
	@echo "==> axe-core $(AXE_VERSION) (the npm registry's tarball, sha256 checked) into $(AXE_DIR)"
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
	  "https://registry.npmjs.org/axe-core/-/axe-core-$(AXE_VERSION).tgz" "$$tmp/axe-core-$(AXE_VERSION).tgz"; \
	echo "$(AXE_SHA256)  $$tmp/axe-core-$(AXE_VERSION).tgz" | sha256sum --check --quiet; \
	mkdir -p "$(AXE_DIR)"; \
	tar -xzf "$$tmp/axe-core-$(AXE_VERSION).tgz" -C "$(AXE_DIR)" --strip-components=1 package/axe.min.js package/LICENSE

test-deps: apt-deps
	@$(MAKE) --no-print-directory $(TEST_STAMP) $(AXE_JS)

# --- tests ----------------------------------------------------------------

# First the import contracts (.importlinter; lint-imports fails the target at once when one is broken).
# Then three phases at once, each on its own services, their output printed one after the other:
# Phase 1: everything except smoke and serial (unit, integration, e2e, faults) on PostgreSQL + Redis,
#   in parallel (pytest-xdist, PYTEST_WORKERS workers; each has its own test database and its own
#   Redis database, tests/workers.py; loadgroup keeps tests that share a costly fixture together).
# Phase 2: the `serial` tests (they restart PostgreSQL) on a PostgreSQL + Redis of their own, started
#   beside phase 1: they mostly wait on the restart, and sharing no server with phase 1 they break nothing of it.
# Phase 3: smoke tests on the embedded default (DATABASE_URL/REDIS_URL unset: SQLite and the in-memory
#   layer), also beside phase 1.
# Every phase always runs; the target fails if any fails, including pytest's exit 5 (no tests
# collected). TEST_PORT_BLOCK keeps the phases' free ports apart (tests/servers.py).
test: test-deps
	@if find . -path ./.venv -prune -o -name '*.po' -print | grep -q .; then \
	  echo "==> [0/3] compilemessages"; \
	  $(EMBEDDED) $(VPY) manage.py compilemessages $(MSG_IGNORE) >/dev/null \
	    || echo "==> compilemessages failed; continuing (the i18n tests will show it)"; \
	fi
	@echo "==> import contracts (.importlinter): lint-imports"
	$(VENV)/bin/lint-imports
	@logs=$$(mktemp -d); \
	( rc=0; TEST_PORT_BLOCK=11 $(SERVICES) $(VENV)/bin/pytest -m "serial and not smoke" -p no:cacheprovider $(PYTEST_ARGS) \
	    >"$$logs/serial" 2>&1 || rc=$$?; echo $$rc >"$$logs/serial.rc" ) & \
	( rc=0; $(EMBEDDED) TEST_PORT_BLOCK=10 $(VENV)/bin/pytest -m smoke -p no:cacheprovider $(PYTEST_ARGS) \
	    >"$$logs/smoke" 2>&1 || rc=$$?; echo $$rc >"$$logs/smoke.rc" ) & \
	echo "==> [1/3] full suite in parallel on throwaway PostgreSQL + Redis: pytest -m 'not smoke and not serial' -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)"; \
	echo "    (phases 2 and 3 run beside it; their output follows)"; \
	rc1=0; $(SERVICES) $(VENV)/bin/pytest -m "not smoke and not serial" -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS) || rc1=$$?; \
	wait; \
	echo "==> [2/3] serial tests on a throwaway PostgreSQL + Redis of their own: pytest -m 'serial and not smoke' $(PYTEST_ARGS)"; \
	cat "$$logs/serial"; \
	echo "==> [3/3] smoke on the embedded default (SQLite, in-memory layer): pytest -m smoke $(PYTEST_ARGS)"; \
	cat "$$logs/smoke"; \
	rc2=$$(cat "$$logs/serial.rc" 2>/dev/null || echo 1); rc3=$$(cat "$$logs/smoke.rc" 2>/dev/null || echo 1); \
	rm -rf "$$logs"; \
	for r in "full:$$rc1" "serial:$$rc2" "smoke:$$rc3"; do \
	  case "$${r#*:}" in \
	    0) echo "==> $${r%%:*}: passed";; \
	    5) echo "==> $${r%%:*}: FAILED (exit 5: no tests collected)";; \
	    *) echo "==> $${r%%:*}: FAILED (exit $${r#*:})";; \
	  esac; \
	done; \
	[ "$$rc1" -eq 0 ] && [ "$$rc2" -eq 0 ] && [ "$$rc3" -eq 0 ]

bench: test-deps
	@test -f bench/run_all.py || { echo "bench/run_all.py does not exist yet" >&2; exit 1; }
	@echo "==> bench on throwaway PostgreSQL + Redis"
	$(SERVICES) $(VPY) bench/run_all.py $(BENCH_ARGS)

# The live-room WebSocket benchmark (issue 3): options through BENCH_WS_ARGS, e.g. "--quick".
bench-ws: test-deps
	@echo "==> live-room WebSocket bench on throwaway PostgreSQL + Redis"
	$(SERVICES) $(VPY) bench/ws_run.py $(BENCH_WS_ARGS)

# Pages and ballots against the framework's floor (issue 17): CPU per request in-process against a minimal
# page and a minimal insert, then requests/s per core served by daphne and by gunicorn, page and static file.
# Options through BENCH_HTTP_ARGS, e.g. "--reps 5" or "--skip-served".
bench-http: test-deps
	@echo "==> pages and ballots bench on throwaway PostgreSQL + Redis"
	$(SERVICES) $(VPY) bench/http_run.py $(BENCH_HTTP_ARGS)

# The voting benchmarks (issue 4): tally times (core, web tally, MES against pabutools), then ballots
# cast per second over HTTP against raw INSERTs. Options: BENCH_TALLY_ARGS (e.g. "--quick"), BENCH_CAST_ARGS.
bench-voting: test-deps
	@echo "==> voting benches on throwaway PostgreSQL + Redis"
	$(SERVICES) bash -c '$(VPY) bench/voting_tally.py $(BENCH_TALLY_ARGS) && $(VPY) bench/voting_cast.py $(BENCH_CAST_ARGS)'

# Imports and live rooms (issue 11): room ping round trips while a 20 MB PEOPLE.csv and a 1M-ballot .pb
# are uploaded and imported by a Celery worker, against a quiet baseline. Options: BENCH_IMPORTS_ARGS (e.g. "--quick").
bench-imports: test-deps
	@echo "==> imports bench on throwaway PostgreSQL + Redis"
	$(SERVICES) $(VPY) bench/import_stall.py $(BENCH_IMPORTS_ARGS)

# --- translations ---------------------------------------------------------

messages: install
	@command -v msgfmt >/dev/null || { echo "gettext is missing: apt-get install gettext" >&2; exit 1; }
	$(EMBEDDED) $(VPY) manage.py makemessages -l ko -l en $(MSG_IGNORE)
	$(EMBEDDED) $(VPY) manage.py makemessages -d djangojs -l ko -l en $(MSG_IGNORE)
	$(EMBEDDED) $(VPY) manage.py compilemessages $(MSG_IGNORE)

# --- screenshots ----------------------------------------------------------

# The main pages (tests/e2e/pages.py) at phone and desktop size, in Korean, as the demo's people see them,
# on the embedded default with a fresh demo in a throwaway SQLite file; PNGs into docs/screenshots/.
screenshots: test-deps
	$(EMBEDDED) $(VPY) docs/screenshots/take.py

# --- cleaning -------------------------------------------------------------

clean:
	find . -path ./.venv -prune -o -name __pycache__ -type d -print0 | xargs -0r rm -rf
	find . -path ./.venv -prune -o -name '*.pyc' -type f -print0 | xargs -0r rm -f
	rm -rf .pytest_cache .hypothesis test-artifacts .import_linter_cache

distclean: clean
	rm -rf $(VENV) db.sqlite3 staticfiles .cache
