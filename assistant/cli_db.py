"""`assistant db upgrade|revision` and `assistant log purge`: the schema, and how long the check log is kept."""

from __future__ import annotations

import click

from . import retention


def register(main: click.Group, Context, fail) -> None:
    @main.group(name="db")
    def db_group():
        """The database's schema, made and changed only by migrations."""

    @db_group.command(name="upgrade")
    def upgrade():
        """Bring the schema up to date (safe to run again, and from two servers at once). Data is kept."""
        ctx = Context(upgrade=True)
        click.echo(f"The database's schema is at {ctx.db.revision()} (the newest).")

    @db_group.command(name="revision")
    def revision():
        """Print the schema's revision and the newest this version of the assistant knows."""
        ctx = Context(upgrade=None)
        click.echo(f"database: {ctx.db.revision() or 'empty'}; newest: {ctx.db.head()}")

    @main.group(name="log")
    def log_group():
        """The check log and help requests."""

    @log_group.command(name="purge")
    @click.option(
        "--older-than",
        "days",
        type=click.IntRange(1, 36500),
        default=None,
        help="Days to keep (default: ASSISTANT_LOG_RETENTION_DAYS, 30).",
    )
    def purge(days: int | None):
        """Delete check-log rows and help requests older than the retention period. Run it daily (see README)."""
        ctx = Context()
        days = days or ctx.config["LOG_RETENTION_DAYS"]
        removed = retention.purge(ctx.db, days)
        click.echo(
            f"Removed {removed['checks']} check-log rows and {removed['help_requests']} help requests "
            f"older than {days} days."
        )
