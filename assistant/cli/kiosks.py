"""`assistant kiosk add|list|revoke|printer`: register the kiosks at a venue (each gets a device token, shown
once) and name their receipt printers.
`assistant kiosk launch`: on the kiosk computer itself, its browser and reader bridge, kept running."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import kiosks, launcher
from . import reader
from .context import Context, fail


def _line(kiosk) -> str:
    seen = f"last seen {kiosk.last_seen_at.isoformat(timespec='minutes')} UTC" if kiosk.last_seen_at else "never seen"
    state = "revoked" if kiosk.revoked_at else "live"
    printer = f"printer {kiosk.printer} {kiosk.paper_mm} mm" if kiosk.printer else "no printer"
    return f"{kiosk.name}\t{kiosk.venue}\t{seen}\t{printer}\t{state}{' (demo)' if kiosk.demo else ''}"


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


@kiosk_group.command(name="printer")
@click.argument("name")
@click.argument("printer", default="")
@click.option("--paper", type=click.Choice(["80", "58"]), default="80", show_default=True, help="Paper width, mm.")
def printer(name: str, printer: str, paper: str):
    """Name kiosk NAME's receipt printer: usb:VENDOR:PRODUCT, network:HOST[:PORT] or file:/dev/usb/lp0; none
    (leave PRINTER out) when it has none."""
    ctx = Context()
    try:
        with ctx.db.session() as s:
            kiosk = kiosks.set_printer(s, name, printer, int(paper))
            said = f"prints on {kiosk.printer} ({kiosk.paper_mm} mm paper)" if kiosk.printer else "has no printer"
    except kiosks.KioskError as error:
        fail(ctx.texts.error(error.code, "en", error.details), error.code)
    click.echo(f"Kiosk {name} {said}.")


@kiosk_group.command(name="launch")
@click.option("--server", required=True, help="The kiosk server's address, e.g. https://kiosk.example.")
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path), help="The kiosk's device token, alone.")
@click.option("--driver", type=click.Choice(reader.DRIVERS), default="sdtapi", show_default=True)
@click.option("--no-reader", is_flag=True, help="A kiosk without a card reader: the browser alone.")
@click.option("--browser", help="Chromium's path, when it is not found by itself.")
@click.option(
    "--profile",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path.home() / ".local" / "share" / "assistant-kiosk" / "browser",
    show_default=True,
    help="The browser's own profile (it keeps the kiosk's binding).",
)
@click.option("--browser-flag", multiple=True, help="One more flag for Chromium (repeat for more).")
@click.option("--write-policy", type=click.Path(file_okay=False, path_type=Path), help="Write Chromium's policy there.")
@click.option("--print-command", is_flag=True, help="Print the browser's command line and stop.")
def launch(server, token_file, driver, no_reader, browser, profile, browser_flag, write_policy, print_command):
    """The kiosk computer: Chromium full screen on the kiosk's address and the reader bridge beside it, each started
    again if it stops, until stopped (Ctrl+C or SIGTERM). The token is read from --token-file or
    ASSISTANT_KIOSK_TOKEN, and handed to the bridge in its environment, never on a command line."""
    try:
        if write_policy is not None:
            click.echo(f"Chromium's policy for this kiosk: {launcher.write_policy(write_policy, server)}")
            return
        command = launcher.browser_command(launcher.find_browser(browser), server, profile, tuple(browser_flag))
    except launcher.LaunchError as problem:
        fail(str(problem), "launch_failed")
    except OSError as problem:
        fail(f"The policy cannot be written there ({problem.strerror}): run this as root.", "launch_failed")
    if print_command:
        click.echo(" ".join(command))
        return

    def prepare():
        launcher.prepare_profile(profile, server)

    parts = [launcher.Part("browser", command, before=prepare, said=click.echo)]
    if not no_reader:
        token = _token(token_file)
        env = {**os.environ, "ASSISTANT_KIOSK_TOKEN": token}
        bridge = launcher.bridge_command(server, driver)
        parts.append(launcher.Part("reader bridge", bridge, env, stdin=None, said=click.echo))
    click.echo(f"Kiosk computer for {launcher.kiosk_address(server)} (Ctrl+C stops).")
    try:
        launcher.supervise(parts, stopped=lambda: False)
    except KeyboardInterrupt:
        pass


def _token(token_file: Path | None) -> str:
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as problem:
            fail(f"The token file cannot be read ({problem.strerror}).", "kiosk_token_invalid")
    else:
        token = os.environ.get("ASSISTANT_KIOSK_TOKEN", "").strip()
    if not token:
        fail("The reader bridge needs the kiosk's token: --token-file, or ASSISTANT_KIOSK_TOKEN (or --no-reader).",
             "kiosk_token_invalid")  # fmt: skip
    return token
