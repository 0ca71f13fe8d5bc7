"""Slow and many clients against a running server: connections that send their headers and then no body, or never
finish their headers, and staff help-queue pages left open, while a kiosk checks through the API every 100 ms and
loads a kiosk page. Prints how long the kiosk waited; the system test (tests/system/test_slow_clients.py) holds the
same figures to 1 s, with and without nginx in front.

    python bench/slow_clients.py    # starts `assistant serve` on a demo instance of its own, then nginx in front
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
ASSISTANT = str(Path(sys.executable).parent / "assistant")

# Where a slow body is sent: the forms anyone can reach, a kiosk form, and the API.
SLOW_BODY_PATHS = ("/staff/login", "/kiosk/setup", "/kiosk/metro/check", "/api/v1/checks")
NUMBER = "310101194803120245"  # a demo resident


@dataclass
class Front:
    """Where the clients connect: a plain port, or nginx's TLS port."""

    port: int
    tls: bool = False

    def socket(self, timeout: float = 5) -> socket.socket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        if not self.tls:
            return raw
        return _insecure().wrap_socket(raw, server_hostname="kiosk.example.org")

    def connection(self, timeout: float = 5) -> http.client.HTTPConnection:
        if self.tls:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=_insecure())
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 5):
        connection = self.connection(timeout)
        try:
            return ask(connection, method, path, body, headers)
        finally:
            connection.close()


def ask(connection: http.client.HTTPConnection, method: str, path: str, body=None, headers=None):
    """One request on a connection kept open between requests, as a browser keeps one (http.client opens it again
    when the server has closed it)."""
    try:
        connection.request(method, path, body, headers or {})
        answer = connection.getresponse()
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        connection.close()
        connection.request(method, path, body, headers or {})
        answer = connection.getresponse()
    return answer.status, answer.read(), answer


def _insecure() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass
class Siege:
    """What the kiosk saw while the slow clients held their connections."""

    check_seconds: list[float] = field(default_factory=list)
    page_seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    slow_bodies_ended: int = 0  # slow-body connections the server answered or closed within the wait

    @property
    def worst(self) -> float:
        return max(self.check_seconds + self.page_seconds, default=float("inf"))


def siege(
    front: Front,
    token: str,
    staff_cookie: str,
    slow_bodies: int = 50,
    slow_headers: int = 50,
    help_pages: int = 20,
    seconds: float = 5,
    wait_for_bodies: float = 0,
) -> Siege:
    held = []
    for n in range(slow_bodies):
        path = SLOW_BODY_PATHS[n % len(SLOW_BODY_PATHS)]
        held.append(front.socket())
        held[-1].sendall(
            f"POST {path} HTTP/1.1\r\nHost: kiosk.example.org\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: 4000\r\n\r\nusername=a".encode()
        )
    bodies = list(held)
    for _ in range(slow_headers):
        held.append(front.socket())
        held[-1].sendall(b"GET /healthz HTTP/1.1\r\nHost: kiosk.example.org\r\nX-Slow: ")
    result, stop = Siege(), threading.Event()

    def help_page():  # as EventSource does: ask, read the answer, ask again after `retry`
        connection = front.connection()
        while not stop.is_set():
            try:
                ask(connection, "GET", "/staff/help/events", headers={"Cookie": staff_cookie})
            except OSError as error:
                result.failures.append(f"help page: {error}")
            stop.wait(1.0)
        connection.close()

    pages = [threading.Thread(target=help_page, daemon=True) for _ in range(help_pages)]
    for page in pages:
        page.start()
    started = time.monotonic()
    check = json.dumps({"method": "id_card", "id_number": NUMBER})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    kiosk, reader = front.connection(), front.connection()
    while time.monotonic() - started < seconds:
        began = time.monotonic()
        try:
            status, _, _ = ask(reader, "POST", "/api/v1/checks", check, headers)
            result.check_seconds.append(time.monotonic() - began)
            if status != 200:
                result.failures.append(f"check answered {status}")
            if len(result.check_seconds) % 10 == 0:
                began = time.monotonic()
                status, _, _ = ask(kiosk, "GET", "/kiosk/metro/?lang=en")
                result.page_seconds.append(time.monotonic() - began)
                if status != 200:
                    result.failures.append(f"kiosk page answered {status}")
        except OSError as error:
            result.failures.append(f"check: {error}")
        time.sleep(0.1)
    kiosk.close()
    reader.close()
    stop.set()
    for page in pages:
        page.join(10)
    deadline = time.monotonic() + wait_for_bodies
    for connection in bodies:
        connection.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            connection.recv(1)  # an answer (408), or the end of the connection
            result.slow_bodies_ended += 1
        except OSError:
            pass
    for connection in held:
        connection.close()
    return result


def report(name: str, result: Siege) -> None:
    checks = sorted(result.check_seconds)
    p99 = checks[int(len(checks) * 0.99) - 1] if checks else float("nan")
    print(
        f"slow clients, {name}: {len(checks)} checks every 100 ms, worst {result.worst * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms; {len(result.page_seconds)} kiosk pages, worst "
        f"{max(result.page_seconds, default=0) * 1000:.0f} ms; {len(result.failures)} failures"
    )


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@contextmanager
def demo_server(work: Path, behind_proxy: bool = False) -> Iterator[tuple[int, str, str]]:
    """`assistant serve` (Granian, the default workers and threads) on a demo instance of its own: yields its port,
    the metro kiosk's token and a signed-in staff session's cookie."""
    env = dict(os.environ, ASSISTANT_DEMO="1", ASSISTANT_INSTANCE=str(work / "instance"))
    if behind_proxy:
        env.update(ASSISTANT_HTTPS="1", ASSISTANT_PROXIES="1")
    seeded = subprocess.run([ASSISTANT, "seed"], env=env, capture_output=True, text=True, check=True)
    token = re.search(r"^Demo kiosk demo-metro: device token (\S+)$", seeded.stdout, re.M).group(1)
    port = _free_port()
    server = subprocess.Popen([ASSISTANT, "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        _wait_for(Front(port))
        logins = json.loads((work / "instance" / "demo-staff-logins.json").read_text())
        yield port, token, _signed_in(Front(port), "staff", logins["staff"])
    finally:
        server.terminate()
        server.wait(30)


@contextmanager
def nginx_front(work: Path, backend: int) -> Iterator[int]:
    """docs/nginx.conf for real, with a throw-away certificate and free ports, in front of `backend`: yields the
    TLS port."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kiosk.example.org",
         "-keyout", str(work / "kiosk.key"), "-out", str(work / "kiosk.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    https_port, http_port = _free_port(), _free_port()
    site = (ROOT / "docs" / "nginx.conf").read_text()
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = site.replace("listen 80", f"listen 127.0.0.1:{http_port}")
    site = site.replace("/etc/ssl/certs/kiosk.pem", str(work / "kiosk.pem"))
    site = site.replace("/etc/ssl/private/kiosk.key", str(work / "kiosk.key"))
    site = site.replace("127.0.0.1:5000", f"127.0.0.1:{backend}")
    (work / "nginx.conf").write_text(
        f"pid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {work}/body;\nproxy_temp_path {work}/proxy;\n{site}\n}}\n"
    )
    nginx = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
    try:
        _wait_for(Front(https_port, tls=True), nginx)
        yield https_port
    finally:
        nginx.terminate()
        nginx.wait(10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(front: Front, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if front.request("GET", "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            raise RuntimeError("the server did not start")
        time.sleep(0.2)


def _signed_in(front: Front, username: str, password: str) -> str:
    """A staff session's cookie, signed in through the form as a browser would."""
    _, page, answer = front.request("GET", "/staff/login")
    cookie = answer.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    form = f"username={username}&password={quote(password)}&csrf_token={quote(csrf)}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    status, _, answer = front.request("POST", "/staff/login", form, headers)
    if status != 303:
        raise RuntimeError(f"sign-in answered {status}")
    return answer.getheader("Set-Cookie").split(";")[0]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with demo_server(work / "plain") as (port, token, cookie):
            report("straight to the server", siege(Front(port), token, cookie, wait_for_bodies=15))
        (work / "proxied").mkdir()
        with demo_server(work / "proxied", behind_proxy=True) as (port, token, cookie):
            with nginx_front(work / "proxied", port) as tls_port:
                report("through nginx", siege(Front(tls_port, tls=True), token, cookie))
    return 0


if __name__ == "__main__":
    sys.exit(main())
