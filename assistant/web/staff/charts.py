"""The check log's two pictures, drawn on the server as SVG: checks per hour by status (stacked columns) and
referrals by reason (bars). The same numbers go in a table beside each, for screen readers and for reading."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240
AXIS = 40  # room on the left for the scale, and below for the hours


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    status: str


def columns(hours: list, statuses: tuple[str, ...]) -> dict:
    """Stacked columns, one per hour; returns the rectangles, the scale's top and the labels to show."""
    top = max((sum(counts.values()) for _, counts in hours), default=0) or 1
    plot_w, plot_h = WIDTH - AXIS - 24, HEIGHT - AXIS  # room at the right for the last hour's label
    step = plot_w / max(len(hours), 1)
    rects, labels = [], []
    every = max(1, len(hours) // 8)  # at most about eight hour labels under the columns
    for index, (moment, counts) in enumerate(hours):
        x, base = AXIS + index * step, plot_h
        for status in statuses:
            height = plot_h * counts[status] / top
            if height:
                rects.append(
                    Rect(round(x + 1, 1), round(base - height, 1), round(max(step - 2, 1), 1), round(height, 1), status)
                )
                base -= height
        if index % every == 0:
            labels.append((round(x + step / 2, 1), moment.strftime("%H:00"), moment.strftime("%m-%d")))
    return {
        "rects": rects,
        "top": top,
        "labels": labels,
        "width": WIDTH,
        "height": HEIGHT,
        "axis": AXIS,
        "plot_h": plot_h,
    }


def bars(counts: list[tuple[str, int]]) -> dict:
    """Horizontal bars, one per reason, longest first."""
    top = max((n for _, n in counts), default=0) or 1
    row = 36
    label_w = 0  # each bar's number and reason are written just after it; the bar starts at the left
    plot_w = WIDTH - 340  # room after the longest bar for its words
    rows = [
        {"y": i * row + 4, "width": round(max(plot_w * n / top, 2), 1), "count": n, "code": code}
        for i, (code, n) in enumerate(counts)
    ]
    return {"rows": rows, "width": WIDTH, "height": max(len(rows) * row + 8, row), "label_w": label_w}
