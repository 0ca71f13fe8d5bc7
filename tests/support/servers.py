"""Real servers for the tests that need them: a throw-away PostgreSQL cluster (tools/pg-cluster) and `assistant
serve` processes on it, as a district would run them."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import waitress
from waitress import wasyncore

from assistant.config import PROJECT_ROOT
from tests.support.app import ANCHOR, run_cli

PG_CLUSTER = str(PROJECT_ROOT / "tools" / "pg-cluster")


@contextmanager
def served(app, threads: int = 4, port: int = 0) -> Iterator[str]:
    """The app on waitress (as `assistant serve --server waitress` runs it) in a thread, on a free port; yields its
    address. Stopping lets the requests in hand finish, then ends the server's loop, then closes every socket: a kiosk
    screen's event stream asks every 0.7 s, and closing sockets under the running loop fails in its thread."""
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=threads)
    ending = threading.Event()

    def loop():
        while not ending.is_set():
            wasyncore.loop(timeout=0.2, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
        ending.set()
        thread.join(5)
        server.close()
        wasyncore.close_all(server._map)  # connections still open (a screen's stream the test left): closed too


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL server of the test's own, which the test may stop and start again (its data kept)."""

    def __init__(self):
        assert shutil.which("pg_ctlcluster") or Path("/usr/lib/postgresql").exists(), (
            "PostgreSQL is missing: apt-get install -y postgresql (make test installs it)"
        )
        # Under /tmp itself: the `postgres` user cannot enter pytest's private folders.
        self.folder = tempfile.mkdtemp(prefix="assistant-pg-")
        self.port = free_port()
        self.start()

    def start(self) -> None:
        out = subprocess.run([PG_CLUSTER, "start", self.folder, str(self.port)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        self.server_url = out.stdout.strip()

    def halt(self) -> None:
        subprocess.run([PG_CLUSTER, "halt", self.folder], check=True, capture_output=True)

    def remove(self) -> None:
        subprocess.run([PG_CLUSTER, "stop", self.folder], capture_output=True)

    def database(self, name: str) -> str:
        out = subprocess.run(
            [
                "psql",
                "-h",
                f"{self.folder}/socket",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                f"CREATE DATABASE {name}",
            ],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        return self.server_url.replace("/postgres?", f"/{name}?")


class Redis:
    """A Redis server of the test's own, as a district would run one for the servers' shared limits: on a unix socket
    in a folder of its own, keeping nothing on disk. `stop()` ends it (the store is then away)."""

    def __init__(self):
        assert shutil.which("redis-server"), "Redis is missing: apt-get install -y redis-server (make test installs it)"
        self.folder = tempfile.mkdtemp(prefix="assistant-redis-")
        self.socket = f"{self.folder}/redis.sock"
        self.url = f"redis+unix://{self.socket}"
        subprocess.run(
            ["redis-server", "--port", "0", "--unixsocket", self.socket, "--daemonize", "yes", "--dir", self.folder,
             "--pidfile", f"{self.folder}/redis.pid", "--save", "", "--appendonly", "no",
             "--logfile", f"{self.folder}/redis.log"],
            check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not (Path(self.socket).exists() and Path(f"{self.folder}/redis.pid").exists()):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        pid_file = Path(f"{self.folder}/redis.pid")
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 15)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(self.folder, ignore_errors=True)


def demo_env(instance: Path, database_url: str) -> dict:
    """The demo on a PostgreSQL database, seeded by the real commands; its kiosks' tokens in env["TOKENS"]."""
    env = dict(os.environ, ASSISTANT_DEMO="1", ASSISTANT_INSTANCE=str(instance), ASSISTANT_AT=ANCHOR.isoformat())
    env.update(DATABASE_URL=database_url, ASSISTANT_FACE_MATCHER="simulated")
    upgraded = run_cli(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    seeded = run_cli(["seed"], env)
    assert seeded.returncode == 0, seeded.stderr
    env["TOKENS"] = json.dumps(dict(re.findall(r"^Demo kiosk (\S+): device token (\S+)$", seeded.stdout, re.M)))
    return env


def serve(env: dict, workers: int = 1, log: Path | None = None) -> tuple[subprocess.Popen, int]:
    """`assistant serve` on a free port, its log lines written to `log` if given (else dropped)."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "assistant"), "serve", "--port", str(port), "--workers", str(workers)]
    output = log.open("ab") if log is not None else subprocess.DEVNULL
    try:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=output)
    finally:
        if log is not None:
            output.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start")


def request(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = json.dumps(body) if body is not None else None
        connection.request(method, path, data, {"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def check(port: int, token: str, number: str) -> tuple[int, dict]:
    status, body, _ = request(
        port, "POST", "/api/v1/checks", {"method": "id_card", "id_number": number}, {"Authorization": f"Bearer {token}"}
    )
    return status, json.loads(body)
