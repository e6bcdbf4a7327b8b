"""The production stack, started and stopped by a test: its own Redis, daphne, a Celery worker and beat.

Each fault test starts what it needs on the test database (pytest-django's, on the PostgreSQL of
tests/services/with-services.sh) and on a Redis of its own on a free port, so that it can stop that
Redis without taking the rest of the suite down. The worker is started with the Procfile's own
command line, so a test of the worker is a test of what production runs.
"""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.processes import free_port, stop, subprocess_database_url
from tests.servers import wait_for_port

BIN = Path(sys.executable).parent


def eventually(check, *, timeout: float, what: str, interval: float = 0.2):
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as error:  # noqa: BLE001 (retried until the bound; reported on failure)
            last_error = error
        time.sleep(interval)
    pytest.fail(f"{what}: not within {timeout:.0f} s (last error: {last_error!r})")


class RedisServer:
    """A redis-server on a fixed free port, which a test may stop and start again (no persistence)."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.dir = tmp
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(self.dir / "redis.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            eventually(self.ping, timeout=10, what="redis-server answering PING", interval=0.05)
        except BaseException:  # the fixture never reaches its yield: nothing else would stop it
            self.kill()
            raise

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)

    def ping(self) -> bool:
        return self.client().ping()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, grace=5)
            self.process = None

    def kill(self) -> None:
        """Redis dies (SIGKILL): its clients' sockets are reset, as when its machine goes away."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


_STATIC: dict[str, Path] = {}


def collected_static() -> Path:
    """The static files as production serves them (the hashed manifest), collected once per test run."""
    if "root" not in _STATIC:
        root = Path(tempfile.mkdtemp(prefix="faults-static-"))
        env = {**os.environ, "STATIC_ROOT": str(root), "DEBUG": "0", "SECRET_KEY": settings.SECRET_KEY,
               "DATABASE_URL": os.environ.get("DATABASE_URL", "")}
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR,
                       env=env, check=True, timeout=300)
        _STATIC["root"] = root
    return _STATIC["root"]


class Stack:
    """Processes on the test database and ``redis``: daphne servers, a worker, beat."""

    def __init__(self, redis: RedisServer, logs: Path):
        self.redis, self.logs = redis, logs
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": subprocess_database_url(),
            "REDIS_URL": self.redis.url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": settings.SECRET_KEY,  # the test signs session cookies; the servers must read them
            "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",  # plain HTTP on 127.0.0.1
            "DEBUG": "0",  # production-shaped: the manifest static files collected once for the suite
            "STATIC_ROOT": str(collected_static()),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        with open(self.log(name), "ab") as out:
            process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=self.env(), stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def daphne(self, name: str = "web", port: int | None = None) -> int:
        port = port or self.ports.get(name) or free_port()
        self.ports[name] = port
        process = self._start(name, [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port),
                                     "config.asgi:application"])
        wait_for_port(port, process, self.log(name))  # fails at once if it exits, as every daphne the tests start
        return port

    def worker(self, name: str = "worker") -> subprocess.Popen:
        """The worker exactly as the Procfile runs it (its flags are the ones under test)."""
        return self._start(name, procfile_command("worker"))

    def beat(self, name: str = "beat") -> subprocess.Popen:
        schedule = tempfile.mkdtemp(prefix="beat-", dir=self.logs)
        return self._start(name, procfile_command("beat") + ["--schedule", f"{schedule}/celerybeat-schedule"])

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=10)

    def stop(self, name: str) -> None:
        """Its whole process group (a worker's pool children too), even when the leader has to be killed."""
        process = self.processes.pop(name)
        try:
            stop(process, grace=10)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # started with start_new_session: the group is its own
            except (ProcessLookupError, PermissionError):
                pass

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def tail(self, name: str, chars: int = 4000) -> str:
        path = self.log(name)
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def url(self, name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def get(self, name: str, path: str, *, cookie: str = "", timeout: float = 10) -> int:
        """The status of a GET as a browser gets it (an error status is an answer, not an exception)."""
        request = urllib.request.Request(self.url(name, path), headers={"Accept-Language": "en", "Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def producer(broker_url: str):
    """A Celery app that only sends tasks to ``broker_url``, as the web processes do.

    Not the current app: the suite's own app (eager, conftest) must stay the one shared tasks use.
    """
    from celery import Celery

    app = Celery("faults", broker=broker_url, set_as_current=False)
    app.conf.broker_connection_timeout = 1
    return app


def restart_postgres() -> float:
    """Restart (fast shutdown, start) the PostgreSQL cluster of the test database; return the seconds it took.

    The cluster is tests/services/postgres.sh's (pg_virtualenv); pg_lsclusters finds it by its port,
    and pg_ctlcluster restarts it in the same environment (PG_CLUSTER_CONF_ROOT) that made it.
    """
    port = str(connection.settings_dict["PORT"])
    for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout.splitlines():
        version, cluster, cluster_port, *_rest = line.split()
        if cluster_port == port:
            break
    else:
        pytest.fail(f"no PostgreSQL cluster on port {port} (run under tests/services/with-services.sh)")
    connection.close()  # this process's connection dies with the server
    started = time.monotonic()
    done = subprocess.run(["pg_ctlcluster", version, cluster, "restart", "-m", "fast"], timeout=60,
                          capture_output=True, text=True)
    # pg_ctlcluster exits 2 with "Cluster is not running." or "Cluster is already running." on stdout: say which.
    assert done.returncode == 0, (f"pg_ctlcluster {version} {cluster} restart exited {done.returncode}: "
                                  f"{done.stdout.strip()} {done.stderr.strip()}")
    return time.monotonic() - started


def procfile_command(kind: str) -> list[str]:
    """The Procfile's command line for ``kind``, run with this virtualenv's programs."""
    for line in (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == kind:
            words = shlex.split(command)
            program = BIN / words[0]
            words[0] = str(program) if program.exists() else shutil.which(words[0])
            return words
    raise LookupError(f"no {kind!r} line in the Procfile")
