"""Each xdist worker's test database cloned from one migrated template (pytest-django's ``django_db_setup``).

pytest-django builds every worker's database (``test_civic_gw0``...) by running every migration in it.
Under ``make test`` that was the first test's setup in each of the four workers, all at the same moment on
two cores: 74-90 s each (a run with ``--durations=0``, 2026-12-04). Here the first worker to get the lock
migrates one template database while the others wait on the lock, idle; then each worker copies it with ``CREATE DATABASE
… TEMPLATE`` (as Django's own parallel test runner clones its databases), which runs no migration (its
own time was not measured apart: on ``tests/proposals -n 4`` every worker's first setup took 26-27 s, the
template's migration included, against 41-43 s before).

The template's name carries a digest of the migration files, so a run never copies a template migrated by
other code (a developer's PostgreSQL that outlives a run, or a run killed before its end); the xdist
controller drops it when the session ends. Without xdist, on SQLite, or with ``--reuse-db`` or
``--nomigrations``, pytest-django's own setup runs unchanged.
"""

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def migrations_digest() -> str:
    """A short hash of every migration file's name and content (the template's name carries it)."""
    digest = hashlib.blake2b(digest_size=5)
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def template_name(base: str) -> str:
    return f"{base}_template_{migrations_digest()}"


@contextmanager
def _locked(key: str):
    """One holder at a time among the processes of this machine (the workers of one run)."""
    path = Path(tempfile.gettempdir()) / f"civic-test-template-{hashlib.blake2b(key.encode(), digest_size=6).hexdigest()}.lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def clone_worker_database(verbosity: int) -> tuple[str, str]:
    """Migrate the template if no worker did yet, then copy it as this worker's database; returns
    (the database's original NAME, the worker's test database's name)."""
    from django.conf import settings
    from django.db import connection

    original = connection.settings_dict["NAME"]
    worker_db = connection.creation._get_test_db_name()  # test_civic_gw0: the xdist suffix is set by now
    template = template_name(worker_db.rsplit("_gw", 1)[0])
    server = f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}:{template}"
    quote = connection.ops.quote_name
    with _locked(server):
        with connection._nodb_cursor() as cursor:
            have_template = _exists(cursor, template)
        if not have_template:
            connection.settings_dict["TEST"]["NAME"] = template
            try:
                connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            finally:
                connection.settings_dict["TEST"]["NAME"] = worker_db
                connection.close()  # a template may have no session open while it is copied
                connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = original
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(worker_db)}")
            cursor.execute(f"CREATE DATABASE {quote(worker_db)} TEMPLATE {quote(template)}")
    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = worker_db
    return original, worker_db


def drop_worker_database(original: str, worker_db: str) -> None:
    from django.conf import settings
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = original
    # FORCE: a server or thread a test started may still hold a session at the very end (pytest-django's own
    # teardown only warns then, and leaves the database behind).
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(worker_db)} WITH (FORCE)")


def drop_template() -> None:
    """At the controller's end of session: the template, if a worker made one (psycopg directly: the
    controller has no test database of its own, and pytest-django blocks Django's connections there)."""
    import psycopg
    from django.db import connection

    base = connection.settings_dict["TEST"].get("NAME") or f"test_{connection.settings_dict['NAME']}"
    try:
        with psycopg.connect(os.environ["DATABASE_URL"], dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{template_name(base)}" WITH (FORCE)')
    except psycopg.Error as exc:  # a leftover template is harmless: no other code's run copies it
        print(f"\nNOTE: the test database template was not dropped: {exc!r}")


def clones(request, django_db_keepdb: bool, django_db_use_migrations: bool) -> bool:
    from django.db import connection

    return (hasattr(request.config, "workerinput") and connection.vendor == "postgresql"
            and django_db_use_migrations and not django_db_keepdb)


def should_drop_template(config) -> bool:
    """The xdist controller of a run with workers (it made no database itself)."""
    return (not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", None))
            and not getattr(config.option, "reuse_db", False)
            and os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")))
