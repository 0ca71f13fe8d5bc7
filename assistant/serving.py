"""Serving the app: on Granian (HTTP in Rust, the default) or on waitress (pure Python), in one process or several.

Python runs one thread at a time in a process, so a second process uses the second core. The workers share nothing
but the listening socket, the database (SQLite in WAL mode takes one writer at a time) and the speech cache (written
whole, then renamed). Each builds its own app, so no engine or model is shared.

Granian was measured against waitress on this product's own checks (bench/load.py: about 1.6 times the checks a
second with two workers, at a lower p99) and is the default; waitress stays for systems Granian does not run on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.connection import wait

log = logging.getLogger(__name__)
RESTART_PAUSE = 0.5  # seconds before a dead worker's replacement starts
# Seconds a worker has, once told to stop, to finish the requests in hand; then it is killed. Otherwise a staff page's
# event stream would hold a stop for minutes, and a worker that never stops (CI saw one once) would hold it for ever.
STOP_GRACE = 8
HEADER_SECONDS = 10  # a request's headers must arrive within this (Granian; waitress: its idle connection timeout)
CONNECTIONS = 1000  # waitress: connections held open at once (its default of 100 let 100 slow ones shut others out)


def can_share_socket() -> bool:
    return hasattr(os, "fork")


SERVERS = ("granian", "waitress")


def serve(host: str, port: int, threads: int, workers: int, server: str = "granian") -> None:
    if server == "granian":
        _granian(host, port, threads, workers)
        return
    if workers <= 1 or not can_share_socket():
        _run(None, host, port, threads)
        return
    listener = socket.create_server(
        (host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET, backlog=1024
    )
    context = multiprocessing.get_context("fork")  # the parent holds only the socket: nothing else is inherited

    def start():
        process = context.Process(target=_run, args=(listener, host, port, threads), daemon=False)
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    # Stopping the parent (Ctrl+C, or SIGTERM from a service manager) stops every worker with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            # A worker that dies (killed, out of memory) is replaced; the others go on serving meanwhile.
            ended = set(wait([p.sentinel for p in processes]))
            for index, process in enumerate(processes):
                if process.sentinel in ended:
                    process.join()
                    log.warning("worker %s ended with exit code %s; starting another", process.pid, process.exitcode)
                    time.sleep(RESTART_PAUSE)  # a worker that cannot start at all must not spin the machine
                    processes[index] = start()
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(STOP_GRACE)
            if process.is_alive():
                process.kill()


def _granian(host: str, port: int, threads: int, workers: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    os.environ["ASSISTANT_THREADS"] = str(threads)  # each worker's pool for the Flask app (assistant/asgi.py)
    Granian(
        "assistant.asgi:app",
        factory=True,
        address=host,
        port=port,
        # ASGI, so that a body is read on Granian's event loop before a thread runs the app (see assistant/asgi.py):
        # served as WSGI, eight connections that sent headers and no body stopped a four-thread worker.
        interface=Interfaces.ASGI,
        workers=workers,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_SECONDS * 1000),
        backlog=1024,
        websockets=False,
        respawn_failed_workers=True,  # a worker that dies (killed, out of memory) is replaced
        respawn_interval=RESTART_PAUSE,
        workers_kill_timeout=STOP_GRACE,
        # Granian's own lines (a worker started, a worker died and was replaced) as JSON lines on stderr, too.
        log_dictconfig={
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "assistant.logs.JsonLines"}},
            "handlers": {
                "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"}
            },
            "loggers": {"_granian": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
        },
    ).serve()


def _run(listener: socket.socket | None, host: str, port: int, threads: int) -> None:
    import waitress

    from .app import create_app

    if listener is not None:
        _stop_with_parent()
    app = create_app()
    # Waitress reads each request whole in its I/O thread before a worker thread runs it: a slow body holds no thread.
    # It closes a connection idle for HEADER_SECONDS, and keeps up to CONNECTIONS open at once.
    options = {"threads": threads, "ident": "assistant", "channel_timeout": HEADER_SECONDS}
    options["connection_limit"] = CONNECTIONS
    if listener is None:
        waitress.serve(app, host=host, port=port, **options)
    else:
        waitress.serve(app, sockets=[listener], **options)


def _stop_with_parent() -> None:
    """On Linux, a worker gets SIGTERM if the parent dies, however it dies, so no worker is left serving alone."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: Ctrl+C and SIGTERM to the parent still stop the workers
