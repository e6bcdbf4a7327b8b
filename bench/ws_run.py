#!/usr/bin/env python
"""The live-room WebSocket benchmark (issue 3): the room server against a raw `websockets` baseline.

    make bench-ws                                   # throwaway PostgreSQL + Redis, then this script
    tests/services/with-services.sh .venv/bin/python bench/ws_run.py [--quick] [--fanout group,local]

Needs DATABASE_URL (PostgreSQL; migrated here, bench users and rooms are added) and REDIS_URL (the
channel layer, the cache that holds the chat rate limit). For each repetition, each N and each mode
(``baseline`` = bench/ws_baseline.py, then one daphne process per ``--fanout`` mode, started with
``ROOM_FANOUT=<mode>``; ``floor`` = daphne serving bench/ws_floor.py, the baseline's room as a bare ASGI
application, to tell daphne's own cost from the site's) it:

1. creates a fresh public room whose facilitator is a bench user, opens it and starts a 3,600 s
   discussion round (chat open), and clears the chat rate-limit keys in Redis;
2. starts the server on a free 127.0.0.1 port and the load generator (bench/ws_load.py; one process,
   or two above ``--split-at`` clients), which opens N clients signed in by session cookies (the
   facilitator is one of them), each sending ``resume`` after its ``hello`` as a browser does, and
   waits until no frame has arrived for 1.5 s (the presence events of the connect storm);
3. runs three phases, each from a quiet room: **broadcast** (the facilitator sends one chat line every
   0.25 s, 20 in all: the
   chat rate limit is 20 per 30 s per person), **chat** (participants send at a steady total rate,
   default 10 per second for 6 s, spread over 40 senders so nobody reaches the limit), **burst**
   (100 lines as fast as the senders can write them: the deliveries per second the server sustains);
   after each phase it waits until every client has every message, or nothing has arrived for 3 s,
   or --drain-max (30 s); then it merges the load generators' results.

Then the websocket-shootout ladder (broadcast phase only): N steps up until fewer than 95 % of
broadcasts reach every client within 500 ms, or a client fails to connect.

Writes bench/results/ws-<timestamp>.json (every run) and prints a Markdown summary (medians over the
repetitions, ratios to the baseline of the same repetition).
"""

import argparse
import datetime
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import RESULTS, ROOT, log, setup_django, write_json, write_text  # noqa: E402

BIN_MS = 0.1
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (daphne is one process; kept general)."""
    total = cpu_seconds(pid)
    try:
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += tree_cpu(int(child))
    except OSError:
        pass
    return total


def shell(cmd: str) -> str:
    try:
        return subprocess.run(cmd, shell=True, text=True, capture_output=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# --- seeding (Django) ---------------------------------------------------------------------------

class Seed:
    """Bench users with ready session cookies, and one fresh live room per run."""

    def __init__(self, users: int):
        from django.contrib.auth.hashers import make_password
        from django.contrib.sessions.backends.db import SessionStore
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        from accounts.models import Role, User

        t = time.time()
        prefix = "ws-bench-"
        have = {u.email: u for u in User.objects.filter(email__startswith=prefix)}
        unusable = make_password(None)
        new = [User(email=f"{prefix}{i}@bench.example", display_name=f"참가자{i}", password=unusable,
                    is_verified_resident=True, verified_at=timezone.now())
               for i in range(users) if f"{prefix}{i}@bench.example" not in have]
        User.objects.bulk_create(new, batch_size=1000)
        fac_email = f"{prefix}facilitator@bench.example"
        self.facilitator = User.objects.filter(email=fac_email).first() or User.objects.create(
            email=fac_email, display_name="진행자", password=unusable, role=Role.FACILITATOR)
        by_email = {u.email: u for u in User.objects.filter(email__startswith=prefix)}
        self.users = [by_email[f"{prefix}{i}@bench.example"] for i in range(users)]
        store = SessionStore()
        expire = timezone.now() + datetime.timedelta(days=1)
        sessions, self.cookies = [], {}
        for user in [self.facilitator, *self.users]:
            key = f"wsbench{user.pk:08d}{os.urandom(8).hex()}"
            data = {"_auth_user_id": str(user.pk),
                    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                    "_auth_user_hash": user.get_session_auth_hash()}
            sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
            self.cookies[user.pk] = f"sessionid={key}"
        Session.objects.filter(session_key__startswith="wsbench").delete()
        Session.objects.bulk_create(sessions, batch_size=1000)
        log(f"ws_run: {len(self.users)} bench users ({len(new)} new) and their sessions in {time.time() - t:.1f} s")

    def live_room(self, label: str) -> int:
        from deliberation.rooms import services

        room = services.create_room(facilitator=self.facilitator, title=f"Load bench {label}"[:120],
                                    rounds=[{"kind": "discussion", "title": "Bench round",
                                             "duration_seconds": 3600}])
        services.open_room(room=room, actor=self.facilitator)
        services.start_round(room=room, actor=self.facilitator)
        return room.pk


def clear_rate_limits() -> int:
    """Drop the chat rate-limit counters (the throwaway Redis's cache keys) so every run starts fresh."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = list(client.scan_iter(match="*rl:chat.message:*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


BARE = ("baseline", "floor")  # no site behind them: no room to seed, no one signed in


# --- servers ------------------------------------------------------------------------------------

class Server:
    def __init__(self, mode: str, label: str, daphne_args: list[str]):
        self.mode, self.port = mode, free_port()
        self.log_path = RESULTS / f"ws-server-{label}.log"
        self.log = open(self.log_path, "w")
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        if mode == "baseline":
            cmd = [PY, "bench/ws_baseline.py", "--port", str(self.port)]
        elif mode == "floor":  # daphne with a bare ASGI room (bench/ws_floor.py): daphne's own cost
            cmd = [PY, "bench/ws_daphne.py", "-b", "127.0.0.1", "-p", str(self.port), *daphne_args,
                   "bench.ws_floor:application"]
        else:
            # "local" or "group" (ROOM_FANOUT); "-asgi" after it: every frame through ASGI (ROOM_DIRECT_SEND=0);
            # "-x2": two processes (run_once starts them).
            fanout, *flags = mode.split("-")
            env["ROOM_FANOUT"], env["ROOM_DIRECT_SEND"] = fanout, "0" if "asgi" in flags else "1"
            # "-gc<N>": the collector's third threshold (DAPHNE_GC_THRESHOLD2, config/asgi.py; 10 is Python's own)
            env.update({"DAPHNE_GC_THRESHOLD2": f[2:] for f in flags if f.startswith("gc")})
            # The daphne command, plus the collector's pauses in the log (bench/ws_daphne.py).
            cmd = [PY, "bench/ws_daphne.py", "-b", "127.0.0.1", "-p", str(self.port), *daphne_args,
                   "config.asgi:application"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"ws_run: {mode} server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"ws_run: {mode} server did not listen within 60 s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --- one run ------------------------------------------------------------------------------------

class LoadProc:
    def __init__(self, plan: dict, label: str, index: int):
        self.plan_path = RESULTS / f"ws-plan-{label}-{index}.json"
        self.out_path = RESULTS / f"ws-load-{label}-{index}.json"
        self.plan_path.write_text(json.dumps(plan))
        self.proc = subprocess.Popen([PY, "bench/ws_load.py", "--plan", str(self.plan_path), "--out",
                                      str(self.out_path)], cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)

    def send(self, line: str):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, word: str):
        line = self.proc.stdout.readline().strip()
        if not line.startswith(word):
            raise SystemExit(f"ws_run: load generator said {line!r}, expected {word}")
        rest = line[len(word):].strip()
        return json.loads(rest) if rest else None

    def result(self) -> dict:
        self.proc.wait(timeout=30)
        data = json.loads(self.out_path.read_text())
        self.plan_path.unlink(missing_ok=True)
        self.out_path.unlink(missing_ok=True)
        return data


def phases_for(args, n: int, shootout: bool) -> tuple[list[dict], int]:
    """The sending schedule; client 0 is the facilitator, clients 1..senders the chat senders."""
    senders = list(range(1, 1 + max(1, min(args.senders, n - 1))))
    phases = [{"name": "broadcast", "senders": [0], "count": args.broadcasts, "interval": args.broadcast_interval}]
    if not shootout:
        phases += [
            {"name": "chat", "senders": senders, "count": int(args.chat_rate * args.chat_seconds),
             "interval": 1 / args.chat_rate},
            {"name": "burst", "senders": senders, "count": args.burst},
        ]
    return phases, len(senders)


def run_once(args, seed: Seed | None, mode: str, n: int, label: str, shootout: bool = False) -> dict:
    room_id = None
    if mode not in BARE:
        room_id = seed.live_room(label)
        clear_rate_limits()
    # "-x2": the room spread over two daphne processes on one Redis, the clients dealt out in turn.
    servers = [Server(mode, f"{label}-p{k}", args.daphne_args.split()) for k in range(2 if "-x2" in mode else 1)]
    server = servers[0]
    path = "/" if mode in BARE else f"/ws/rooms/{room_id}/"
    base = {"url": f"ws://127.0.0.1:{server.port}{path}", "origin": f"http://127.0.0.1:{server.port}",
            "connect_concurrency": args.connect_concurrency, "settle_quiet": 1.5, "settle_max": args.settle_max,
            "open_timeout": 60}
    users = [seed.facilitator, *seed.users[:n - 1]] if seed else [None] * n
    clients = [{"cookie": seed.cookies[u.pk] if u else None,
                "role": "facilitator" if i == 0 else "listener"} for i, u in enumerate(users)]
    for i, client in enumerate(clients):
        port = servers[i % len(servers)].port
        client.update(url=f"ws://127.0.0.1:{port}{path}", origin=f"http://127.0.0.1:{port}")
    phases, n_senders = phases_for(args, n, shootout)
    procs_n = 2 if n >= args.split_at else 1
    # Process 0 holds the facilitator and the senders (clients 0..n_senders); the rest are split evenly.
    cut = [0] + [n_senders + 1 + (n - n_senders - 1) * k // procs_n for k in range(1, procs_n)] + [n]
    procs = []
    for k in range(procs_n):
        # The handshakes in flight are shared out, so two processes storm no harder than one.
        plan = dict(base, clients=clients[cut[k]:cut[k + 1]],
                    connect_concurrency=max(1, args.connect_concurrency // procs_n))
        procs.append(LoadProc(plan, label, k))
    try:
        time.sleep(0.5)  # the load generators import and start their loops
        cpu_server0, cpu_load0 = sum(tree_cpu(x.proc.pid) for x in servers), sum(cpu_seconds(p.proc.pid) for p in procs)
        t0 = time.monotonic()
        for p in procs:
            p.send(f"CONNECT {t0}")
        connected = [p.expect("CONNECTED") for p in procs]
        ready = [p.expect("READY") for p in procs]
        cpu_server1, cpu_load1 = sum(tree_cpu(x.proc.pid) for x in servers), sum(cpu_seconds(p.proc.pid) for p in procs)
        t_ready = time.monotonic()
        drains, windows = {}, {"connect": (t0, t_ready)}
        for phase in phases:  # one phase at a time, each from a quiet room
            t_phase = time.monotonic()
            procs[0].send("PHASE " + json.dumps(phase))
            count = procs[0].expect("SENT")
            for p in procs:
                p.send(f"QUIET 3 {args.drain_max} {phase['name']} {count}")
            drains[phase["name"]] = max(p.expect("QUIET") for p in procs)
            windows[phase["name"]] = (t_phase, time.monotonic())
        for p in procs:
            p.send("FINISH")
        for p in procs:
            p.expect("DONE")
        t_end = time.monotonic()
        cpu_server2, cpu_load2 = sum(tree_cpu(x.proc.pid) for x in servers), sum(cpu_seconds(p.proc.pid) for p in procs)
        parts = [p.result() for p in procs]
    finally:
        for p in procs:
            if p.proc.poll() is None:
                p.proc.kill()
        for x in servers:
            x.stop()
    out = merge(parts, connected, ready, n, t0)
    out.update(mode=mode, n=n, label=label, drain_s=drains, room_id=room_id, load_procs=procs_n, senders=n_senders,
               gc=gc_pauses([x.log_path for x in servers], windows),
               cpu_pct={"server_connect": pct(cpu_server1 - cpu_server0, t_ready - t0),
                        "load_connect": pct(cpu_load1 - cpu_load0, t_ready - t0),
                        "server_measure": pct(cpu_server2 - cpu_server1, t_end - t_ready),
                        "load_measure": pct(cpu_load2 - cpu_load1, t_end - t_ready)})
    return out


def gc_pauses(log_paths: list[Path], windows: dict[str, tuple[float, float]]) -> dict:
    """The server's collector pauses (bench/ws_daphne.py's log lines) per window: count, total and longest
    ms, and the full (generation 2) collections among them."""
    out = {name: {"n": 0, "ms": 0.0, "max_ms": 0.0, "full": 0} for name in windows}
    lines = []
    for log_path in log_paths:
        try:
            lines += log_path.read_text(errors="replace").splitlines()
        except OSError:
            pass
    for line in lines:
        words = line.split()
        if len(words) < 4 or words[0] != "gc":
            continue
        at, gen, ms = float(words[1]), words[2], float(words[3])
        for name, (start, end) in windows.items():
            if start <= at <= end:
                rec = out[name]
                rec["n"] += 1
                rec["ms"] = round(rec["ms"] + ms, 1)
                rec["max_ms"] = max(rec["max_ms"], ms)
                rec["full"] += gen == "gen2"
    return out


def pct(cpu: float, wall: float) -> float:
    return round(100 * cpu / wall, 0) if wall > 0 else 0.0


def hist_percentile(hist: dict[int, int], p: float) -> float | None:
    total = sum(hist.values())
    if not total:
        return None
    rank = max(1, min(total, round(p / 100 * total + 0.5)))
    seen = 0
    for b in sorted(hist):
        seen += hist[b]
        if seen >= rank:
            return round((b + 0.5) * BIN_MS, 1)
    return None


def merge(parts: list[dict], connected: list[dict], ready: list[dict], n: int, t0: float) -> dict:
    ok = sum(c["ok"] for c in connected)
    hello_at = [c["all_hello_at"] for c in connected if c["all_hello_at"]]
    out = {
        "connect_s": round(max(hello_at) - t0, 2) if hello_at else None,
        "connected": ok, "connect_errors": sum(c["errors"] for c in connected),
        "connect_error_kinds": {},
        "connect_error_samples": [s for c in connected for s in c["error_samples"]][:5],
        "settle_s": max(r["settle_s"] for r in ready),
        "frames_settle": sum(sum(r["frames"].values()) for r in ready),
        "frames": {}, "errors": {}, "reordered": sum(p["reordered"] for p in parts),
        "gap_seqs": sum(p["gap_seqs"] for p in parts), "dup_msgs": sum(p["dup_msgs"] for p in parts),
        "closed_early": sum(p["closed_early"] for p in parts), "phases": {},
        "load_cpu_measure_s": [p["cpu_measure_s"] for p in parts],
    }
    for c in connected:
        for k, v in c["error_kinds"].items():
            out["connect_error_kinds"][k] = out["connect_error_kinds"].get(k, 0) + v
    for p in parts:
        for k, v in p["frames"].items():
            out["frames"][k] = out["frames"].get(k, 0) + v
        for k, v in p["errors"].items():
            out["errors"][k] = out["errors"].get(k, 0) + v
    sent = parts[0]["sent"]
    out["send_errors"] = sent.get("send_errors", 0)
    per_msg: dict[str, list[int]] = {}
    for p in parts:
        for mid, (count, mx) in p["per_msg"].items():
            rec = per_msg.setdefault(mid, [0, 0])
            rec[0] += count
            rec[1] = max(rec[1], mx)
    for phase, letter in (("broadcast", "b"), ("chat", "c"), ("burst", "u")):
        if phase not in sent:
            continue
        hist: dict[int, int] = {}
        for p in parts:
            for b, c in p["hist"][phase].items():
                hist[int(b)] = hist.get(int(b), 0) + c
        msgs = {mid: rec for mid, rec in per_msg.items() if mid[0] == letter}
        count = sent[phase]["count"]
        deliveries = sum(hist.values())
        last = max((p["last_recv"][phase] for p in parts if phase in p["last_recv"]), default=None)
        span = (last - sent[phase]["first_send"]) / 1e9 if last else None
        within = sum(1 for rec in msgs.values() if rec[0] >= ok and rec[1] <= 500e6)
        out["phases"][phase] = {
            "sent": count, "accepted": len(msgs), "deliveries": deliveries,
            "expected": len(msgs) * ok, "lost": sum(max(0, ok - rec[0]) for rec in msgs.values()),
            "p50_ms": hist_percentile(hist, 50), "p99_ms": hist_percentile(hist, 99),
            "max_ms": round(max((rec[1] for rec in msgs.values()), default=0) / 1e6, 1),
            "delivered_per_s": round(deliveries / span, 0) if span else None, "span_s": round(span, 2) if span else None,
            "all_within_500ms_pct": round(100 * within / count, 1) if count else None,
        }
    return out


# --- summary ------------------------------------------------------------------------------------

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(x, digits=1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def summarize(runs: list[dict], modes: list[str], ns: list[int]) -> dict:
    """Medians per (mode, N) over the repetitions; ratios to the baseline of the same repetition."""
    table = {}
    for n in ns:
        base_by_rep = {r["rep"]: r for r in runs if r["mode"] == "baseline" and r["n"] == n and not r.get("shootout")}
        for mode in modes:
            rs = [r for r in runs if r["mode"] == mode and r["n"] == n and not r.get("shootout")]
            if not rs:
                continue
            row = {"reps": len(rs)}

            def ph(r, phase, key):
                return r["phases"].get(phase, {}).get(key)

            row["connect_s"] = med([r["connect_s"] for r in rs])
            row["connect_errors"] = sum(r["connect_errors"] for r in rs)
            row["connected"] = med([r["connected"] for r in rs])
            row["settle_s"] = med([r["settle_s"] for r in rs])
            for phase in ("broadcast", "chat", "burst"):
                for key in ("p50_ms", "p99_ms", "max_ms", "delivered_per_s", "all_within_500ms_pct"):
                    row[f"{phase}_{key}"] = med([ph(r, phase, key) for r in rs])
            row["lost"] = sum(sum(p["lost"] for p in r["phases"].values()) for r in rs)
            row["unserved"] = sum(sum(p["sent"] - p["accepted"] for p in r["phases"].values()) for r in rs)
            row["reordered"] = sum(r["reordered"] for r in rs)
            row["gap_seqs"] = sum(r["gap_seqs"] for r in rs)
            row["errors"] = {}
            for r in rs:
                for k, v in r["errors"].items():
                    row["errors"][k] = row["errors"].get(k, 0) + v
            row["gc_broadcast_full"] = med([r.get("gc", {}).get("broadcast", {}).get("full") for r in rs])
            row["gc_broadcast_ms"] = med([r.get("gc", {}).get("broadcast", {}).get("ms") for r in rs])
            row["cpu_server_measure"] = med([r["cpu_pct"]["server_measure"] for r in rs])
            row["cpu_load_measure"] = med([r["cpu_pct"]["load_measure"] for r in rs])
            if mode != "baseline":
                def ratio(key, invert=False):
                    vals = []
                    for r in rs:
                        b = base_by_rep.get(r["rep"])
                        if not b:
                            continue
                        a_v = r["connect_s"] if key == "connect_s" else ph(r, *key.split(":"))
                        b_v = b["connect_s"] if key == "connect_s" else ph(b, *key.split(":"))
                        if a_v and b_v:
                            vals.append(b_v / a_v if invert else a_v / b_v)
                    return round(med(vals), 2) if vals else None
                row["ratio_broadcast_p99"] = ratio("broadcast:p99_ms")
                row["ratio_chat_p99"] = ratio("chat:p99_ms")
                row["ratio_burst_delivered"] = ratio("burst:delivered_per_s")
                row["ratio_connect"] = ratio("connect_s")
            table[f"{mode}/{n}"] = row
    return table


def markdown(table: dict, ladder: dict, info: dict, command: str, seconds: float, args) -> str:
    lines = [
        "## Live rooms (issue 3) — ws bench run", "",
        f"Command: `{command}` — {seconds / 60:.1f} min, finished {time.strftime('%Y-%m-%d %H:%M %Z')}; "
        f"commit {info['commit']}; load average before {info['load_before']}, after {shell('cat /proc/loadavg')}.",
        "",
        f"Phases: broadcast = {args.broadcasts} facilitator lines every {args.broadcast_interval:g} s; "
        f"chat = {args.chat_rate:g}/s for {args.chat_seconds:g} s from up to {args.senders} senders; "
        f"burst = {args.burst} lines as fast as possible. Latency = send → receipt at every client; "
        f"medians over {args.reps} repetition(s); ratios are mode / baseline of the same repetition "
        f"(for delivered/s: mode / baseline, higher is better).", "",
        "| mode | N (connected, median) | connect s (errors, all reps) | settle s | broadcast p50 / p99 / max ms | chat p50 / p99 / max ms "
        "| chat delivered/s | burst delivered/s | lost | unserved | reordered | gaps | CPU % server / load gen "
        "| ×p99 bcast | ×p99 chat | ×burst/s | ×connect | server GC in broadcast: full collections / ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, row in table.items():
        mode, n = key.split("/")
        lines.append(
            f"| {mode} | {int(n):,} ({fmt(row.get('connected'), 0)}) | {fmt(row['connect_s'], 2)} ({row['connect_errors']}) | {fmt(row['settle_s'])} | "
            f"{fmt(row['broadcast_p50_ms'])} / {fmt(row['broadcast_p99_ms'])} / {fmt(row['broadcast_max_ms'])} | "
            f"{fmt(row['chat_p50_ms'])} / {fmt(row['chat_p99_ms'])} / {fmt(row['chat_max_ms'])} | "
            f"{fmt(row['chat_delivered_per_s'], 0)} | {fmt(row['burst_delivered_per_s'], 0)} | {row['lost']:,} | "
            f"{row['unserved']} | {row['reordered']} | {row['gap_seqs']} | "
            f"{fmt(row['cpu_server_measure'], 0)} / {fmt(row['cpu_load_measure'], 0)} | "
            f"{fmt(row.get('ratio_broadcast_p99'), 2)} | {fmt(row.get('ratio_chat_p99'), 2)} | "
            f"{fmt(row.get('ratio_burst_delivered'), 2)} | {fmt(row.get('ratio_connect'), 2)} | "
            f"{fmt(row.get('gc_broadcast_full'), 0)} / {fmt(row.get('gc_broadcast_ms'), 0)} |")
    errs = {k: r["errors"] for k, r in table.items() if r["errors"]}
    if errs:
        lines += ["", "Error frames received: " + "; ".join(f"{k}: {v}" for k, v in errs.items())]
    if ladder:
        lines += ["", "Shootout ladder (broadcast phase only; pass = at least 95 % of broadcasts reach every "
                  "client within 500 ms and every client connects):", "",
                  "| mode | steps (N: % within 500 ms, connect errors) | most clients that passed |",
                  "| --- | --- | ---: |"]
        for mode, steps in ladder.items():
            cells = ", ".join(f"{s['n']:,}: {fmt(s['pct'], 0)} %" + (f" ({s['errors']} err)" if s["errors"] else "")
                              for s in steps)
            passed = [s["n"] for s in steps if s["pass"]]
            lines.append(f"| {mode} | {cells} | {max(passed) if passed else 0:,} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fanout", default="local,local-asgi",
                        help="room server modes, comma-separated: ROOM_FANOUT (local, group), '-asgi' after it "
                             "to send every frame through ASGI (ROOM_DIRECT_SEND=0), '-x2' for two daphne processes, '-gc<N>' for the collector's third threshold")
    parser.add_argument("--n", default="100,1000,3000", help="clients per room, comma-separated")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--broadcasts", type=int, default=20, help="at most 20: the chat rate limit per 30 s")
    parser.add_argument("--broadcast-interval", type=float, default=0.25)
    parser.add_argument("--chat-rate", type=float, default=10.0)
    parser.add_argument("--chat-seconds", type=float, default=6.0)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--senders", type=int, default=40)
    parser.add_argument("--connect-concurrency", type=int, default=100,
                        help="handshakes in flight at once (shared by the load-generator processes)")
    parser.add_argument("--split-at", type=int, default=2000, help="use two load-generator processes from this N")
    parser.add_argument("--settle-max", type=float, default=90)
    parser.add_argument("--drain-max", type=float, default=30,
                        help="after each phase, wait at most this long for the last deliveries")
    parser.add_argument("--ladder", default="500,1000,2000,3000,4000,5000",
                        help="shootout steps ('' to skip)")
    parser.add_argument("--daphne-args", default="", help="extra daphne options, e.g. '--websocket_connect_timeout 30'")
    parser.add_argument("--from-json", help="only print the summary of an earlier (possibly partial) result file")
    parser.add_argument("--quick", action="store_true", help="N=100,1000, one repetition, ladder to 2000")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.reps, args.ladder = "100,1000", 1, "500,1000,2000"
    if args.from_json:
        data = json.loads(Path(args.from_json).read_text())
        runs, info = data["runs"], data["info"]
        saved = argparse.Namespace(**data["args"])
        ns = sorted({r["n"] for r in runs if not r.get("shootout")})
        modes = ["baseline", *[x for x in saved.fanout.split(",") if x]]
        ladder: dict[str, list[dict]] = {}
        for r in runs:
            if r.get("shootout"):
                pct_ok = r["phases"].get("broadcast", {}).get("all_within_500ms_pct")
                ladder.setdefault(r["mode"], []).append({"n": r["n"], "pct": pct_ok, "errors": r["connect_errors"],
                                                         "pass": bool(pct_ok is not None and pct_ok >= 95
                                                                      and r["connect_errors"] == 0)})
        print(markdown(summarize(runs, modes, ns), ladder, info, f"(summary of {args.from_json})", 0, saved))
        return
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) \
            or not os.environ.get("REDIS_URL"):
        sys.exit("ws_run: needs DATABASE_URL (PostgreSQL) and REDIS_URL; `make bench-ws` sets both up")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by daphne and the load generators
    ns = [int(x) for x in args.n.split(",") if x]
    ladder_ns = [int(x) for x in args.ladder.split(",") if x]
    fanouts = [x for x in args.fanout.split(",") if x]
    modes = ["baseline", *fanouts]
    started = time.time()
    RESULTS.mkdir(parents=True, exist_ok=True)
    info = {"commit": shell("git rev-parse --short HEAD"),
            "dirty": shell("git status --porcelain --untracked-files=no -- deliberation config accounts"), "load_before": shell("cat /proc/loadavg"),
            "nproc": shell("nproc"), "python": platform.python_version(), "hard_fd_limit": hard}

    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    setup_django()
    seed = Seed(max(ns + ladder_ns))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    runs: list[dict] = []

    def save():
        write_json(f"ws-{stamp}.json", {"info": info, "args": vars(args), "runs": runs})

    for n in ns:  # N outermost: a run cut short still has every repetition of the smaller sizes
        for rep in range(1, args.reps + 1):
            order = modes if rep % 2 else [modes[0], *modes[:0:-1]]  # the baseline first, the others alternating
            for mode in order:
                label = f"{stamp}-{mode}-{n}-r{rep}"
                log(f"ws_run: rep {rep}, N={n}, {mode}")
                r = run_once(args, seed if mode not in BARE else None, mode, n, label)
                r["rep"] = rep
                runs.append(r)
                b = r["phases"].get("broadcast", {})
                log(f"  connect {r['connect_s']} s ({r['connect_errors']} errors), settle {r['settle_s']} s, "
                    f"broadcast p99 {b.get('p99_ms')} ms, burst {r['phases'].get('burst', {}).get('delivered_per_s')}"
                    f"/s, lost {sum(p['lost'] for p in r['phases'].values())}, reordered {r['reordered']}, "
                    f"gaps {r['gap_seqs']}, CPU {r['cpu_pct']}, gc {r['gc']}")
                save()

    ladder: dict[str, list[dict]] = {}
    for mode in modes if ladder_ns else []:
        ladder[mode] = []
        for n in ladder_ns:
            label = f"{stamp}-{mode}-{n}-ladder"
            log(f"ws_run: shootout ladder, N={n}, {mode}")
            r = run_once(args, seed if mode not in BARE else None, mode, n, label, shootout=True)
            r.update(rep=0, shootout=True)
            runs.append(r)
            save()
            pct_ok = r["phases"].get("broadcast", {}).get("all_within_500ms_pct")
            step = {"n": n, "pct": pct_ok, "errors": r["connect_errors"],
                    "pass": bool(pct_ok is not None and pct_ok >= 95 and r["connect_errors"] == 0)}
            ladder[mode].append(step)
            log(f"  {step}")
            if not step["pass"]:
                break

    table = summarize(runs, modes, ns)
    command = "make bench-ws" + (f" BENCH_WS_ARGS='{' '.join(argv or sys.argv[1:])}'" if (argv or sys.argv[1:]) else "")
    text = markdown(table, ladder, info, command, time.time() - started, args)
    write_json(f"ws-{stamp}.json", {"info": info, "args": vars(args), "runs": runs, "table": table, "ladder": ladder})
    write_text("ws-summary.md", text)
    print(text)
    log(f"ws_run: done in {(time.time() - started) / 60:.1f} min; bench/results/ws-{stamp}.json")


if __name__ == "__main__":
    main()
