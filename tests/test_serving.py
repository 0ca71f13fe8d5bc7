"""`assistant serve --workers 2`: two processes answer on one port, log every check, and stop together."""

import http.client
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import CARDS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_check(port: int, number: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        "/api/v1/checks",
        json.dumps({"method": "id_card", "id_number": number}),
        {"Content-Type": "application/json"},
    )
    try:
        response = connection.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        connection.close()


def test_two_workers_share_the_port_and_stop_with_the_parent(cli_env):
    port = free_port()
    env = dict(cli_env, ASSISTANT_FACE_MATCHER="simulated", ASSISTANT_SPEECH_ENGINE="none")
    command = [str(Path(sys.executable).parent / "assistant"), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                post_check(port, CARDS[0].number)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        time.sleep(2)  # the second worker is accepting too by now
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 2
        ids = [post_check(port, CARDS[i % 3].number)["check_id"] for i in range(40)]
        assert len(set(ids)) == 40  # every check logged once, whichever process took it
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(15)
    for pid in workers:
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "zombie" in status.read_text().lower()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nobody is left listening
