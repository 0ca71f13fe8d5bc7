"""The README's TLS reverse proxy, for real: nginx runs docs/nginx.conf (with a throw-away certificate and free
ports) in front of a production kiosk, and a client over HTTPS sees HSTS, secure cookies and per-address limits."""

import http.client
import re
import shutil
import ssl
import subprocess
import time

import pytest

from assistant import create_app, kiosks
from assistant.config import PROJECT_ROOT
from assistant.seeding import seed
from tests.support.app import ANCHOR, SEEDS
from tests.support.servers import free_port, served

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    if not shutil.which(NGINX):
        pytest.fail("nginx is missing: `make test` installs Debian's nginx-light")
    work = tmp_path_factory.mktemp("tls")
    app = create_app({"INSTANCE_PATH": work / "instance", "DEMO": False, "HTTPS": True, "PROXIES": 1})
    with app.extensions["assistant"]["db"].session() as s:
        seed(s, SEEDS, app.config["ID_HASH_KEY"].encode(), ANCHOR, demo=False)
        _, token = kiosks.add(s, "metro-door-1", "metro")
    with served(app) as base:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kiosk.example.org"]
            + ["-keyout", str(work / "kiosk.key"), "-out", str(work / "kiosk.pem")],
            check=True,
            capture_output=True,
        )
        https_port, http_port = free_port(), free_port()
        site = (PROJECT_ROOT / "docs" / "nginx.conf").read_text()
        site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl").replace(
            "listen 80", f"listen 127.0.0.1:{http_port}"
        )
        site = site.replace("/etc/ssl/certs/kiosk.pem", str(work / "kiosk.pem"))
        site = site.replace("/etc/ssl/private/kiosk.key", str(work / "kiosk.key"))
        site = site.replace("127.0.0.1:5000", base.removeprefix("http://"))
        (work / "nginx.conf").write_text(
            f"pid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
            f"http {{\naccess_log off;\nclient_body_temp_path {work}/body;\nproxy_temp_path {work}/proxy;\n{site}\n}}\n"
        )
        nginx = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
        deadline = time.monotonic() + 15
        while True:
            probe = http.client.HTTPConnection("127.0.0.1", http_port, timeout=1)
            try:
                probe.request("GET", "/")
                break
            except OSError:
                assert nginx.poll() is None and time.monotonic() < deadline, (work / "error.log").read_text()
                time.sleep(0.1)
            finally:
                probe.close()
        yield https_port, http_port, token
        nginx.terminate()
        nginx.wait(10)


def request(port, method, path, body=None, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    connection.request(method, path, body, headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_plain_http_is_sent_to_https(proxied):
    _https, plain, _token = proxied
    connection = http.client.HTTPConnection("127.0.0.1", plain, timeout=5)
    connection.request("GET", "/kiosk/", headers={"Host": "kiosk.example.org"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 301 and response.getheader("Location") == "https://kiosk.example.org/kiosk/"


def test_through_the_proxy_every_answer_has_hsts_and_cookies_are_secure(proxied):
    port, _plain, token = proxied
    assert request(port, "GET", "/readyz").status == 200
    setup = request(port, "GET", "/kiosk/setup")
    assert setup.status == 200 and setup.getheader("Strict-Transport-Security").startswith("max-age=")
    assert "Secure" in setup.getheader("Set-Cookie")
    api = request(port, "POST", "/api/v1/checks", '{"id_number": "1"}', {"Authorization": f"Bearer {token}"})
    assert api.status == 400 and api.getheader("Strict-Transport-Security")


def test_a_client_cannot_dodge_the_limit_with_its_own_forwarded_header(proxied):
    port, _plain, _token = proxied
    answers = [
        request(port, "POST", "/kiosk/setup", "token=guess", {**FORM, "X-Forwarded-For": f"198.51.100.{n}"}).status
        for n in range(12)
    ]
    assert answers[-1] == 429 and answers.count(429) == 2
    assert re.fullmatch(r"\d+", str(answers[0]))
