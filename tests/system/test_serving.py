"""`assistant serve --workers 2`: two processes answer on one port, log every check, and stop together."""

import http.client
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.serving import STOP_GRACE
from tests.support.app import CARDS, cli_token
from tests.support.servers import free_port


def post_check(port: int, number: str, token: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:  # a request cut off by a worker's death is closed too, not left to the garbage collector
        connection.request(
            "POST",
            "/api/v1/checks",
            json.dumps({"method": "id_card", "id_number": number}),
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        response = connection.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        connection.close()


def start_two_workers(
    cli_env: dict, stderr=subprocess.DEVNULL, server: str = "granian"
) -> tuple[subprocess.Popen, int, str]:
    """`assistant serve --workers 2` on a free port, once both workers answer; with the metro kiosk's token."""
    port = free_port()
    env = dict(cli_env, ASSISTANT_FACE_MATCHER="simulated", ASSISTANT_SPEECH_ENGINE="none")
    token = cli_token(cli_env)
    command = [str(Path(sys.executable).parent / "assistant"), "serve", "--port", str(port), "--workers", "2"]
    command += ["--server", server]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            post_check(port, CARDS[0].number, token)
            break
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
    time.sleep(2)  # the second worker is accepting too by now
    return server, port, token


def stop(server: subprocess.Popen) -> str | None:
    """SIGTERM, as a service manager stops it: the server is gone within its workers' grace, and its log is returned.
    A server that outstays it is killed (so no test leaves one running) and the test fails."""
    server.send_signal(signal.SIGTERM)
    try:
        return server.communicate(timeout=STOP_GRACE + 6)[1]
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
        pytest.fail(f"the server was still running {STOP_GRACE + 6} s after SIGTERM")


def test_two_workers_share_the_port_and_stop_with_the_parent(cli_env):
    server, port, token = start_two_workers(cli_env)
    try:
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 2
        ids = [post_check(port, CARDS[i % 3].number, token)["check_id"] for i in range(40)]
        assert len(set(ids)) == 40  # every check logged once, whichever process took it
    finally:
        stop(server)
    for pid in workers:
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "zombie" in status.read_text().lower()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nobody is left listening


# What each server logs when a worker dies and it starts another.
REPLACED = {"granian": "Unexpected exit from worker-1", "waitress": "ended with exit code -9; starting another"}


@pytest.mark.parametrize("kind", ["granian", "waitress"])
def test_a_worker_that_dies_is_replaced_and_the_others_keep_answering(cli_env, kind):
    server, port, token = start_two_workers(cli_env, stderr=subprocess.PIPE, server=kind)
    try:
        before = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(before) == 2
        subprocess.run(["kill", "-KILL", sorted(before, key=int)[0]], check=True)  # the first worker started
        before = sorted(before, key=int)
        answered = 0
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                post_check(port, CARDS[1].number, token)  # asserts 200: the survivor never answers with a 5xx
                answered += 1
            except OSError:
                pass  # a connection the dead worker had accepted: refused or reset, never a server error
            after = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
            if len(after) == 2 and before[0] not in after and answered >= 20:
                break
        assert answered >= 20
        assert len(after) == 2 and before[0] not in after, "the dead worker was replaced"
    finally:
        log = stop(server)
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]  # every line is one JSON object
    assert any(REPLACED[kind] in line["message"] for line in lines)
    assert any(line.get("route") == "/api/v1/checks" and line.get("kiosk") == "demo-metro" for line in lines)
