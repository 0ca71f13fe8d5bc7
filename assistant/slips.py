"""The printed slip: a result's reasons on paper, for a person to take home or show at the next door. The venue,
the time, the decision, each reason with its next step, and the masked name only: no full number, no QR code.

The slip is drawn as a raster image, Chinese and English alike, in large print with the CJK font the printed pass
uses; a receipt printer's own Chinese code pages differ from one make to the next, a raster prints the same on
every ESC/POS printer. python-escpos turns the image into the printer's commands and cuts the paper. A printer is
named per kiosk: "usb:VENDOR:PRODUCT" (hex), "network:HOST[:PORT]", "file:PATH" (a device such as /dev/usb/lp0),
or "simulated" (demo mode: the slip is shown on the screen as an image of the paper)."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from PIL import Image, ImageDraw

from .passes.card import cjk_font, wrap_text

SIMULATED = "simulated"
PAPERS = (80, 58)
DOTS = {80: 576, 58: 384}  # printable width in dots at 203 dpi, for 80 mm and 58 mm paper
MARGIN = 8
SIZES = {80: (44, 34), 58: (34, 28)}  # heading and body text in dots: 5.5 and 4.3 mm tall at 80 mm


# What an admin may name as a kiosk's printer (checked before it is kept): a device path, a host and port, a USB id.
_SPECS = re.compile(
    r"^(?:usb:[0-9a-fA-F]{4}:[0-9a-fA-F]{4}"
    r"|network:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::[0-9]{1,5})?"
    r"|file:/[A-Za-z0-9._/-]{1,190}"
    rf"|{SIMULATED})$"
)


def valid_printer(spec: str) -> bool:
    """Whether `spec` names a printer this module can send to (a port above 65535 is not one)."""
    if not _SPECS.fullmatch(spec):
        return False
    kind, _, where = spec.partition(":")
    if kind == "network" and ":" in where:
        return 0 < int(where.rpartition(":")[2]) < 65536
    return ".." not in where.split("/")


class PrinterProblem(RuntimeError):
    """The printer is missing, offline or out of paper: the kiosk says so calmly and asks staff to come."""


@dataclass(frozen=True)
class Slip:
    venue: str
    when: str  # the local time as the person reads it
    decision: str
    next_step: str
    name: str | None  # masked: "王*", "* Brown"
    reasons: tuple[tuple[str, str, str], ...]  # (title, text, what you can do)
    labels: dict  # the slip's own words in the person's language: "name", "what", "reasons"


def draw(slip: Slip, paper_mm: int = 80) -> Image.Image:
    """The slip as a 1-bit image the width of the paper, as tall as its words."""
    width = DOTS[paper_mm] - 2 * MARGIN
    big, body = (cjk_font(size) for size in SIZES[paper_mm])
    blocks: list[tuple[str, object, int]] = [(slip.venue, big, 6), (slip.when, body, 18)]
    blocks += [(slip.decision, big, 4), (slip.next_step, body, 18)]
    if slip.name:
        blocks.append((f"{slip.labels['name']} {slip.name}", body, 18))
    if slip.reasons:
        blocks.append((slip.labels["reasons"], big, 8))
    for number, (title, text, next_step) in enumerate(slip.reasons, start=1):
        blocks += [(f"{number}. {title}", big, 4), (text, body, 6), (f"{slip.labels['what']} {next_step}", body, 20)]
    laid: list[tuple[str, object, int]] = []  # each line, its face, and the space after it
    measure = ImageDraw.Draw(Image.new("1", (1, 1)))
    for text, face, gap in blocks:
        lines = wrap_text(measure, text, face, width)
        laid += [(line, face, gap if i == len(lines) - 1 else 0) for i, line in enumerate(lines)]
    height = 2 * MARGIN + sum(face.size * 13 // 10 + gap for _, face, gap in laid)
    paper = Image.new("1", (DOTS[paper_mm], height), 1)
    pen = ImageDraw.Draw(paper)
    y = MARGIN
    for line, face, gap in laid:
        pen.text((MARGIN, y), line, font=face, fill=0)
        y += face.size * 13 // 10 + gap
    return paper


def commands(image: Image.Image) -> bytes:
    """The ESC/POS bytes that print `image` and cut the paper (what a printer is sent)."""
    from escpos.printer import Dummy

    printer = Dummy()
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster")
    printer.cut()
    return printer.output


def send(spec: str, data: bytes) -> None:
    """Send ESC/POS bytes to the printer `spec` names; raises PrinterProblem however it fails."""
    kind, _, where = spec.partition(":")
    try:
        if kind == "file":
            with open(where, "wb") as device:
                device.write(data)
        elif kind == "network":  # raw TCP, as every network receipt printer takes it (port 9100 unless told)
            host, _, port = where.partition(":")
            with socket.create_connection((host, int(port or 9100)), timeout=5) as connection:
                connection.sendall(data)
        elif kind == "usb":
            from escpos.printer import Usb

            vendor, _, product = where.partition(":")
            printer = Usb(int(vendor, 16), int(product, 16))
            printer._raw(data)
            printer.close()
        else:
            raise PrinterProblem(f"no printer of kind {kind!r}")
    except PrinterProblem:
        raise
    except Exception as problem:  # a missing device, a refused connection, a USB error: all the same to a person
        raise PrinterProblem(type(problem).__name__) from None
