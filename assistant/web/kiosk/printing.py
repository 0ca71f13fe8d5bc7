"""The kiosk's "Print this for me": the slip of the result on screen goes to this kiosk's printer, and the result
screen says what became of it. In demo mode the simulated printer's paper is shown on the screen, as an image.
Its routes join the kiosk blueprint."""

from __future__ import annotations

import io

from flask import abort, current_app, redirect, send_file, url_for

from ... import slips
from ..venues import venue_or_404
from . import bp, printer, shown_result


@bp.post("/<venue>/print")
def print_slip(venue: str):
    place = venue_or_404(venue)
    result = shown_result(place)
    if result is None:  # the screen cleared itself meanwhile: nothing to print, and nobody's result is shown
        return redirect(url_for("kiosk.home", venue=place.slug), code=303)
    where = printer.this_kiosk()
    if where is None or not printer.printable(result):
        abort(404)
    printer.print_result(place, result, where)
    return redirect(url_for("kiosk.result", venue=place.slug), code=303)


@bp.get("/<venue>/slip.png")
def simulated_paper(venue: str):
    """The demo's simulated printer: the slip of the result on screen, drawn as the paper would come out."""
    place = venue_or_404(venue)
    where = printer.this_kiosk()
    result = shown_result(place)
    if not current_app.config["DEMO"] or where is None or where[0] != slips.SIMULATED or result is None:
        abort(404)
    image = io.BytesIO()
    slips.draw(printer.slip_of(result), where[1]).save(image, "PNG", optimize=True)
    image.seek(0)
    answer = send_file(image, mimetype="image/png", max_age=0)
    answer.headers["Cache-Control"] = "no-store"  # the masked name is on it: not kept by the browser
    return answer
