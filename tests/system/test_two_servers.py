"""Two app servers over one PostgreSQL registry, as behind a load balancer: a change made at the staff's end (a face
enrolled, a pass revoked) is honoured by both within 2 seconds, whichever answered before."""

from __future__ import annotations

import base64
import json
import time

from tests.support.app import CARDS, run_cli
from tests.support.portraits import HOPPER
from tests.support.servers import Cluster, demo_env, request, serve

WITHIN = 2.0  # seconds
PERSON = CARDS[4].number  # a demo resident with no face enrolled
RED_RESIDENT = "310104195107020316"


def api(port: int, token: str, body: dict) -> tuple[int, dict]:
    status, answer, _ = request(port, "POST", "/api/v1/checks", body, {"Authorization": f"Bearer {token}"})
    return status, json.loads(answer)


def seconds_until(condition) -> float:
    """How long until `condition()` holds, polling; fails past WITHIN."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < WITHIN, f"not honoured within {WITHIN} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_face_enrolled_and_a_pass_revoked_reach_both_servers(tmp_path):
    cluster = Cluster()
    servers = []
    try:
        env = demo_env(tmp_path / "instance", cluster.database("registry"))
        token = json.loads(env["TOKENS"])["demo-metro"]
        servers = [serve(env), serve(env)]
        ports = [port for _, port in servers]
        face = {"method": "face", "image": base64.b64encode(HOPPER.read_bytes()).decode()}
        for port in ports:  # each server has loaded its copy of the gallery, without this face
            assert api(port, token, face)[1]["error"]["code"] == "face_no_match"
        enrolled = run_cli(["face", "enroll", "--id", "-", "--consent", str(HOPPER)], env, stdin=PERSON + "\n")
        assert enrolled.returncode == 0, enrolled.stderr
        for port in ports:
            seconds_until(lambda port=port: api(port, token, face)[0] == 200)
        assert api(ports[0], token, face)[1]["subject"]["id"] == api(ports[1], token, face)[1]["subject"]["id"]

        issued = run_cli(["pass", "issue", "--id", RED_RESIDENT, "--out", str(tmp_path / "card")], env)
        assert issued.returncode == 0, issued.stderr
        printed = {"method": "pass", "token": issued.stdout.strip()}
        assert [api(port, token, printed)[0] for port in ports] == [200, 200]
        assert run_cli(["pass", "revoke", "--id", RED_RESIDENT], env).returncode == 0
        for port in ports:
            seconds_until(lambda port=port: api(port, token, printed)[1].get("error", {}).get("code") == "pass_revoked")
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(10)
        cluster.remove()
