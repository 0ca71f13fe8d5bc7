"""A million residents imported by `assistant import residents`, on SQLite and on PostgreSQL: rows a second, the
command's peak memory (bar: under 300 MB), and kiosk checks answered by a running server meanwhile."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from load import PORT, database_for, production_env, serving
from registry import number, write_csv

ROWS = 1_000_000
ASSISTANT = str(Path(sys.executable).parent / "assistant")


def checks_meanwhile(token: str, stop: threading.Event, latencies: list, failures: list) -> None:
    """A kiosk checking someone every 20 ms while the import runs."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    body = json.dumps({"method": "id_card", "id_number": number(ROWS + 1)})  # not in the file: found before and after
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    while not stop.is_set():
        began = time.perf_counter()
        connection.request("POST", "/api/v1/checks", body, headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - began)
        if response.status != 200:
            failures.append(response.status)
        time.sleep(0.02)


def run(database: str, work: Path, csv: Path) -> None:
    instance = work / f"instance-{database}"
    with database_for(database, work, 5330) as url:
        env = production_env(instance, url)
        subprocess.run([ASSISTANT, "seed"], env=env, check=True, capture_output=True)
        one = work / "one.csv"
        write_csv(one, 1, start=ROWS + 1)
        subprocess.run(
            [ASSISTANT, "import", "residents", "--quiet", str(one)], env=env, check=True, capture_output=True
        )
        added = subprocess.run(
            [ASSISTANT, "kiosk", "add", "bench-door", "--venue", "metro"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = added.stdout.strip().splitlines()[-1]
        stop, latencies, failures = threading.Event(), [], []
        with serving(env, workers=1):
            kiosk = threading.Thread(target=checks_meanwhile, args=(token, stop, latencies, failures))
            kiosk.start()
            started = time.perf_counter()
            importer = subprocess.Popen(
                [ASSISTANT, "import", "residents", "--quiet", str(csv)], env=env, stdout=subprocess.PIPE, text=True
            )
            _, status, usage = os.wait4(importer.pid, 0)
            seconds = time.perf_counter() - started
            stop.set()
            kiosk.join()
    assert os.waitstatus_to_exitcode(status) == 0, "the import failed"
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    ms = sorted(v * 1000 for v in latencies)
    print(
        f"{database}: {ROWS:,} residents in {seconds:.1f} s = {ROWS / seconds:,.0f} rows/s, "
        f"peak memory {peak:.0f} MB (target under 300 MB); meanwhile {len(ms)} kiosk checks, "
        f"{len(failures)} failed, median {ms[len(ms) // 2]:.1f} ms, max {ms[-1]:.0f} ms"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="assistant-import-", dir="/tmp") as folder:
        work = Path(folder)
        os.chmod(work, 0o755)
        csv = write_csv(work / "residents.csv", ROWS)
        print(f"generated {ROWS:,} rows ({csv.stat().st_size / 1e6:.0f} MB of CSV)")
        for database in sys.argv[1:] or ["sqlite", "postgresql"]:
            run(database, work, csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
