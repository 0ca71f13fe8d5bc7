"""The printable pass card: credit-card size at 300 dpi, the QR code about 38 mm across, the holder's name in
large print, the expiry date, and short instructions in Chinese and English. PNG for screens, PDF for printers."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

DPI = 300
SIZE = (1011, 638)  # 85.6 x 54 mm, the size of an ID card
MODULE = 12  # pixels a QR module: 37 modules (version 5) make a code 37.6 mm across
FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Bold.ttc",
    "C:/Windows/Fonts/msyhbd.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


CLOSING = "。，、；：！？）」』》"  # Chinese punctuation that ends a phrase


class FontMissing(RuntimeError):
    """No font with Chinese characters: install fonts-noto-cjk (make run does)."""


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=2)  # index 2 of the Noto collection: Simplified Chinese
    raise FontMissing("no CJK font found")


def qr_image(token: str) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=MODULE, border=4)
    code.add_data(token, optimize=0)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def wrap_text(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Break text to fit `width` pixels: at spaces for English, anywhere for Chinese."""
    lines, line = [], ""
    units = text.split(" ") if text.isascii() else list(text)
    joiner = " " if text.isascii() else ""
    for unit in units:
        candidate = f"{line}{joiner}{unit}" if line else unit
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
        elif not joiner and unit in CLOSING and len(line) > 1:  # 。 never starts a line: it takes a character along
            lines.append(line[:-1])
            line = line[-1] + unit
        else:
            lines.append(line)
            line = unit
    return lines + [line]


def render(token: str, name: str, expires: date) -> Image.Image:
    card = Image.new("L", SIZE, 255)
    code = qr_image(token)
    top = (SIZE[1] - code.height) // 2
    card.paste(code, (20, top))
    draw = ImageDraw.Draw(card)
    left, width = 20 + code.width + 10, SIZE[0] - (20 + code.width + 10) - 30
    y = 40
    draw.text((left, y), name, font=cjk_font(64), fill=0)
    y += 100
    for text, size in (
        (f"有效期至{expires.year}年{expires.month}月{expires.day}日", 30),
        (f"Valid until {expires:%d %B %Y}", 28),
        ("入口处请出示本卡和身份证。", 28),
        ("Show this card and your ID card at the entrance.", 26),
    ):
        font = cjk_font(size)
        for line in wrap_text(draw, text, font, width):
            draw.text((left, y), line, font=font, fill=0)
            y += int(size * 1.35)
        y += 12
    draw.text((left, SIZE[1] - 50), "模拟 · SIMULATION", font=cjk_font(22), fill=0)
    draw.rectangle([(0, 0), (SIZE[0] - 1, SIZE[1] - 1)], outline=0, width=3)
    return card


def write(token: str, name: str, expires: date, folder: Path, stem: str = "pass") -> tuple[Path, Path]:
    """Write the card as PNG and PDF (both at 300 dpi); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    card = render(token, name, expires)
    png, pdf = folder / f"{stem}.png", folder / f"{stem}.pdf"
    card.save(png, dpi=(DPI, DPI))
    card.save(pdf, "PDF", resolution=DPI)
    return png, pdf


def pdf_bytes(token: str, name: str, expires: date) -> bytes:
    """The card as a PDF at 300 dpi, in memory (the staff console prints it without writing a file)."""
    buffer = io.BytesIO()
    render(token, name, expires).save(buffer, "PDF", resolution=DPI)
    return buffer.getvalue()
