"""Checks per second through the API on a real WSGI server, over 100,000 residents (DESIGN.md's speed bar), on
SQLite and on PostgreSQL (a throw-away cluster made by tools/pg-cluster).

The server is `assistant serve --workers N`, one worker process a core.
0. The yardstick: a one-process Flask "hello" on waitress under the same load, measured just before each
   saturation run: on a shared machine the rate of either drifts by a quarter within minutes, so each ratio is taken
   against the hello of its own round.
1. Saturation: wrk with 32 connections for 10 s (target at least 1,000 checks a second, and at least 0.5 of the
   yardstick's rate: the ratio is what the bar asks of a machine slower or faster than the one DESIGN.md names).
2. A steady 300 checks a second for 10 s from 8 client threads (target p99 under 50 ms).
Each database gets BENCH_ROUNDS rounds (3 unless told) and a summary: the median of each figure and its spread.
Every check is logged, as in production. Prints the figures; needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from assistant import config as settings
from assistant import identity, kiosks
from assistant.db import Database
from assistant.models import CheckRecord, Resident
from assistant.seeding import seed_venues

RESIDENTS = 100_000
PORT = 5321
PG_CLUSTER = Path(__file__).resolve().parent.parent / "tools" / "pg-cluster"
WORKERS = os.cpu_count() or 1  # one server process a core


def fill(instance: Path, database_url: str | None) -> tuple[list[str], dict[str, str]]:
    """100,000 residents with varied facts, and a kiosk at the metro and at the hospital. Returns a sample of the
    residents' numbers to check and the kiosks' device tokens by venue."""
    config = settings.load({"INSTANCE_PATH": instance, "DEMO": False})
    db = Database(database_url or config["DATABASE_URL"])
    db.upgrade()
    key = config["ID_HASH_KEY"].encode()
    rng = random.Random(1)
    numbers, rows, seen = [], [], set()
    while len(numbers) < RESIDENTS:
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(25000))
        number = identity.make_number(f"3101{rng.randrange(1, 20):02d}", born, rng.randrange(1000))
        if number in seen:
            continue
        seen.add(number)
        numbers.append(number)
        tested = rng.random() < 0.8
        rows.append(
            {
                "id_hash": identity.keyed_hash(number, key),
                "masked_id": identity.mask(number),
                "name": "王某某",
                "quarantine_until": None,
                "last_test_at": None,
                "last_test_result": None,
                "risk_area_level": rng.choice([None] * 8 + ["medium", "high"]),
                "risk_area_visit_at": None,
                "vaccine_doses": rng.randrange(4),
                "language": "zh",
            }
        )
        if tested:
            rows[-1]["last_test_at"] = time_ago(rng.randrange(1, 400))
            rows[-1]["last_test_result"] = "positive" if rng.random() < 0.02 else "negative"
        if rows[-1]["risk_area_level"]:
            rows[-1]["risk_area_visit_at"] = time_ago(rng.randrange(1, 600))
    with db.session() as s:
        seed_venues(s, config["SEEDS_DIR"])
        s.execute(insert(Resident), rows)
        tokens = {venue: kiosks.add(s, f"bench-{venue}", venue)[1] for venue in ("metro", "hospital")}
    return rng.sample(numbers, 2000), tokens


def time_ago(hours: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None) - timedelta(hours=hours)


def wrk(workdir: Path, script: str, port: int) -> tuple[float, str, list[str]]:
    """wrk with 32 connections for 10 s: (requests a second, p99 text, error lines)."""
    path = workdir / "load.lua"
    path.write_text(script)
    out = subprocess.run(
        ["wrk", "-t2", "-c32", "-d10s", "--latency", "-s", str(path), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[-1])
    p99 = next(line for line in out.splitlines() if line.strip().startswith("99%")).split()[-1]
    errors = [line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    return rate, p99, errors


HELLO = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef hello():\n    return 'hello'\n"


@contextmanager
def hello_server(workdir: Path) -> Iterator[int]:
    """The yardstick: a one-process Flask hello on waitress (8 threads), on its own port while the bench runs."""
    (workdir / "hello_app.py").write_text(HELLO)
    port = PORT + 1
    server = subprocess.Popen(
        [sys.executable, "-m", "waitress", "--threads=8", f"--port={port}", "hello_app:app"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, "/")
        yield port
    finally:
        server.terminate()
        server.wait(10)


def hello_rate(workdir: Path, port: int) -> float:
    rate, _p99, _errors = wrk(workdir, 'wrk.method = "GET"\n', port)
    return rate


def wait_for(port: int, path: str) -> None:
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", path)
            return
        except OSError:
            time.sleep(0.1)


def saturation(numbers: list[str], workdir: Path, token: str) -> tuple[float, str, list[str]]:
    bodies = ",\n".join(
        json.dumps(json.dumps({"method": "id_card", "id_number": n, "venue": "hospital"})) for n in numbers[:1000]
    )
    return wrk(
        workdir,
        f"local bodies = {{\n{bodies}\n}}\nlocal i = 0\n"
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        "request = function()\n  i = i % #bodies + 1\n"
        "  return wrk.format(nil, '/api/v1/checks', nil, bodies[i])\nend\n",
        PORT,
    )


def steady(
    numbers: list[str], token: str, rate: int = 300, seconds: int = 10, threads: int = 8
) -> tuple[float, float, int]:
    """A steady `rate` checks a second: (median ms, p99 ms, errors)."""
    latencies, failures = [], []
    interval = threads / rate

    def client(offset: int):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        start = time.perf_counter() + offset * interval / threads
        for n in range(int(seconds * rate / threads)):
            due = start + n * interval
            time.sleep(max(0.0, due - time.perf_counter()))
            body = json.dumps({"method": "id_card", "id_number": numbers[(n * threads + offset) % len(numbers)]})
            began = time.perf_counter()
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            connection.request("POST", "/api/v1/checks", body, headers)
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - began)
            if response.status != 200:
                failures.append(response.status)

    workers = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ms = sorted(v * 1000 for v in latencies)
    return statistics.median(ms), ms[int(0.99 * len(ms))], len(failures)


@contextmanager
def database_for(database: str, work: Path, port: int) -> Iterator[str | None]:
    """The database a bench runs on: None for the instance's SQLite file, or the URL of a new database on a
    throw-away PostgreSQL cluster (tools/pg-cluster), removed afterwards."""
    if database != "postgresql":
        yield None
        return
    cluster = work / "postgres"
    # Tuned as a district would tune a check log: commits are not flushed one by one (a crash of the machine may
    # lose the last fraction of a second of log lines, as SQLite's synchronous=NORMAL may).
    env = dict(os.environ, PG_OPTIONS="-c synchronous_commit=off -c shared_buffers=256MB")
    server = subprocess.run(
        [str(PG_CLUSTER), "start", str(cluster), str(port)], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        psql = ["psql", "-q", "-h", str(cluster / "socket"), "-p", str(port), "-U", "postgres"]
        subprocess.run([*psql, "-c", "CREATE DATABASE bench"], check=True)
        yield server.replace("/postgres?", "/bench?")
    finally:
        subprocess.run([str(PG_CLUSTER), "stop", str(cluster)], capture_output=True)


def production_env(instance: Path, url: str | None) -> dict:
    """`assistant` in production, as a venue runs it (tokens, limits, the real clock), on this instance and database."""
    env = dict(os.environ, ASSISTANT_INSTANCE=str(instance), ASSISTANT_SPEECH_ENGINE="none")
    env.pop("ASSISTANT_DEMO", None)
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    return env


@contextmanager
def serving(env: dict, workers: int = WORKERS) -> Iterator[subprocess.Popen]:
    """`assistant serve` on PORT, once every worker is ready; stopped afterwards."""
    threads = ["--threads", os.environ["BENCH_THREADS"]] if os.environ.get("BENCH_THREADS") else []
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "assistant"), "serve", "--port", str(PORT), "--workers", str(workers)]
        + threads,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(PORT, "/healthz")
        # wrk opens its 32 keep-alive connections at once: let every worker finish loading (face models included)
        # and start accepting first, or the first one ready would take them all.
        time.sleep(3)
        if server.poll() is not None:  # e.g. the port was taken by a server left running elsewhere
            raise SystemExit(f"the server stopped (exit {server.returncode}); is port {PORT} in use?")
        yield server
    finally:
        server.terminate()
        server.wait(10)


def logged(instance: Path, url: str | None) -> int:
    """How many checks the log holds."""
    db = Database(url or settings.load({"INSTANCE_PATH": instance})["DATABASE_URL"])
    with db.session() as s:
        count = s.scalar(select(func.count()).select_from(CheckRecord))
    db.engine.dispose()
    return count


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def run(database: str, workdir: Path, hello_port: int) -> None:
    """Fill a registry on this database, serve it with every worker, and load it, round by round."""
    instance = workdir / f"instance-{database}"
    with database_for(database, workdir, 5329) as url:
        started = time.perf_counter()
        numbers, tokens = fill(instance, url)
        print(f"{database}: {RESIDENTS} residents loaded in {time.perf_counter() - started:.1f} s")
        rounds = []
        with serving(production_env(instance, url)):
            for n in range(1, ROUNDS + 1):
                hello = hello_rate(workdir, hello_port)
                rate, p99, errors = saturation(numbers, workdir, tokens["hospital"])
                median, steady_p99, failures = steady(numbers, tokens["metro"])
                rounds.append((hello, rate, rate / hello, steady_p99))
                print(
                    f"  round {n}: hello {hello:.0f}/s; saturation, 32 connections, {WORKERS} workers: {rate:.0f} "
                    f"checks/s, p99 {p99}, ratio {rate / hello:.2f}"
                    + (f" ({'; '.join(errors)})" if errors else "")
                    + f"; steady 300/s: median {median:.1f} ms, p99 {steady_p99:.1f} ms, {failures} errors"
                )
        print(f"  check log: {logged(instance, url)} records written")
        hellos, rates, ratios, p99s = zip(*rounds, strict=True)
        print(
            f"  {database}, median of {len(rounds)} [spread]: hello {_spread(hellos, '.0f')}/s; "
            f"{_spread(rates, '.0f')} checks/s (target 1000); ratio {_spread(ratios, '.2f')} (target 0.5); "
            f"p99 at 300/s {_spread(p99s, '.1f')} ms (target < 50 ms)"
        )


def _spread(values, spec: str) -> str:
    return f"{format(statistics.median(values), spec)} [{format(min(values), spec)}-{format(max(values), spec)}]"


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "unknown CPU",
    )  # fmt: skip
    return f"{os.cpu_count()} cores ({model}), {time.strftime('%Y-%m-%d %H:%M')}"


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1
    databases = sys.argv[1:] or ["sqlite", "postgresql"]
    print(f"machine: {machine()}")
    # Under /tmp itself, so that the postgres user can enter its cluster's folder.
    with tempfile.TemporaryDirectory(prefix="assistant-bench-", dir="/tmp") as work:
        os.chmod(work, 0o755)
        with hello_server(Path(work)) as hello_port:
            for database in databases:
                run(database, Path(work), hello_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
