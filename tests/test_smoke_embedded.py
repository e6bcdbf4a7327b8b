"""Smoke run of the embedded default, as a newcomer gets it from `make run`.

No DATABASE_URL, no REDIS_URL: SQLite, the in-memory channel layer, eager Celery and the in-process
deadline sweeper. The test migrates a fresh SQLite file, loads the demo data, starts
`manage.py runembedded` as a real server process and reads the pages over HTTP; then it moves a
support deadline into the past (as if the server had been down at that moment) and watches the
sweeper close the window.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port as _free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.smoke


def _manage(env, *args, timeout=300) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "ko"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def _wait_for_state(env, check: str, expected: str) -> str:
    """What ``check`` prints, once it prints ``expected`` or after 20 s (the sweeper runs every second
    here; the slack is for a busy machine)."""
    state = ""
    for _ in range(40):
        state = _manage(env, "shell", "-v", "0", "-c", check).strip().splitlines()[-1]
        if state == expected:
            break
        time.sleep(0.5)
    return state


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SQLITE_PATH=str(tmp_path_factory.mktemp("embedded") / "db.sqlite3"), EMBEDDED_SWEEP_SECONDS="1",
               DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1")
    _manage(env, "migrate", "--noinput")
    demo_output = _manage(env, "load_demo")
    port = _free_port()
    # The server's output goes to a file: a pipe nobody reads fills up (the console email backend
    # prints every notification) and then blocks the server.
    log_path = tmp_path_factory.mktemp("embedded-log") / "server.log"
    log = open(log_path, "w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runembedded", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            _get(base + "/")
            break
        except urllib.error.HTTPError:
            break  # the server answers; the tests below report what is wrong with the page
        except OSError:  # not listening yet
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the embedded server did not start: " + log_path.read_text()[-3000:])
    yield {"base": base, "env": env, "demo_output": demo_output}
    server.terminate()
    server.wait(timeout=10)
    log.close()


def test_demo_data_prints_a_login_for_every_role(embedded_server):
    output = embedded_server["demo_output"]
    for login in ("citizen@", "resident@", "facilitator@", "officer@", "moderator@", "admin@"):
        assert login in output
    assert "demo-pass-2026" in output


def test_pages_are_served_in_korean_by_default(embedded_server):
    status, html = _get(embedded_server["base"] + "/proposals/")
    assert status == 200
    assert 'lang="ko"' in html
    assert "심야버스 노선을 외곽까지 늘려 주세요" in html  # a demo proposal
    status, html = _get(embedded_server["base"] + "/follow-ups/")
    assert status == 200


def test_the_demo_serves_its_own_404_in_korean_not_djangos_technical_page(embedded_server):
    """The embedded default runs with DEBUG on; a person still sees the site's page (frontend/errors.py)."""
    with pytest.raises(urllib.error.HTTPError) as caught:
        _get(embedded_server["base"] + "/no-such-page/")
    html = caught.value.read().decode()
    assert caught.value.code == 404
    assert "페이지를 찾을 수 없습니다" in html and "URLconf" not in html
    status, html = _get(embedded_server["base"] + "/accounts/signup/")
    assert status == 200 and "개인정보 수집·이용 동의" in html


def test_sweeper_closes_a_window_whose_deadline_passed(embedded_server):
    env = embedded_server["env"]
    script = (
        "from datetime import timedelta; from django.utils import timezone;"
        "from proposals.models import Proposal;"
        "p = Proposal.objects.get(title='자전거도로를 학교 앞까지 연결해 주세요');"
        "Proposal.objects.filter(pk=p.pk).update(support_closes_at=timezone.now() - timedelta(seconds=1));"
        "print(p.pk)"
    )
    pk = int(_manage(env, "shell", "-v", "0", "-c", script).strip().splitlines()[-1])
    assert _wait_for_state(env, f"from proposals.models import Proposal; print(Proposal.objects.get(pk={pk}).state)",
                           "closed") == "closed"
    status, html = _get(f"{embedded_server['base']}/proposals/{pk}/")
    assert status == 200


def test_a_live_room_works_on_the_in_memory_layer(embedded_server):
    """The demo room over a real WebSocket: hello, the facilitator starts a round, chat comes back."""
    import json

    from websockets.sync.client import connect

    script = (
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from deliberation.models import Room;"
        "room = Room.objects.get(state='open'); user = room.facilitator; s = SessionStore();"
        "s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create();"
        "print(room.pk, s.session_key)"
    )
    room_id, session_key = _manage(embedded_server["env"], "shell", "-v", "0", "-c", script).split()[-2:]
    url = embedded_server["base"].replace("http://", "ws://") + f"/ws/rooms/{room_id}/"

    def until(ws, kind):
        while (frame := json.loads(ws.recv(timeout=10)))["type"] != kind:
            assert frame["type"] != "error", frame
        return frame

    with connect(url, origin=embedded_server["base"], additional_headers={"Cookie": f"sessionid={session_key}"},
                 open_timeout=10) as ws:
        hello = until(ws, "hello")
        assert hello["data"]["you"]["is_facilitator"] and hello["data"]["room"]["state"] == "open"
        ws.send(json.dumps({"type": "resume", "data": {"last_seq": hello["seq"]}}))
        ws.send(json.dumps({"type": "clock.start"}))
        started = until(ws, "round.started")
        ws.send(json.dumps({"type": "chat.send", "data": {"body": "안녕하세요, 시작합니다"}}))
        chat = until(ws, "chat.message")
        ws.send("{not json")
        error = json.loads(ws.recv(timeout=10))
        ws.send(json.dumps({"type": "ping"}))
        pong = until(ws, "pong")
    assert started["seq"] > hello["seq"] and chat["seq"] > started["seq"]
    assert chat["data"]["body"] == "안녕하세요, 시작합니다"
    assert error["code"] == "bad_json" and pong["data"]["last_seq"] >= chat["seq"]


def test_votes_are_served_and_the_sweeper_closes_and_tallies_one(embedded_server):
    """The demo's votes on the embedded default: the list, a counted budget's results, and an open
    vote whose close is moved into the past closed and counted by the in-process sweeper."""
    base, env = embedded_server["base"], embedded_server["env"]
    status, html = _get(base + "/votes/")
    assert status == 200 and "2027 마포구 주민참여예산" in html
    find = ("from voting.models import Vote; v = Vote.objects.get(title='{title}'); print(v.pk, v.state)")
    pk, state = _manage(env, "shell", "-v", "0", "-c", find.format(title="2026 서울시 시민참여예산 (기후·환경)")
                        ).split()[-2:]
    assert state == "tallied"
    status, html = _get(f"{base}/votes/{pk}/results/")
    assert status == 200 and "data-selected" in html

    script = ("from datetime import timedelta; from django.utils import timezone; from voting.models import Vote;"
              "v = Vote.objects.get(title='심야버스 노선 확대 찬반 투표');"
              "Vote.objects.filter(pk=v.pk).update(closes_at=timezone.now() - timedelta(seconds=1)); print(v.pk)")
    pk = int(_manage(env, "shell", "-v", "0", "-c", script).strip().splitlines()[-1])
    assert _wait_for_state(env, f"from voting.models import Vote; print(Vote.objects.get(pk={pk}).state)",
                           "tallied") == "tallied"
    status, html = _get(f"{base}/votes/{pk}/results/")
    assert status == 200 and 'data-testid="outcome"' in html
