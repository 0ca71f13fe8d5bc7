"""Slow and many clients stop no kiosk: 50 connections that send headers and no body, 50 that never finish their
headers, and 20 open help-queue pages, while a kiosk checks through the API every 100 ms and loads a kiosk page.
Every check is answered within 1 s, straight to `assistant serve` and through the README's nginx."""

import shutil

import pytest

from assistant.asgi import IDLE_SECONDS
from bench.slow_clients import NGINX, Front, demo_server, nginx_front, siege

WITHIN = 1.0  # seconds


def test_slow_clients_straight_to_the_server_hold_no_thread_and_get_408(tmp_path):
    with demo_server(tmp_path) as (port, token, cookie):
        result = siege(Front(port), token, cookie, wait_for_bodies=IDLE_SECONDS + 5)
    assert not result.failures, result.failures[:5]
    assert len(result.check_seconds) >= 20 and result.page_seconds
    assert result.worst < WITHIN, f"a kiosk waited {result.worst:.2f} s"
    assert result.slow_bodies_ended == 50  # each stalled body was answered (408) and its connection let go


def test_slow_clients_through_nginx_wait_there(tmp_path):
    if not shutil.which(NGINX):
        pytest.fail("nginx is missing: `make test` installs Debian's nginx-light")
    with demo_server(tmp_path, behind_proxy=True) as (port, token, cookie):
        with nginx_front(tmp_path, port) as tls_port:
            result = siege(Front(tls_port, tls=True), token, cookie)
    assert not result.failures, result.failures[:5]
    assert len(result.check_seconds) >= 20 and result.page_seconds
    assert result.worst < WITHIN, f"a kiosk waited {result.worst:.2f} s"


def test_a_body_that_stops_arriving_is_answered_408_and_a_whole_one_goes_through():
    import asyncio

    from assistant.asgi import BodyFirst

    seen = []

    async def app(scope, receive, send):
        seen.append(await receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def run(parts, idle=0.2):
        sent = []

        async def receive():
            if parts:
                return parts.pop(0)
            await asyncio.sleep(10)  # the client sends nothing more

        async def send(message):
            sent.append(message)

        await BodyFirst(app, idle=idle, total=1)({"type": "http", "headers": []}, receive, send)
        return sent

    stalled = asyncio.run(run([{"type": "http.request", "body": b"user", "more_body": True}]))
    assert stalled[0]["status"] == 408 and b"too long" in stalled[1]["body"] and not seen
    whole = [{"type": "http.request", "body": b"user", "more_body": True}, {"type": "http.request", "body": b"=a"}]
    assert asyncio.run(run(whole))[0]["status"] == 200
    assert seen == [{"type": "http.request", "body": b"user=a", "more_body": False}]  # the app got it in one piece
