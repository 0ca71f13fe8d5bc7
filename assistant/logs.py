"""Structured logs: one JSON object a line on standard error, for a log collector. Callers pass only what is safe
to keep (a kiosk's name, a route's pattern, a status, a duration); nothing here ever sees an ID number or a token."""

from __future__ import annotations

import json
import logging
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


def configure(level: int = logging.INFO) -> None:
    """Every log record of this process, as JSON lines on standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its every-start "Context impl" lines say nothing new
