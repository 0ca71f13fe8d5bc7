"""Serving the app on waitress, in one process or in several that accept on one shared socket.

waitress runs Python in one process, so its threads share one core; a second process uses the second core. The
workers share nothing but the listening socket, the database (SQLite in WAL mode takes one writer at a time) and the
speech cache (written whole, then renamed). Each builds its own app after the fork, so no engine or model is shared.
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


def can_share_socket() -> bool:
    return hasattr(os, "fork")


def serve(host: str, port: int, threads: int, workers: int) -> None:
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
            process.join(10)


def _run(listener: socket.socket | None, host: str, port: int, threads: int) -> None:
    import waitress

    from . import create_app

    if listener is not None:
        _stop_with_parent()
    app = create_app()
    if listener is None:
        waitress.serve(app, host=host, port=port, threads=threads, ident="assistant")
    else:
        waitress.serve(app, sockets=[listener], threads=threads, ident="assistant")


def _stop_with_parent() -> None:
    """On Linux, a worker gets SIGTERM if the parent dies, however it dies, so no worker is left serving alone."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: Ctrl+C and SIGTERM to the parent still stop the workers
