"""`assistant seed`, `import residents`, `db upgrade|revision` and `log purge`: what the registry holds, its schema,
and how long the check log is kept."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import clock, residents, retention, seeding
from . import staff as staff_commands
from .context import Context, fail


@click.group(name="db")
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


@click.group(name="log")
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


@click.command()
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no venues yet.")
def seed(if_empty: bool):
    """Load seeds/: the venues; in demo mode (ASSISTANT_DEMO=1) also the demo residents, faces and kiosks."""
    ctx = Context(upgrade=True)
    demo = ctx.config["DEMO"]
    matcher = ctx.faces().matcher if demo else None
    with ctx.db.session() as s:
        if if_empty and not seeding.is_empty(s):
            click.echo("The database already has data; nothing seeded.")
            return
        # Seeded against the validation clock, so a demo clock (ASSISTANT_AT) sees the scenarios as written.
        now = clock.now(ctx.config["VALIDATION_AT"])
        counts = seeding.seed(s, ctx.config["SEEDS_DIR"], ctx.hash_key, now, matcher, demo=demo)
    if not demo:
        click.echo(f"Seeded {counts['venues']} venues (production: no demo residents). Register kiosks next.")
        return
    total = counts["residents_added"] + counts["residents_updated"]
    click.echo(
        f"Seeded {counts['venues']} venues and {total} demo residents ({counts['residents_added']} new); "
        f"{counts['faces_enrolled']} demo face(s) enrolled with the {matcher.name} matcher."
    )
    for name, token in counts["kiosks"].items():
        click.echo(f"Demo kiosk {name}: device token {token}")
    with ctx.db.session() as s:
        made = seeding.ensure_demo_staff(s, staff_commands.demo_passwords(ctx))
    if made:
        click.echo(f"Demo staff accounts: {', '.join(made)} (`assistant staff demo-logins` shows their passwords).")


@click.group(name="import")
def import_():
    """Import data into the registry."""


@import_.command(name="residents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_residents(file: Path, quiet: bool):
    """Import residents from a CSV file (DESIGN.md's columns), of any size. Any bad row: nothing is imported."""
    from tqdm import tqdm

    from ..residents import importing

    ctx = Context()
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if quiet:
            return
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            scale = {"unit": "B", "unit_scale": True} if stage == "checking" else {"unit": " rows"}
            bars[stage] = tqdm(total=total, desc=stage.capitalize(), file=sys.stderr, **scale)
        bars[stage].update(done - bars[stage].n)

    try:
        added, updated = importing.import_file(ctx.db, file, ctx.hash_key, progress)
    except residents.ImportRejected as rejected:
        for bar in bars.values():
            bar.close()
        for problem in rejected.problems:
            click.echo(f"{file.name}: {problem}", err=True)
        if rejected.unlisted:
            click.echo(f"{file.name}: and {rejected.unlisted} more", err=True)
        fail(f"{len(rejected.problems) + rejected.unlisted} problem(s) found; nothing was imported")
    for bar in bars.values():
        bar.close()
    click.echo(f"Imported {added + updated} residents ({added} new, {updated} updated).")
