"""Structured logs: one JSON object a line on standard error, for a log collector. Callers pass only what is safe
to keep (a kiosk's name, a route's pattern, a status, a duration); nothing here ever sees an ID number or a token."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

# The fields a record may carry beyond its message (set with `extra=`); anything else is left out.
FIELDS = ("kiosk", "route", "method", "status", "duration_ms", "code")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__  # the class only: a message can quote what a person typed
        return json.dumps(entry, ensure_ascii=False)


class Lines(logging.Handler):
    """Each record as one `os.write` of its whole line to standard error: no handler lock and no flush. A check's
    access-log line through logging.StreamHandler cost about 100 µs of CPU (a fifth of a check's, profiled), and
    its lock, held across the write, made the threads of a busy worker queue for it. One write call a line keeps
    lines whole (each is written in full before the next, as the kernel does for a write to a file or to a pipe of
    under 4 KiB)."""

    def __init__(self, stream=None) -> None:
        super().__init__()
        self.fd = (stream or sys.stderr).fileno()

    def handle(self, record: logging.LogRecord) -> bool:
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = (self.format(record) + "\n").encode("utf-8", "replace")
            while line:
                line = line[os.write(self.fd, line) :]
        except Exception:
            self.handleError(record)


def configure(level: int = logging.INFO) -> None:
    """Every log record of this process, as JSON lines on standard error."""
    # What a record would otherwise look up on every call and this format never shows (the logging HOWTO's
    # "Optimization"): the caller's file and line, and the process's and thread's names.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    try:
        handler = Lines(sys.stderr)
    except (AttributeError, OSError, ValueError):  # a standard error without a file descriptor (an embedding host)
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its every-start "Context impl" lines say nothing new
