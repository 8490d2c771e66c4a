"""Load test of the live seminar day on loopback: N voters vote at once for one group, then change their votes
for S seconds; checks that no vote is lost or counted twice and prints the latency figures.

    .venv/bin/python benchmarks/bench_live.py                  # 80 voters, 10 s of changes (the issue's figure)
    .venv/bin/python benchmarks/bench_live.py --voters 8 --seconds 1 --in-process     # smoke size

The server is `autograder seminar serve` in its own process (as on the lecturer's laptop; `--in-process` runs it
in a thread of this one instead) over a fresh SQLite gradebook. Each voter is its own HTTP client with its own
cookies: it opens the vote page, identifies with its student ID (not timed), then
  1. burst: all voters send a vote at the same instant;
  2. changes: every voter sends a new score and comment as soon as the previous answer came back (no think time:
     the worst case), for S seconds.
A vote's latency is the round trip a phone sees: the POST and the page it is redirected to. At the end the
stored votes are compared with the last vote each voter got an answer for, and the audience mean that the
report computes with the mean of those votes. Exit status 1 when a check fails or p95 exceeds --p95-ms.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "rubrics" / "midterm_seminar.yaml"
DAY = "2026-10-16"
GROUP, SLUG = "Load Testers", "load_testers"
TA_CODE, LECTURER_CODE = "bench-ta", "bench-lecturer"


def make_course(folder: Path, voters: int) -> tuple[str, Path, list[str]]:
    """A gradebook with two groups presenting on DAY and a roster of their members plus the voters."""
    from autograder.seminar.registration import import_groups
    members = [f"2102{i:04d}" for i in range(1, 9)]
    raters = [f"2103{i:04d}" for i in range(1, voters + 1)]
    roster = folder / "roster.csv"
    roster.write_text("student_id,name\n" + "".join(f"{s},Student {s}\n" for s in members + raters), encoding="utf-8")
    reg = folder / "registration.csv"
    reg.write_text("Group name,Leader email,Member IDs,Dataset,Presentation date\n"
                   f'{GROUP},{members[0]}@vnu.edu.vn,"{", ".join(members[:4])}",CIFAR-10,{DAY}\n'
                   f'Other Group,{members[4]}@vnu.edu.vn,"{", ".join(members[4:])}",CIFAR-100,{DAY}\n',
                   encoding="utf-8")
    db_url = f"sqlite:///{folder / 'gradebook.db'}"
    import_groups(db_url, registration=reg, roster=roster, assessment="midterm", allow=("unassigned",))
    return db_url, roster, raters


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(db_url: str, roster: Path, *, in_process: bool):
    if in_process:
        from autograder.seminar.live.app import create_app
        from autograder.seminar.live.server import background_server, live_day
        with live_day(db_url=db_url, assessment="midterm", day=DAY, roster=roster, rubric=RUBRIC) as live:
            app = create_app(live, ta_code=TA_CODE, lecturer_code=LECTURER_CODE, base_url="http://127.0.0.1")
            with background_server(app) as base:
                yield base, os.getpid()
        return
    port = free_port()
    argv = [sys.executable, "-m", "autograder.cli", "seminar", "serve", "--day", DAY, "--db", db_url, "--roster",
            str(roster), "--rubric", str(RUBRIC), "--host", "127.0.0.1", "--port", str(port), "--ta-code", TA_CODE,
            "--lecturer-code", LECTURER_CODE]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"seminar serve did not start: {proc.stderr.read()[-2000:]}")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stderr.close()


class Connection:
    """A minimal HTTP/1.1 keep-alive client for one voter (its own socket and cookie): httpx costs the client
    about a millisecond of CPU per request, taken from the server on the same cores; this costs a fraction."""

    def __init__(self, base: str):
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.cookie = host, int(port), ""
        self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        """(status, body text) after following a 303 redirect, as a browser does."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        if form is not None:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        headers: dict[str, str] = {}
        while (raw := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self.cookie = value.split(";", 1)[0]
            headers[name] = value
        text = (await self.reader.readexactly(int(headers.get("content-length", "0")))).decode()
        if status == 303:
            return await self.request("GET", headers["location"])
        return status, text

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


def token(text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)


class Voter:
    def __init__(self, base: str, sid: str, rng: random.Random):
        self.sid, self.rng = sid, rng
        self.conn = Connection(base)
        self.csrf = ""
        self.acked: tuple[float, str] | None = None       # the last vote the server answered "recorded" for
        self.sent = 0

    async def identify(self) -> None:
        _, page = await self.conn.request("GET", f"/vote/{SLUG}")
        _, page = await self.conn.request("POST", f"/vote/{SLUG}/identify",
                                          {"csrf": token(page), "student_id": self.sid})
        assert f"({self.sid})" in page, page[-500:]
        self.csrf = token(page)

    async def page(self, latencies: list[float]) -> None:
        t0 = time.perf_counter()
        status, _ = await self.conn.request("GET", f"/vote/{SLUG}")
        latencies.append(time.perf_counter() - t0)
        assert status == 200, status

    async def vote(self, latencies: list[float]) -> None:
        score = self.rng.randint(0, 10)
        self.sent += 1
        comment = f"change {self.sent} from {self.sid}"
        t0 = time.perf_counter()
        status, page = await self.conn.request("POST", f"/vote/{SLUG}", {"csrf": self.csrf, "rater": self.sid,
                                                                        "score": str(score), "comment": comment})
        latencies.append(time.perf_counter() - t0)
        if status != 200 or 'id="done"' not in page:
            raise AssertionError(f"vote of {self.sid} refused: {status} {page[-300:]}")
        self.acked = (float(score), comment)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"{name:<22} n={len(ms):>6}  p50={pct(ms, 50):7.1f} ms  p95={pct(ms, 95):7.1f} ms  "
            f"p99={pct(ms, 99):7.1f} ms  max={max(ms):7.1f} ms")


async def load(base: str, raters: list[str], seconds: float, think: float, seed: int):
    voters = [Voter(base, sid, random.Random(seed + i)) for i, sid in enumerate(raters)]
    try:
        await asyncio.gather(*(v.identify() for v in voters))
        burst: list[float] = []
        await asyncio.gather(*(v.vote(burst) for v in voters))
        changes: list[float] = []
        pages: list[float] = []
        stop = time.monotonic() + seconds

        async def keep_changing(v: Voter):
            while time.monotonic() < stop:
                if think:
                    await asyncio.sleep(v.rng.uniform(0.5, 1.5) * think)
                    await v.page(pages)                       # the voter reopens the page, then changes the vote
                await v.vote(changes)
        t0 = time.monotonic()
        await asyncio.gather(*(keep_changing(v) for v in voters))
        return voters, burst, changes, pages, time.monotonic() - t0
    finally:
        await asyncio.gather(*(v.conn.close() for v in voters))


def verify(db_url: str, voters) -> list[str]:
    """Problems found comparing the gradebook with what the voters were told (empty: all good)."""
    from autograder.seminar.aggregate import load_results
    from autograder.seminar.live.storage import live_votes
    from autograder.seminar.store import open_db
    with open_db(db_url) as engine, engine.connect() as conn:
        stored = live_votes(conn, assessment="midterm", group=GROUP)
    problems = []
    by_rater: dict[str, list] = {}
    for v in stored:
        by_rater.setdefault(v.rater, []).append(v)
    twice = [r for r, vs in by_rater.items() if len(vs) > 1]
    if twice:
        problems.append(f"stored twice: {twice}")
    for v in voters:
        got = by_rater.get(v.sid)
        if not got:
            problems.append(f"lost: {v.sid}")
        elif (got[0].score, got[0].comment) != v.acked:
            problems.append(f"{v.sid}: stored {(got[0].score, got[0].comment)}, last answered {v.acked}")
    res = load_results(db_url, assessment="midterm")
    crit = next(c for g in res.groups if g.group.name == GROUP for c in g.criteria if c.criterion.source == "audience")
    want = statistics.fmean(v.acked[0] for v in voters)
    if crit.n_raters != len(voters) or abs(crit.mean - want) > 1e-9:
        problems.append(f"report counts {crit.n_raters} votes with mean {crit.mean}; expected {len(voters)}, {want}")
    return problems, len(stored), crit


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--voters", type=int, default=80)
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of the changes phase")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds a voter waits before reopening the page and changing again (0: none)")
    ap.add_argument("--p95-ms", type=float, default=300.0, help="fail when a phase's p95 is above this")
    ap.add_argument("--in-process", action="store_true", help="run the server in a thread of this process")
    ap.add_argument("--seed", type=int, default=3121)
    args = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench_live_"))
    try:
        db_url, roster, raters = make_course(folder, args.voters)
        with server(db_url, roster, in_process=args.in_process) as (base, pid):
            cpu0 = cpu_seconds(pid)
            voters, burst, changes, pages, elapsed = asyncio.run(load(base, raters, args.seconds, args.think,
                                                                            args.seed))
            server_cpu = cpu_seconds(pid) - cpu0
        problems, n_stored, crit = verify(db_url, voters)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    sent = sum(v.sent for v in voters)
    print(f"seminar serve load test: {args.voters} voters, one group, {args.seconds:g} s of changes "
          f"({'no think time' if not args.think else f'think time {args.think:g} s'}) "
          f"({'in-process' if args.in_process else 'server in its own process'}, SQLite, loopback; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(line("burst (all at once)", burst))
    print(line("changes", changes))
    print(line("all votes", burst + changes))
    if pages:
        print(line("vote page (GET)", pages))
    print(f"votes sent {sent} ({len(changes) / elapsed:.0f}/s during changes); votes stored {n_stored}, expected "
          f"{args.voters}; counted in the report {crit.n_raters}, audience mean {crit.mean:.4f}")
    if not args.in_process:
        requests = len(voters) * 2 + sent + len(pages)              # identify (2 each), votes, page reloads
        print(f"server CPU {server_cpu:.2f} s for {requests} requests: {server_cpu / requests * 1000:.2f} ms per "
              f"request (the burst of {args.voters} votes needs about {server_cpu / requests * args.voters:.2f} s "
              f"of one core)")
    worst = max(pct(burst, 95), pct(changes, 95)) * 1000 if changes else pct(burst, 95) * 1000
    ok = not problems and worst <= args.p95_ms
    for p in problems[:20]:
        print(f"  PROBLEM {p}")
    print(f"{'OK' if ok else 'FAIL'}: no vote lost or counted twice: {not problems}; p95 {worst:.1f} ms "
          f"(limit {args.p95_ms:g} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
