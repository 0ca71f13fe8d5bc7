"""A 2-minute soak at full load, on SQLite and on PostgreSQL: every answered check is logged exactly once (counted
against the check log) and no request gets a 5xx. Clients: 3 processes of 8 keep-alive connections each."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from load import PORT, database_for, fill, logged, production_env, serving

SECONDS = 120


def client_process(numbers: list[str], token: str, seconds: float, threads: int, results) -> None:
    counts: Counter = Counter()
    lock = threading.Lock()

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        end, n = time.monotonic() + seconds, offset
        while time.monotonic() < end:
            body = json.dumps({"method": "id_card", "id_number": numbers[n % len(numbers)]})
            try:
                connection.request("POST", "/api/v1/checks", body, headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status, connection = "connection lost", http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            with lock:
                counts[status] += 1
            n += threads

    pool = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results.put(dict(counts))


def soak(database: str, work: Path) -> None:
    instance = work / f"instance-{database}"
    with database_for(database, work, 5328) as url:
        numbers, tokens = fill(instance, url)
        with serving(production_env(instance, url)):
            results = multiprocessing.get_context("fork").Queue()
            clients = [
                multiprocessing.get_context("fork").Process(
                    target=client_process, args=(numbers, tokens["hospital"], SECONDS, 8, results)
                )
                for _ in range(3)
            ]
            for c in clients:
                c.start()
            counts: Counter = Counter()
            for _ in clients:
                counts.update(results.get(timeout=SECONDS + 60))
            for c in clients:
                c.join()
        written = logged(instance, url)
    answered = counts.get(200, 0)
    errors = {k: v for k, v in counts.items() if k != 200}
    print(
        f"{database}: soak of {SECONDS} s: {answered:,} checks answered ({answered / SECONDS:.0f}/s), "
        f"{written:,} logged: {'exactly one each' if written == answered else 'MISMATCH'}; "
        f"other answers: {errors or 'none (no 5xx)'}"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="assistant-soak-", dir="/tmp") as folder:
        os.chmod(folder, 0o755)
        for database in sys.argv[1:] or ["sqlite", "postgresql"]:
            soak(database, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
