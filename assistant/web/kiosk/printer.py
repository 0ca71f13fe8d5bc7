"""The kiosk's receipt printer: which one this kiosk has, the slip of the result on screen in the screen's language,
and printing it. A printer that is missing, offline or out of paper calls staff (a help request naming the printer)
and the screen says so calmly; the person loses nothing, the result stays on the screen. The routes that use this
are in printing.py; show_result uses it to print a referral's slip where the venue asks for that."""

from __future__ import annotations

import logging

from flask import current_app, g
from flask_babel import gettext as _

from ... import help_requests, metrics, slips
from ...models import Venue
from .. import services
from . import spoken, state

log = logging.getLogger(__name__)

COLON = {"zh": "：", "en": ": "}  # between the status and the decision, as each language writes it
OUTCOMES = spoken.SLIPS  # on paper; on the screen (the demo's simulated printer); not at all


def this_kiosk() -> tuple[str, int] | None:
    """This kiosk's printer and its paper width, or None. The simulated printer exists only in demo mode."""
    kiosk = g.get("kiosk")
    if kiosk is None or not kiosk.printer:
        return None
    if kiosk.printer == slips.SIMULATED and not current_app.config["DEMO"]:
        return None
    return kiosk.printer, kiosk.paper_mm


def printable(result: dict) -> bool:
    """A result worth taking home: one that asks the person to wait, or that gives reasons."""
    return bool(result.get("held") or result["decision"] == "refer" or result["reasons"])


def slip_of(result: dict) -> slips.Slip:
    """The slip of a described result, in its language: the screen's own words, the masked name only."""
    held = result.get("held")
    decision = f"{result['status_text']}{COLON[result['lang']]}{result['decision_text']}"
    return slips.Slip(
        venue=result["venue"]["name"],
        when=result["at_text"],
        decision=_("Please wait here") if held else decision,
        next_step=_("A staff member is coming to help you.") if held else result["next_step"],
        name=result["subject"]["name"] if result.get("subject") else None,
        reasons=tuple((r["title"], r["text"], r["next_step"]) for r in result["reasons"]),
        labels={"name": _("Card holder:"), "reasons": _("Why"), "what": _("What you can do:")},
    )


def print_result(place: Venue, result: dict, printer: tuple[str, int], asked: bool = True) -> str:
    """Print the slip of `result` (the simulated printer keeps it for the screen). Returns one of OUTCOMES; when the
    printer fails, staff are called and this screen watches for them, unless it already watches a referral's call."""
    spec, paper = printer
    kiosk = g.get("kiosk")
    outcome = "shown"
    if spec != slips.SIMULATED:
        try:
            slips.send(spec, slips.commands(slips.draw(slip_of(result), paper)))
            outcome = "printed"
        except slips.PrinterProblem as problem:
            log.warning("printer of kiosk %s failed: %s", kiosk.name if kiosk else "-", problem)
            outcome = "failed"
            with services.db().session() as s:
                help_id = help_requests.press(
                    s,
                    kiosk=kiosk.name if kiosk else None,
                    venue=place.slug,
                    screen="result",
                    check_id=result["check_id"],
                    kind="printer",
                )
            if state.help_id(place.slug) is None:
                state.watch_help(help_id, place.slug)
    metrics.slip(place.slug, kiosk.name if kiosk else None, outcome)
    state.note_print(result["check_id"], outcome, asked)
    return outcome
