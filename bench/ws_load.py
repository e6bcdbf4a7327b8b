#!/usr/bin/env python
"""WebSocket load generator for live rooms (issue 3): one asyncio process, many clients in one room.

Driven by bench/ws_run.py through stdin/stdout lines; it does not need Django. One run:

    python bench/ws_load.py --plan PLAN.json --out RESULT.json

PLAN.json: {"url", "origin", "clients": [{"cookie": "sessionid=…" | null, "role": …, "url"?, "origin"?}],
"connect_concurrency", "open_timeout", "settle_quiet", "settle_max"}.

Line protocol (driver → here / here → driver):

    CONNECT <t0>   open every client (at most connect_concurrency handshakes in flight); t0 is the
                   driver's time.monotonic() at the start, the same clock in every process on Linux
    ← CONNECTED <json>   all handshakes done (hello received, or failed)
    ← READY <json>       no frame for settle_quiet seconds (presence traffic drained), or settle_max
    PHASE <json>   send one phase's messages: {"name", "senders": [client index], "count",
                   "interval" (s; none = as fast as possible)}
    ← SENT
    QUIET <q> <max> [<phase> <sent>]   wait until this process's clients have every message of the
                   phase, or no frame has arrived for q seconds, or max seconds
    ← QUIET <waited s>
    FINISH         write RESULT.json, drop the connections
    ← DONE

Each message's body is "<phase letter><index> <send time ns>": the sender stamps time.monotonic_ns()
just before sending, every receiver subtracts it from its own time.monotonic_ns() at receipt (one
clock for every process of the machine). Per client it checks the room's seq: strictly increasing
after the hello (``reordered`` counts frames at or below the last seq) and without gaps (``gap_seqs``
counts the missing numbers, whatever the event type). Latencies are kept as a histogram of 0.1 ms
bins, so several processes' results merge exactly.
"""

import argparse
import asyncio
import gc
import json
import resource
import sys
import time
from collections import Counter, defaultdict

from websockets.asyncio.client import connect

PHASE_LETTERS = {"broadcast": "b", "chat": "c", "burst": "u"}
LETTER_PHASES = {v: k for k, v in PHASE_LETTERS.items()}
BIN_NS = 100_000  # 0.1 ms


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Stats:
    def __init__(self):
        self.hist = {p: Counter() for p in PHASE_LETTERS}  # latency bin -> deliveries
        self.per_msg = defaultdict(lambda: [0, 0])  # message id -> [receivers, max latency ns]
        self.delivered = Counter()  # phase -> deliveries in this process
        self.first_recv = {}
        self.last_recv = {}
        self.frames = Counter()
        self.errors = Counter()  # error frames by code
        self.reordered = 0
        self.gap_seqs = 0
        self.dup_msgs = 0
        self.closed_early = 0
        self.last_frame = time.monotonic()


class Client:
    __slots__ = ("idx", "spec", "ws", "hello_seq", "last_seq", "t_start", "t_hello", "error", "seen", "task", "closing")

    def __init__(self, idx, spec):
        self.idx, self.spec = idx, spec
        self.ws = self.hello_seq = self.last_seq = self.t_start = self.t_hello = self.error = self.task = None
        self.closing = False
        self.seen = set()


async def open_client(client: Client, plan: dict, stats: Stats, sem: asyncio.Semaphore):
    headers = [("Cookie", client.spec["cookie"])] if client.spec.get("cookie") else None
    async with sem:
        client.t_start = time.monotonic()
        try:
            # A client may name its own server (a room spread over several daphne processes).
            ws = await connect(client.spec.get("url") or plan["url"], origin=client.spec.get("origin") or plan.get("origin"),
                               additional_headers=headers,
                               compression=None, ping_interval=None, open_timeout=plan.get("open_timeout", 60),
                               max_queue=None, close_timeout=2)
            raw = await asyncio.wait_for(ws.recv(), timeout=plan.get("open_timeout", 60))
            frame = json.loads(raw)
            if frame.get("type") != "hello":
                client.error = f"first frame {frame.get('type')}: {frame.get('code')}"
                await ws.close()
                return
            client.t_hello = time.monotonic()
            client.hello_seq = client.last_seq = frame.get("seq", 0)
            client.ws = ws
            # Live events flow only after resume (docs/realtime-protocol.md); a browser sends it at once.
            await ws.send(json.dumps({"type": "resume", "data": {"last_seq": client.hello_seq}}))
        except Exception as exc:  # noqa: BLE001 - every failure is an error of the run, by kind
            client.error = type(exc).__name__ + (f": {exc}"[:120] if str(exc) else "")
            return
    client.task = asyncio.ensure_future(receive(client, stats))


async def receive(client: Client, stats: Stats):
    ws, loads, now_ns = client.ws, json.loads, time.monotonic_ns
    hist, per_msg, frames = stats.hist, stats.per_msg, stats.frames
    try:
        async for raw in ws:
            t = now_ns()
            stats.last_frame = t / 1e9
            frame = loads(raw)
            kind = frame.get("type")
            frames[kind] += 1
            seq = frame.get("seq")
            if seq is not None:
                if seq <= client.last_seq:
                    stats.reordered += 1
                else:
                    if seq > client.last_seq + 1:
                        stats.gap_seqs += seq - client.last_seq - 1
                    client.last_seq = seq
            if kind == "chat.message":
                body = frame["data"]["body"]
                letter = body[0]
                phase = LETTER_PHASES.get(letter)
                if phase is None:
                    continue
                mid, sent = body.split(" ", 1)
                if mid in client.seen:
                    stats.dup_msgs += 1
                    continue
                client.seen.add(mid)
                lat = t - int(sent)
                hist[phase][lat // BIN_NS] += 1
                stats.delivered[phase] += 1
                rec = per_msg[mid]
                rec[0] += 1
                if lat > rec[1]:
                    rec[1] = lat
                if phase not in stats.first_recv:
                    stats.first_recv[phase] = t
                stats.last_recv[phase] = t
            elif kind == "error":
                stats.errors[frame.get("code")] += 1
    except Exception:  # noqa: BLE001
        pass
    if not client.closing:
        stats.closed_early += 1


async def send_phase(clients: list[Client], phase: dict, sent: dict):
    """One phase: senders (client indices), count, and interval (s between messages) or none (a burst)."""
    senders = [clients[i] for i in phase["senders"] if clients[i].ws is not None]
    if not senders:
        return
    letter = PHASE_LETTERS[phase["name"]]
    start = time.monotonic()
    interval = phase.get("interval")
    for i in range(phase["count"]):
        if interval:
            delay = start + i * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        client = senders[i % len(senders)]
        ns = time.monotonic_ns()
        try:
            await client.ws.send(json.dumps({"type": "chat.send", "data": {"body": f"{letter}{i} {ns}"}}))
        except Exception:  # noqa: BLE001
            sent["send_errors"] = sent.get("send_errors", 0) + 1
            continue
        rec = sent.setdefault(phase["name"], {"count": 0, "first_send": ns, "last_send": ns})
        rec["count"] += 1
        rec["last_send"] = ns
        if not interval and i % 20 == 19:
            await asyncio.sleep(0)  # let the receivers run between the sends of a burst


async def wait_quiet(stats: Stats, quiet: float, limit: float, phase: str | None = None, expected: int = 0) -> float:
    """Until this process's clients hold every expected delivery of the phase, or nothing has arrived
    for ``quiet`` seconds (counted from the start of the wait at the earliest), or ``limit`` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        await asyncio.sleep(0.05)
        if phase and expected and stats.delivered[phase] >= expected:
            break
        if time.monotonic() - max(stats.last_frame, start) >= quiet:
            break
    return time.monotonic() - start


def emit(line: str):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def read_line(reader) -> list[str]:
    line = (await reader.readline()).decode().strip()
    if not line:
        raise SystemExit("ws_load: the driver closed stdin")
    return line.split(" ", 1)


async def main(plan: dict, out: str):
    raise_fd_limit()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    stats = Stats()
    clients = [Client(i, spec) for i, spec in enumerate(plan["clients"])]
    cmd = await read_line(reader)
    assert cmd[0] == "CONNECT", cmd
    t_connect0 = float(cmd[1])
    sem = asyncio.Semaphore(plan.get("connect_concurrency", 100))
    cpu0 = time.process_time()
    await asyncio.gather(*(open_client(c, plan, stats, sem) for c in clients))
    ok = [c for c in clients if c.ws is not None]
    errors = Counter(c.error.split(":")[0] for c in clients if c.error)
    connected = {
        "clients": len(clients), "ok": len(ok), "errors": sum(errors.values()), "error_kinds": dict(errors),
        "error_samples": sorted({c.error for c in clients if c.error})[:5],
        "all_hello_at": max((c.t_hello for c in ok), default=None), "t0": t_connect0,
        "hello_ms": sorted(round((c.t_hello - c.t_start) * 1000, 1) for c in ok),
    }
    emit("CONNECTED " + json.dumps({k: v for k, v in connected.items() if k != "hello_ms"}))
    settle = await wait_quiet(stats, plan.get("settle_quiet", 1.5), plan.get("settle_max", 120))
    frames_settle = dict(stats.frames)
    emit("READY " + json.dumps({"settle_s": round(settle, 2), "frames": frames_settle}))

    gc.collect()
    gc.freeze()  # the clients' objects are long-lived: keep them out of the collector's full passes
    sent: dict = {}
    quiet_s: list[float] = []
    cpu1 = time.process_time()
    wall1 = time.monotonic()
    while True:
        cmd = await read_line(reader)
        if cmd[0] == "PHASE":
            phase = json.loads(cmd[1])
            await send_phase(clients, phase, sent)
            emit(f"SENT {sent.get(phase['name'], {}).get('count', 0)}")
        elif cmd[0] == "QUIET":  # QUIET <quiet s> <max s> [<phase> <messages sent>]
            words = cmd[1].split()
            quiet, limit = float(words[0]), float(words[1])
            phase, count = (words[2], int(words[3])) if len(words) > 3 else (None, 0)
            quiet_s.append(round(await wait_quiet(stats, quiet, limit, phase, count * len(ok)), 2))
            emit(f"QUIET {quiet_s[-1]}")
        elif cmd[0] == "FINISH":
            break
        else:
            raise SystemExit(f"ws_load: unknown command {cmd}")
    cpu2, wall2 = time.process_time(), time.monotonic()
    for c in ok:
        c.closing = True
    result = {
        "connect": connected, "settle_s": round(settle, 2), "frames_settle": frames_settle,
        "quiet_s": quiet_s, "sent": sent,
        "hist": {p: {str(k): v for k, v in h.items()} for p, h in stats.hist.items()},
        "per_msg": {k: v for k, v in stats.per_msg.items()},
        "first_recv": stats.first_recv, "last_recv": stats.last_recv,
        "frames": dict(stats.frames), "errors": dict(stats.errors), "reordered": stats.reordered,
        "gap_seqs": stats.gap_seqs, "dup_msgs": stats.dup_msgs, "closed_early": stats.closed_early,
        "cpu_connect_s": round(cpu1 - cpu0, 2), "cpu_measure_s": round(cpu2 - cpu1, 2),
        "wall_measure_s": round(wall2 - wall1, 2),
    }
    with open(out, "w") as fh:
        json.dump(result, fh)
    # Close without waiting for every closing handshake (the server may be the slow side).
    for c in ok:
        c.ws.transport.abort()
    emit("DONE")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.plan) as fh:
        asyncio.run(main(json.load(fh), args.out))
