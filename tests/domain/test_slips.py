"""The printed slip, as a receipt printer receives it: the ESC/POS bytes python-escpos makes (initialise, a raster
image, cut) are parsed back into the image, which is the slip drawn at the paper's width, in both languages."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from assistant import slips

ZH = slips.Slip(
    venue="地铁站",
    when="2026年12月7日 下午3点05分",
    decision="请在此等候。",
    next_step="工作人员会来帮助您。",
    name="王*",
    reasons=(("核酸结果已3天", "您最近一次核酸检测是3天前。", "请先做核酸检测。"),),
    labels={"name": "持卡人：", "what": "您可以：", "reasons": "原因"},
)
EN = slips.Slip(
    venue="Hospital",
    when="7 December 2026, 3:05 pm",
    decision="Please wait here.",
    next_step="A staff member will come and help you.",
    name="* Brown",
    reasons=(
        ("Test 3 days old", "Your last test was 3 days ago.", "Get a test first."),
        ("One vaccine dose", "This place asks for 2 doses.", "Ask staff about vaccination."),
    ),
    labels={"name": "Card holder:", "what": "What you can do:", "reasons": "Why"},
)


def rasters(data: bytes) -> Image.Image:
    """Every GS v 0 raster block in `data`, stacked: what the printer would print."""
    blocks, at = [], 0
    while (at := data.find(b"\x1dv0", at)) >= 0:
        x_bytes = data[at + 4] + 256 * data[at + 5]
        rows = data[at + 6] + 256 * data[at + 7]
        body = data[at + 8 : at + 8 + x_bytes * rows]
        # ESC/POS: a set bit is a dot printed (black); Pillow's "1" mode: a set bit is white.
        blocks.append(ImageChops.invert(Image.frombytes("1", (x_bytes * 8, rows), body)))
        at += 8 + x_bytes * rows
    assert blocks, "no raster image in the bytes"
    whole = Image.new("1", (blocks[0].width, sum(b.height for b in blocks)), 1)
    y = 0
    for block in blocks:
        whole.paste(block, (0, y))
        y += block.height
    return whole


@pytest.mark.parametrize("paper", [80, 58])
@pytest.mark.parametrize("slip", [ZH, EN], ids=["zh", "en"])
def test_the_printer_gets_the_slip_as_drawn_at_the_papers_width_then_a_cut(slip, paper):
    drawn = slips.draw(slip, paper)
    assert drawn.mode == "1" and drawn.width == slips.DOTS[paper]
    data = slips.commands(drawn)
    assert data.startswith(b"\x1b@")  # initialise
    assert b"\x1dV" in data[-8:]  # and cut, at the end
    printed = rasters(data)
    assert printed.width == drawn.width and printed.height >= drawn.height
    assert printed.crop((0, 0, *drawn.size)).tobytes() == drawn.tobytes()  # dot for dot


@pytest.mark.parametrize("slip", [ZH, EN], ids=["zh", "en"])
def test_every_line_is_printed_in_large_print_within_the_paper(slip):
    wide, narrow = slips.draw(slip, 80), slips.draw(slip, 58)
    for image in (wide, narrow):  # the words wrapped, never cut off at the edge
        inked = ImageChops.invert(image.convert("L")).getbbox()
        assert inked is not None and inked[2] <= image.width - slips.MARGIN + 1  # nothing past the paper's edge
    assert min(min(sizes) for sizes in slips.SIZES.values()) >= 28  # 3.5 mm at 203 dpi: large print


def test_a_printer_that_is_missing_is_a_printer_problem_never_a_crash(tmp_path):
    data = slips.commands(slips.draw(EN))
    slips.send(f"file:{tmp_path / 'lp0'}", data)
    assert (tmp_path / "lp0").read_bytes() == data
    for spec in (f"file:{tmp_path / 'no-such' / 'lp0'}", "network:127.0.0.1:9", "usb:04b8:0e15", "paper:"):
        with pytest.raises(slips.PrinterProblem):
            slips.send(spec, data)


def test_chinese_punctuation_never_starts_a_line():
    from PIL import ImageDraw

    from assistant.passes.card import cjk_font, wrap_text

    pen = ImageDraw.Draw(Image.new("1", (1, 1)))
    face = cjk_font(28)
    text = "您最近一次核酸检测是3天前。"
    lines = wrap_text(pen, text, face, int(pen.textlength(text[:-1], font=face)) + 2)
    assert "".join(lines) == text and len(lines) == 2 and not lines[1].startswith("。")


@pytest.mark.parametrize(
    ("spec", "valid"),
    [
        ("usb:04b8:0e15", True),
        ("network:192.168.1.40", True),
        ("network:printer.local:9100", True),
        ("file:/dev/usb/lp0", True),
        ("simulated", True),
        ("usb:4b8:e15", False),
        ("network:host:70000", False),
        ("network:host:0", False),
        ("network:", False),
        ("file:dev/lp0", False),
        ("file:/dev/../etc/passwd", False),
        ("lpt1", False),
        ("file:/dev/lp0\n", False),
    ],
)
def test_only_a_printer_the_kiosk_can_send_to_is_kept(spec, valid):
    assert slips.valid_printer(spec) is valid
