"""`assistant kiosk add|list|revoke`: register the kiosks at a venue; each gets a device token, shown once."""

from __future__ import annotations

import click

from .. import kiosks
from .context import Context, fail


def _line(kiosk) -> str:
    seen = f"last seen {kiosk.last_seen_at.isoformat(timespec='minutes')} UTC" if kiosk.last_seen_at else "never seen"
    state = "revoked" if kiosk.revoked_at else "live"
    return f"{kiosk.name}\t{kiosk.venue}\t{seen}\t{state}{' (demo)' if kiosk.demo else ''}"


@click.group(name="kiosk")
def kiosk_group():
    """Kiosks: register one at a venue (its device token is printed once), list them, revoke one."""


@kiosk_group.command(name="add")
@click.argument("name")
@click.option("--venue", required=True, help="The venue's slug, e.g. metro.")
def add(name: str, venue: str):
    """Register kiosk NAME at a venue. The last line printed is its device token, alone: keep it safe."""
    ctx = Context()
    try:
        with ctx.db.session() as s:
            kiosk, token = kiosks.add(s, name, venue)
            name, venue = kiosk.name, kiosk.venue
    except kiosks.KioskError as error:
        fail(ctx.texts.error(error.code, "en", error.details), error.code)
    click.echo(f"Kiosk {name} registered at {venue}. Its device token is shown once, on the next line;")
    click.echo("type it on the kiosk's set-up screen (/kiosk/setup) or give it to its reader bridge.")
    click.echo(token)


@kiosk_group.command(name="list")
def list_():
    """Every kiosk: name, venue, when it was last seen, and whether it is revoked."""
    ctx = Context()
    with ctx.db.session() as s:
        rows = kiosks.all_kiosks(s)
        lines = [_line(k) for k in rows]
    click.echo("\n".join(lines) if lines else "No kiosks yet. `assistant kiosk add NAME --venue SLUG` adds one.")


@kiosk_group.command(name="revoke")
@click.argument("name")
def revoke(name: str):
    """Revoke kiosk NAME: its token stops working at once and its browser returns to the set-up screen."""
    ctx = Context()
    try:
        with ctx.db.session() as s:
            kiosks.revoke(s, name)
    except kiosks.KioskError as error:
        fail(ctx.texts.error(error.code, "en", error.details), error.code)
    click.echo(f"Kiosk {name} revoked.")
