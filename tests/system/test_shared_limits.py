"""Limits shared by every server: two `assistant serve` processes on one PostgreSQL and one Redis spend one budget
for a kiosk's failed lookups and one for an account's failed sign-ins. With Redis away, sign-in and the set-up
screen wait (a calm "try again shortly") and the kiosk still checks people who are found."""

from __future__ import annotations

import json
import re
from datetime import date

import requests

from assistant import identity
from tests.support.app import DEMO_NUMBERS
from tests.support.servers import Cluster, Redis, demo_env, serve

BUDGET = 6  # failed lookups a kiosk may make in a minute, here
SIGN_IN_TRIES = 5  # failed sign-ins to one account in 15 minutes (web/staff/auth.py)


def strangers(n: int) -> list[str]:
    return [identity.make_number("110101", date(1950, 1, 1), sequence) for sequence in range(1, n + 1)]


def check(port: int, token: str, number: str) -> requests.Response:
    return requests.post(
        f"http://127.0.0.1:{port}/api/v1/checks",
        json={"method": "id_card", "id_number": number},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def sign_in(port: int, username: str, password: str) -> requests.Response:
    browser = requests.Session()
    form = browser.get(f"http://127.0.0.1:{port}/staff/login?lang=en", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return browser.post(
        f"http://127.0.0.1:{port}/staff/login?lang=en",
        data={"username": username, "password": password, "csrf_token": csrf},
        allow_redirects=False,
        timeout=10,
    )


def set_up(port: int, token: str) -> requests.Response:
    browser = requests.Session()
    form = browser.get(f"http://127.0.0.1:{port}/kiosk/setup?lang=en", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return browser.post(
        f"http://127.0.0.1:{port}/kiosk/setup?lang=en",
        data={"token": token, "csrf_token": csrf},
        allow_redirects=False,
        timeout=10,
    )


def test_two_servers_spend_one_budget_and_wait_calmly_while_redis_is_away(tmp_path):
    cluster, redis = Cluster(), Redis()
    servers = []
    try:
        env = demo_env(tmp_path / "instance", cluster.database("registry"))
        env.update(ASSISTANT_LIMITS_STORAGE=redis.url, ASSISTANT_FAILED_LOOKUPS_PER_MINUTE=str(BUDGET))
        token = json.loads(env["TOKENS"])["demo-metro"]
        logins = json.loads((tmp_path / "instance" / "demo-staff-logins.json").read_text())
        servers = [serve(env), serve(env)]
        ports = [port for _, port in servers]

        # One kiosk budget across both servers: the lookups alternate between them, as behind a load balancer.
        for n, number in enumerate(strangers(BUDGET)):
            answer = check(ports[n % 2], token, number)
            assert answer.status_code == 200 and answer.json()["status"] == "unknown"
        for port in ports:  # either server: the budget is spent
            assert check(port, token, strangers(BUDGET + 1)[-1]).status_code == 429

        # One sign-in budget for an account across both servers.
        for n in range(SIGN_IN_TRIES):
            assert sign_in(ports[n % 2], "staff", "not the password").status_code == 400
        for port in ports:
            stopped = sign_in(port, "staff", logins["staff"])
            assert stopped.status_code == 429 and "Too many failed sign-ins" in stopped.text
        assert sign_in(ports[1], "admin", logins["admin"]).status_code == 303  # another account is not locked

        redis.stop()
        # Sign-in and the set-up screen fail closed: no try without a count of the tries.
        away = sign_in(ports[0], "admin", logins["admin"])
        assert away.status_code == 503 and "try again shortly" in away.text
        binding = set_up(ports[1], "not a token")
        assert binding.status_code == 503 and "try again shortly" in binding.text
        # A kiosk (another one: metro's budget is spent) still checks people who are found; a stranger waits.
        other = json.loads(env["TOKENS"])["demo-hospital"]
        found = check(ports[0], other, DEMO_NUMBERS[0])
        assert found.status_code == 200 and found.json()["status"] in ("green", "yellow", "red")
        assert check(ports[1], other, strangers(1)[0]).status_code == 429
        for server, _ in servers:
            assert server.poll() is None  # no server fell over
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
        redis.stop()
        cluster.remove()
