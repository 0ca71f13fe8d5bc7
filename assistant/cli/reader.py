"""`assistant reader run|tap`: the reader bridge on the kiosk computer, beside its browser."""

from __future__ import annotations

import sys
import threading
import time

import click

from .. import config as settings
from .. import inputs
from ..reader import POLL_SECONDS, DriverUnavailable, bridge
from ..reader.simulated import SimulatedReader
from .context import fail

DRIVERS = ("simulated", "sdtapi")


def _seeds():
    return settings.load()["SEEDS_DIR"]


def _driver(name: str, library: str | None, port: int):
    if name == "simulated":
        return SimulatedReader(_seeds())
    from ..reader.sdtapi import SdtapiReader

    return SdtapiReader(library, port)


def _feed(reader: SimulatedReader, stopped: threading.Event) -> None:
    """The simulated reader's hand: a line with a card's number places that card, an empty line lifts it."""
    for line in sys.stdin:
        words = line.split()
        if not words:
            reader.lift()
        elif inputs.whole_number(words[0], 1, len(reader.cards)) is not None:
            reader.place(int(words[0]))
        else:
            click.echo(f"Type a card's number from 1 to {len(reader.cards)}, or an empty line to lift the card.")
    time.sleep(2 * POLL_SECONDS)  # the end of the input: a card placed last is still read before the bridge stops
    stopped.set()


@click.group(name="reader")
def reader_group():
    """The card reader bridge: reads cards and sends each read to the kiosk's server."""


@reader_group.command(name="run")
@click.option("--server", required=True, help="The kiosk server's address, e.g. https://kiosk.example.")
@click.option("--token", required=True, envvar="ASSISTANT_KIOSK_TOKEN", help="This kiosk's device token.")
@click.option("--driver", type=click.Choice(DRIVERS), default="sdtapi", show_default=True)
@click.option("--library", help="sdtapi: the path of the vendor's library, when it is not found by itself.")
@click.option("--port", type=int, default=1001, show_default=True, help="sdtapi: 1001-1016 USB, 1-16 serial.")
def run(server: str, token: str, driver: str, library: str | None, port: int):
    """Read cards until stopped (Ctrl+C). Each card placed on the reader is sent once; the kiosk's screen moves
    on by itself. With --driver simulated, type a demo card's number to place it and an empty line to lift it."""
    try:
        reader = _driver(driver, library, port)
    except DriverUnavailable as problem:
        fail(str(problem), "reader_missing")
    stopped = threading.Event()
    if isinstance(reader, SimulatedReader):
        threading.Thread(target=_feed, args=(reader, stopped), daemon=True).start()
        click.echo(f"Simulated reader with {len(reader.cards)} demo cards: type a number to place one.")
    click.echo(f"Reading cards for {server} (Ctrl+C stops).")
    try:
        bridge.run(reader, server, token, say=click.echo, stop=stopped.is_set)
    except bridge.TokenRefused as problem:
        fail(str(problem), "kiosk_token_invalid")
    except KeyboardInterrupt:
        pass
    finally:
        reader.close()


@reader_group.command(name="tap")
@click.option("--server", required=True, help="The kiosk server's address.")
@click.option("--token", required=True, envvar="ASSISTANT_KIOSK_TOKEN", help="This kiosk's device token.")
@click.option("--card", "number", type=int, required=True, help="Which demo card, from 1 (the kiosk's order).")
def tap(server: str, token: str, number: int):
    """Tap one demo card on the simulated reader: one read, sent as the bridge sends it."""
    reader = SimulatedReader(_seeds())
    try:
        card = reader.card(number)
    except IndexError:
        fail(f"There is no demo card {number}: choose from 1 to {len(reader.cards)}.", "card_unreadable")
    try:
        click.echo(bridge.describe(*bridge.post(server, token, card)))
    except bridge.BridgeError as problem:
        fail(str(problem), "kiosk_token_invalid" if isinstance(problem, bridge.TokenRefused) else "reader_missing")
