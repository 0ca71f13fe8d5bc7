"""The check log at the staff desk: filters, the two pictures with their tables, and CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app, render_template, request, stream_with_context
from sqlalchemy import select

from ... import venues as venue_rows
from ...checks import LOGGED_METHODS as METHODS
from ...clock import SHANGHAI
from ...models import Kiosk
from ...staff import audit, checklog
from .. import services
from . import actor, bp, charts, local_time, moment_arg, paging


def _filters(errors: list) -> checklog.Filters:
    args = request.args
    return checklog.Filters(
        venue=args.get("venue", "")[:64],
        kiosk=args.get("kiosk", "")[:64],
        method=args.get("method", ""),
        status=args.get("status", ""),
        decision=args.get("decision", ""),
        since=moment_arg("since", errors),
        until=moment_arg("until", errors),
    )


@bp.get("/checks")
def checks():
    errors: list = []
    filters = _filters(errors)
    before, query = paging()
    with services.db().session() as s:
        rows = checklog.page(s, filters, before)
        period = checklog.chart_period(filters, datetime.now(UTC))  # the log's own clock: when checks happened
        hours = checklog.per_hour(s, period)
        reasons = checklog.referrals_by_reason(s, period)
        venues = venue_rows.listed(s)
        kiosk_names = list(s.scalars(select(Kiosk.name).order_by(Kiosk.name)))
        s.expunge_all()
    return render_template(
        "staff/checks.html",
        errors=errors,
        rows=rows,
        hours=hours,
        period=(local_time(period.since), local_time(period.until)),
        column_chart=charts.columns(hours, checklog.STATUSES),
        reasons=reasons,
        bar_chart=charts.bars(reasons),
        venues=venues,
        kiosk_names=kiosk_names,
        methods=METHODS,
        statuses=checklog.STATUSES,
        decisions=checklog.DECISIONS,
        args=request.args,
        query=query,
        next_before=rows[-1].id if len(rows) == checklog.PAGE else None,
        retention_days=current_app.config["LOG_RETENTION_DAYS"],
        texts=services.texts(),
    ), (400 if errors else 200)


@bp.get("/checks.csv")
def export_checks():
    errors: list = []
    filters = _filters(errors)
    shown = ", ".join(f"{k}={v}" for k, v in request.args.items() if v) or "everything"
    with services.db().session() as s:
        audit.record(s, actor(), "export", detail=f"check log CSV: {shown}"[:400])
    db = services.db()

    def lines():
        with db.session() as s:
            yield from checklog.csv_lines(s, filters)

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    stamp = datetime.now(SHANGHAI).strftime("%Y%m%d-%H%M")
    response.headers["Content-Disposition"] = f'attachment; filename="checks-{stamp}.csv"'
    return response
