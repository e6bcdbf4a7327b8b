"""Shared fixtures: a clean cache per test, eager Celery (tasks run in-process), factories."""

import os

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from tests import databases
from tests.processes import broker  # noqa: F401 (a fixture for tests that start a real worker)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb, django_db_modify_db_settings):
    """pytest-django's, except in an xdist worker on PostgreSQL: a copy of one migrated template
    (tests/databases.py), instead of every worker running every migration at once."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    verbosity = request.config.option.verbose
    if databases.clones(request, django_db_keepdb, django_db_use_migrations):
        with django_db_blocker.unblock():
            names = databases.clone_worker_database(verbosity)
        yield
        with django_db_blocker.unblock():
            databases.drop_worker_database(*names)
        return
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                                 serialized_aliases=serialized_aliases,
                                 keepdb=django_db_keepdb and not django_db_createdb)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=verbosity)


def pytest_sessionfinish(session):
    if databases.should_drop_template(session.config):
        databases.drop_template()


def pytest_collection_modifyitems(config, items):
    # The full suite runs against PostgreSQL; the smoke run is the only one on SQLite.
    if not os.environ.get("DATABASE_URL") and not config.getoption("-m", default=""):
        print("\nNOTE: DATABASE_URL is not set; tests run on SQLite. `make test` uses PostgreSQL.")
    _one_worker_per_session_fixture_of_a_module(items)
    _fault_tests_one_after_another(items)
    _longest_first(items)
    _groups_in_the_node_ids(config, items)


def _groups_in_the_node_ids(config, items):
    """Write each ``xdist_group`` into its test's node id (``…@group``), which is what ``--dist loadgroup`` reads.

    pytest-xdist does it by setting ``item._nodeid``; pytest 9 reads a node's id from ``item._id`` instead, so the
    marks were ignored and every group spread over the workers (the fault tests side by side, a Chromium per worker
    for one module, tests/voting/test_known_answers.py's download once per worker). Nothing here when xdist does
    not group.
    """
    if not getattr(config.option, "loadgroup", False) or not hasattr(items[0] if items else None, "_id"):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if names and item.nodeid.rfind("@") <= item.nodeid.rfind("]"):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


def _longest_first(items):
    """The fault tests (one group, minutes in all), the solver's draws and the tests marked ``long``
    go first, so that no worker starts a long test while the others run out of work.

    Moving them ahead of pytest-django's order (plain database tests, then transactional ones) is
    safe here: each worker has its own database, no migration writes rows that a flush would lose,
    and a transactional test leaves the tables empty, as the plain tests expect them.
    """
    def rank(item) -> int:
        if item.get_closest_marker("faults"):
            return 0
        if item.get_closest_marker("long") or item.get_closest_marker("solver"):
            return 1
        return 2

    items.sort(key=rank)  # stable: the order within each rank stays pytest-django's


def _fault_tests_one_after_another(items):
    """The fault-injection tests (marker ``faults``) run on one xdist worker, one after the other.

    Each starts a production stack of its own (daphne, a worker and beat, a Redis) and breaks a part
    of it on a clock; beside each other, four such stacks on two cores turn their timing into luck.
    The other workers go on with the rest of the suite meanwhile.
    """
    for item in items:
        if item.get_closest_marker("faults") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group("faults"))


# Module-scoped fixtures that start a process (tests/e2e/conftest.py): a Chromium.
_PROCESS_PER_MODULE = {"browser"}


def _one_worker_per_session_fixture_of_a_module(items):
    """Tests sharing a costly fixture go to one xdist worker together, one module per worker.

    Two kinds: a session fixture defined in the test's own module (tests/voting/test_known_answers.py
    downloads the published sources once; spread over workers it would run once per worker), and the
    browser tests' module-scoped Chromium (spread over four workers, a module of seven room tests started
    up to four). Needs ``--dist loadgroup`` (`make test`); without xdist the mark
    does nothing.
    """
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        module_id = item.nodeid.split("::", 1)[0]
        info = getattr(item, "_fixtureinfo", None)  # absent on items that are not test functions
        if info is None:
            continue
        if _PROCESS_PER_MODULE & set(info.names_closure) or any(
                defs and defs[-1].scope == "session" and defs[-1].baseid == module_id
                for defs in info.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(module_id))


@pytest.fixture(scope="session", autouse=True)
def _draws_fork_from_a_preloaded_server():
    """Draws in tests fork from one server process that imported the draw library once.

    Production starts every draw in a new interpreter ("spawn"), which spends most of a small draw
    importing numpy and scipy. Here each draw is still a process of its own, forked from a clean
    forkserver (never from the test process) that preloaded the engine and runs with the draws' fixed
    hash seed, so panels are the same as production's (tests/deliberation/test_isolation_start.py
    draws both ways and compares).
    """
    import multiprocessing
    from multiprocessing import forkserver

    from deliberation.panels.sortition import isolation, lottery

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([lottery.ENGINE.rpartition(".")[0]])
    with isolation._environment:  # the server's hash seed is every draw's: it is fixed at its start
        previous = os.environ.get("PYTHONHASHSEED")
        os.environ["PYTHONHASHSEED"] = isolation.HASH_SEED
        try:
            forkserver.ensure_running()
        finally:
            if previous is None:
                del os.environ["PYTHONHASHSEED"]
            else:
                os.environ["PYTHONHASHSEED"] = previous
    isolation.START_METHOD = "forkserver"
    yield
    isolation.START_METHOD = "spawn"


@pytest.fixture(autouse=True)
def _clean_cache():
    from deliberation.rooms.selectors import clear_snapshot_cache

    cache.clear()
    clear_snapshot_cache()  # rooms' shared hello parts, per process (a rolled-back room's pk comes back)
    yield
    cache.clear()
    clear_snapshot_cache()


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages in English (the ids the tests quote) unless a test overrides it, whatever ran before.

    A serial run got this by accident (the first request of the English test client left English
    active in the thread); a parallel worker may start with a test that makes no request.
    """
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Factories set a password on every user; PBKDF2 would make each one cost ~0.2 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production (DEBUG off) uses the manifest storage, which needs `collectstatic`; tests serve
    # static files from the apps' folders instead.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _cookies_over_plain_http(settings):
    # The live server of the browser tests speaks plain HTTP; production keeps secure cookies.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def client():
    """The test client reads pages in English, so assertions quote the message ids.

    Korean, the default for a browser that asks for nothing, is checked by tests/test_i18n.py, the
    smoke run and the browser journeys.
    """
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})
