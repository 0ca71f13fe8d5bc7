"""Generated registries for benchmarks and tests: any number of distinct, valid residents as DESIGN.md's CSV."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from assistant.identity import make_number
from assistant.residents import COLUMNS

AREAS = 20
DAYS = 25_000  # birth dates from 1930 on


def number(i: int) -> str:
    """The i-th generated ID number: distinct for every i below 500 million."""
    area, rest = i % AREAS, i // AREAS
    return make_number(f"3101{area + 1:02d}", date(1930, 1, 1) + timedelta(days=rest % DAYS), rest // DAYS)


def row(i: int, doses: int | None = None) -> str:
    tested = i % 5 != 0
    test = f"2026-11-2{i % 8}T{i % 24:02d}:00:00,{'positive' if i % 50 == 7 else 'negative'}" if tested else ","
    risk = f"{'high' if i % 2 else 'medium'},2026-11-1{i % 10} 09:30" if i % 10 == 3 else ","
    name = "王某某" if i % 3 else "Ann Lee"
    return f"{number(i)},{name},,{test},{risk},{i % 4 if doses is None else doses},{'en' if i % 7 == 0 else 'zh'}"


def write_csv(path: Path, count: int, start: int = 0, doses: int | None = None) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(COLUMNS) + "\n")
        for i in range(start, start + count):
            f.write(row(i, doses) + "\n")
    return path
