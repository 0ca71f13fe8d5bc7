"""Posting reads to the server: one HTTP call per read, with the kiosk's token. Standard library only, so the bridge
runs on the smallest kiosk computer."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from ..cards import Card
from . import POLL_SECONDS, Fault, Placement

TIMEOUT = 10


class BridgeError(RuntimeError):
    """The server cannot be reached from this bridge (a wrong address, a network down)."""


class TokenRefused(BridgeError):
    """The server refused the kiosk's token: nothing this bridge sends will be taken."""


def payload(read: Card | Fault) -> dict:
    if isinstance(read, Fault):
        return {"error": read.code}
    body = {"id_number": read.number, "name": read.name}
    if read.photo:
        body["photo"] = base64.b64encode(read.photo).decode("ascii")
    return body


def post(server: str, token: str, read: Card | Fault) -> tuple[int, dict]:
    """Send one read; the server's status and JSON answer. BridgeError when the server cannot be reached."""
    request = urllib.request.Request(
        server.rstrip("/") + "/api/v1/reads",
        data=json.dumps(payload(read)).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as answer:
        try:
            return answer.code, json.loads(answer.read() or b"{}")
        except ValueError:
            return answer.code, {}
    except (urllib.error.URLError, OSError) as problem:
        raise BridgeError(f"The server at {server} cannot be reached ({problem}).") from None


def describe(status: int, answer: dict) -> str:
    """One line for the bridge's own output: what happened, never the number."""
    if status == 401:
        raise TokenRefused("The server refused this kiosk's token (kiosk_token_invalid). Ask an administrator for one.")
    if status >= 400:
        code = answer.get("error", {}).get("code", status)
        return f"Read sent; the kiosk shows the problem: {code}."
    if answer.get("state") == "face":
        return "Read sent; the kiosk now asks for the face."
    if answer.get("state") == "error":
        return f"Reader problem sent; the kiosk shows it: {answer.get('error')}."
    result = answer.get("result", {})
    return f"Read sent; the kiosk shows {result.get('status', '?')} ({result.get('decision', '?')})."


NOT_TAKEN = "Card not taken, and nothing kept: place it again once the kiosk screen is back."


def run(driver, server: str, token: str, say: Callable[[str], None], stop: Callable[[], bool] = lambda: False):
    """Poll the reader until `stop` says so; post each new read. A refused token ends it (TokenRefused).

    A read the server cannot take (the network down, the server restarting) is refused there and then: said, with
    the reader's own refusal where its driver has one (`refuse()`, a beep or a light), and never kept to be sent
    later, so that no one's card is checked after they have walked away. The card on the reader is not read again
    until it is lifted and placed anew; meanwhile the kiosk screen shows why (its offline screen)."""
    placement = Placement()
    while not stop():
        read = placement.see(driver.poll())
        if read is not None:
            try:
                say(describe(*post(server, token, read)))
            except TokenRefused:
                raise
            except BridgeError as problem:
                if callable(refuse := getattr(driver, "refuse", None)):
                    refuse()
                say(f"{problem} {NOT_TAKEN}")
        time.sleep(POLL_SECONDS)
