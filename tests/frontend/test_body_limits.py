"""Request bodies over their path's cap get 413 before anything reads them (docs/deployment.md, "Request
body limits"): through Django's test client, through the ASGI application, and against a real daphne."""

import asyncio
import os
import select
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

MB = 1024 * 1024
MESSAGE = "The request is too large"


def test_a_multipart_post_over_the_cap_to_a_public_form_gets_413_with_a_clear_message():
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    upload = SimpleUploadedFile("big.bin", b"x" * (3 * MB))
    response = client.post("/accounts/login/", {"login": "a@b.c", "password": "x", "file": upload})
    assert response.status_code == 413
    assert response.content.decode().startswith("요청이 너무 큽니다") or MESSAGE in response.content.decode()
    assert "2048 KB" in response.content.decode()


def test_a_body_just_under_the_cap_reaches_the_form():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@b.c", "password": "x" * (MB // 2)})
    assert response.status_code == 403  # CSRF refuses it, as before: the cap does not


@pytest.mark.django_db
def test_staff_import_forms_take_their_files_limit_and_no_more(settings):
    from tests.factories import AdminFactory

    settings.POOL_IMPORT_MAX_BYTES = 4 * MB
    settings.REQUEST_BODY_LIMITS = {**settings.REQUEST_BODY_LIMITS, "/draws/pools/import/": 4 * MB + 65536}
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(AdminFactory())
    body = b"id,zone\n" + b"".join(b"p%07d,north\n" % n for n in range(3 * MB // 14))
    response = client.post("/draws/pools/import/", {"name": "Big", "file": SimpleUploadedFile("p.csv", body)})
    assert response.status_code == 302 and response["Location"].startswith("/imports/")
    over = SimpleUploadedFile("p.csv", b"x" * (4 * MB + 70000))
    assert client.post("/draws/pools/import/", {"name": "Bigger", "file": over}).status_code == 413


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_the_import_paths_larger_cap_is_for_staff_only(who):
    from tests.factories import ResidentFactory

    client = Client(headers={"Accept-Language": "en"})
    if who == "resident":
        client.force_login(ResidentFactory())
    upload = SimpleUploadedFile("p.csv", b"x" * (3 * MB))
    response = client.post("/draws/pools/import/", {"name": "X", "file": upload})
    assert response.status_code == 413 and b"2048 KB" in response.content


@pytest.mark.django_db
def test_a_file_over_the_import_limit_is_refused_on_the_form_with_the_limit_named(settings):
    from imports.models import ImportJob
    from tests.factories import AdminFactory

    settings.POOL_IMPORT_MAX_BYTES = MB
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(AdminFactory())
    upload = SimpleUploadedFile("p.csv", b"id,zone\n" + b"p1,north\n" * (MB // 9 + 10))
    response = client.post("/draws/pools/import/", {"name": "Big", "file": upload})
    assert response.status_code == 400 and not ImportJob.objects.exists()
    assert "The file is larger than 1.0\xa0MB, the limit for this import." in response.content.decode()


def _asgi_post(chunks: list[bytes], path: str = "/accounts/login/", headers=()) -> tuple[int, bytes, int]:
    """POST ``chunks`` without a Content-Length through the ASGI application; (status, body, chunks read)."""
    from config.asgi import application

    async def run():
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver"), (b"content-type", b"application/x-www-form-urlencoded"),
                             *headers],
                 "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
        app = ApplicationCommunicator(application, scope)
        for n, chunk in enumerate(chunks):
            await app.send_input({"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1})
        start = await app.receive_output(10)
        body = await app.receive_output(10)
        left = app.input_queue.qsize()
        await app.wait(5)
        return start["status"], body["body"], len(chunks) - left

    return asyncio.run(run())


def test_a_streamed_body_without_a_length_is_cut_off_past_the_cap():
    status, body, read = _asgi_post([b"a=" + b"x" * (256 * 1024)] + [b"x" * (256 * 1024)] * 40)  # ~10 MB
    assert status == 413 and (MESSAGE.encode() in body or "요청이 너무 큽니다".encode() in body)
    assert read <= settings.REQUEST_BODY_MAX_BYTES // (256 * 1024) + 2  # it stopped reading at the cap


@pytest.mark.django_db(transaction=True)
def test_a_streamed_body_to_an_import_path_from_someone_who_may_not_import_is_cut_off_at_the_global_cap():
    """Cookies (any: the server cannot tell before Django reads the session) let a body past the outer
    layers under the import cap; once the user is known, a non-staff body is parsed no further than the
    global cap (CSRF, with its cookie, reads the form: before, it parsed all of it and answered 403)."""
    token = "a" * 32
    chunks = [b"csrfmiddlewaretoken=" + token.encode() + b"&name=" + b"x" * (256 * 1024)] \
        + [b"x" * (256 * 1024)] * 40  # ~10 MB, under the 50 MB import cap
    status, body, _read = _asgi_post(chunks, path="/draws/pools/import/", headers=[
        (b"cookie", f"sessionid=not-a-real-session; csrftoken={token}".encode())])
    assert status == 413 and "2048 KB".encode() in body


# --- Against a real daphne ----------------------------------------------------------------------------------

def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _send_and_read(port: int, head: bytes, body_chunks, *, wait_first: float = 3) -> tuple[bytes, int]:
    """Send ``head``, then the body only if no answer came in ``wait_first`` s; (the answer, body bytes sent)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        if not select.select([sock], [], [], wait_first)[0]:
            try:
                for chunk in body_chunks:
                    if select.select([sock], [], [], 0)[0]:
                        break  # the server answered: stop sending
                    sock.sendall(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer and len(answer) > answer.index(b"\r\n\r\n") + 20:
                    break
        except (ConnectionResetError, socket.timeout):
            pass
    return answer, sent


@pytest.mark.django_db(transaction=True)
def test_a_115_mb_post_to_a_real_daphne_gets_413_at_once_and_its_memory_does_not_grow(tmp_path):
    with _daphne(tmp_path) as (port, process_pid):
        before = _rss_kb(process_pid)
        size = 115 * MB
        chunk = b"x" * MB
        head = (f"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; "
                f"boundary=b\r\nContent-Length: {size}\r\n\r\n").encode()
        answer, sent = _send_and_read(port, head, (chunk for _ in range(115)))
        assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
        assert "요청이 너무 큽니다".encode() in answer or MESSAGE.encode() in answer
        assert sent == 0  # refused on its headers: no byte of the body was needed
        grown_mb = (_rss_kb(process_pid) - before) / 1024
        print(f"\n115 MB with Content-Length: 413 after 0 body bytes; daphne RSS {before / 1024:.0f} MB, "
              f"+{grown_mb:.1f} MB")
        assert grown_mb < 20, f"daphne grew by {grown_mb:.0f} MB"

        # Chunked, no length: cut off once past the cap, long before the 115 MB are sent.
        head = (f"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; "
                "boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        answer, sent = _send_and_read(port, head, (framed for _ in range(115)), wait_first=0)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
        assert sent < 40 * MB, f"{sent / MB:.0f} MB were accepted before the refusal"
        grown_mb = (_rss_kb(process_pid) - before) / 1024
        print(f"chunked: 413 after {sent / MB:.1f} MB sent (socket buffers included); daphne RSS +{grown_mb:.1f} MB")
        assert grown_mb < 20, f"daphne grew by {grown_mb:.0f} MB"

        # An import path's larger cap needs at least a session cookie: none, and the global cap applies.
        head = (f"POST /draws/pools/import/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; "
                f"boundary=b\r\nContent-Length: {10 * MB}\r\n\r\n").encode()
        answer, sent = _send_and_read(port, head, (chunk for _ in range(10)))
        assert answer.startswith(b"HTTP/1.1 413") and sent == 0, answer[:300]
        # With a staff session, 3 MB passes daphne and the ASGI layer and reaches Django (CSRF then refuses it).
        from tests.factories import AdminFactory

        staff = Client()
        staff.force_login(AdminFactory())
        cookie = f"{settings.SESSION_COOKIE_NAME}={staff.cookies[settings.SESSION_COOKIE_NAME].value}"
        head = (f"POST /draws/pools/import/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {3 * MB}\r\n\r\n").encode()
        answer, sent = _send_and_read(port, head, (chunk for _ in range(3)), wait_first=0.5)
        assert answer.startswith(b"HTTP/1.1 403") and sent == 3 * MB, answer[:300]

        # The server is not stalled: a page is served at once.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                         .encode())
            assert sock.recv(100).startswith(b"HTTP/1.1 200")


@contextmanager
def _daphne(tmp_path):
    """A daphne process on the test database, as production runs it; (its port, its pid)."""
    from tests.servers import free_port as _free_port, wait_for_port as _wait_for_port
    from tests.processes import stop, subprocess_database_url

    # DEBUG on only so pages find their static files without collectstatic (as the browser tests run it).
    env = {**os.environ, "DATABASE_URL": subprocess_database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DEBUG": "1"}
    port, log = _free_port(), tmp_path / "daphne.log"
    with open(log, "ab") as out:
        process = subprocess.Popen([str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port),
                                    "config.asgi:application"], cwd=settings.BASE_DIR, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        yield port, process.pid
    finally:
        stop(process, grace=5)
