"""The app as Granian serves it: an ASGI front that reads each request's body whole on the server's event loop, and
only then gives the request a thread to run the Flask app in (a pool of `ASSISTANT_THREADS` a worker).

Served as plain WSGI, a request whose body trickles in, or never comes, holds a worker thread while Python waits for
it: eight such connections stopped every kiosk of a four-thread worker. Here a waiting body costs a coroutine, not a
thread, and a body that stops arriving is answered 408 (a gap of IDLE_SECONDS, or TOTAL_SECONDS in all). Headers
that never end are Granian's to time out (serving.HEADER_SECONDS). A body larger than BUFFERED (declared so) goes on to
the app as it comes, which refuses it at once unless it is the staff's resident import (its own limit, signed in).

The request goes to a thread once and its answer comes back once (a large or streamed answer in parts): a2wsgi's
bridge, which hands every part of every answer between the loop and the thread, cost a third of the checks a second
(bench/load.py: 602 against 937 on Granian's own WSGI); this one keeps a2wsgi's environ and its body reader only.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import os
import sys
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import Body, build_environ

IDLE_SECONDS = 10  # the longest gap between two parts of a body
TOTAL_SECONDS = 60  # the longest a body may take to arrive, whole
BUFFERED = 12 * 1024 * 1024  # bodies up to this are read before the app runs: the app's own largest (a camera frame)
TIMED_OUT = b"The request took too long to arrive. Please try again.\n"
PART = 1024 * 1024  # an answer goes back to the loop whole up to this, then in parts of about this


class BodyFirst:
    """ASGI middleware: the body is read whole (within the times above) before the application sees the request."""

    def __init__(self, app, buffered: int = BUFFERED, idle: float = IDLE_SECONDS, total: float = TOTAL_SECONDS):
        self.app, self.buffered, self.idle, self.total = app, buffered, idle, total

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or _declared(scope) > self.buffered:
            await self.app(scope, receive, send)
            return
        parts, size, more = [], 0, True
        try:
            async with asyncio.timeout(self.total):
                while more and size <= self.buffered:
                    async with asyncio.timeout(self.idle):  # no task of its own, as wait_for would make
                        message = await receive()
                    if message["type"] == "http.disconnect":
                        return  # the client went away: nothing to answer
                    parts.append(message.get("body", b""))
                    size += len(parts[-1])
                    more = message.get("more_body", False)
        except TimeoutError:
            await _answer(send, 408, TIMED_OUT)
            return
        await self.app(scope, _replay(b"".join(parts), more, receive), send)


def _declared(scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def _replay(body: bytes, more: bool, receive):
    """The body read so far as the first message; then the connection's own (the rest, or its end)."""
    given = False

    async def replayed():
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replayed


async def _answer(send, status: int, text: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(text)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": text})


class OnThreads:
    """ASGI to WSGI: each request runs on a thread of the pool, with its body already read (or, past BUFFERED, read
    as it comes); its answer is gathered on that thread and sent from the loop."""

    def __init__(self, app, threads: int):
        self.app = app
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="assistant")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        loop = asyncio.get_running_loop()
        first = await receive()
        if first.get("more_body"):  # a body larger than BUFFERED: the app reads the rest as it needs it
            stream = Body(loop, _replay(first.get("body", b""), True, receive))
        else:
            stream = io.BytesIO(first.get("body", b""))
        environ = build_environ(scope, stream)
        environ["wsgi.errors"] = sys.stderr
        context = contextvars.copy_context()  # one context for the request, whichever thread takes each part
        status, headers, parts, rest = await loop.run_in_executor(self.pool, context.run, self._start, environ)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        while rest is not None:
            for part in parts:
                await send({"type": "http.response.body", "body": part, "more_body": True})
            parts, rest = await loop.run_in_executor(self.pool, context.run, _gather, *rest)
        await send({"type": "http.response.body", "body": b"".join(parts)})

    def _start(self, environ):
        started: dict = {}
        written: list[bytes] = []

        def start_response(status: str, headers, exc_info=None):
            if exc_info is not None and started.get("sent"):
                raise exc_info[1].with_traceback(exc_info[2])
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = [(k.lower().encode("latin1"), v.encode("latin1")) for k, v in headers]
            return written.append

        answer = self.app(environ, start_response)
        parts, rest = _gather(answer, iter(answer))
        started["sent"] = True
        return started["status"], started["headers"], written + parts, rest


def _gather(answer, parts_of):
    """The next parts of an answer, about PART bytes; then (answer, iterator) to go on, or None at its end."""
    parts, size = [], 0
    for part in parts_of:
        parts.append(part)
        size += len(part)
        if size >= PART:
            return parts, (answer, parts_of)
    if hasattr(answer, "close"):
        answer.close()
    return parts, None


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def app():
    """The factory Granian calls in each worker: JSON log lines, the Flask app on threads, the body read first."""
    from .wsgi import app as wsgi_app

    threads = int(os.environ.get("ASSISTANT_THREADS") or 4)
    return BodyFirst(OnThreads(wsgi_app(), threads))
