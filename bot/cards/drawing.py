"""What both cards share: the colours, the canvas, and text that always fits."""

from __future__ import annotations

import io
import unicodedata

from PIL import Image, ImageDraw

from bot.cards.fonts import Font

WIDTH = 800
PAD = 32
#: An opaque card with its own contrast reads the same on Discord's and Slack's light
#: and dark themes; only the rounded corners are transparent.
BACKGROUND = (27, 31, 42, 255)
PANEL = (39, 44, 58, 255)
TEXT = (236, 239, 244, 255)
MUTED = (156, 163, 178, 255)
ACCENT = (88, 166, 255, 255)
GOOD = (63, 185, 80, 255)
WARM = (240, 136, 62, 255)
#: Heat-strip shades, from "checked in, no hours" to two hours and more.
HEAT = ((48, 80, 62, 255), (38, 110, 60, 255), (46, 150, 70, 255), (63, 185, 80, 255))
MEDALS = {1: (230, 185, 60, 255), 2: (190, 196, 206, 255), 3: (205, 127, 70, 255)}


def canvas(height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (WIDTH, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, WIDTH - 1, height - 1), radius=18, fill=BACKGROUND)
    return image, draw


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # compress_level 1: a few kB larger than the default, several times faster to write.
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def clean(text: str) -> str:
    """One printable line: control and format characters (new lines, bidi overrides,
    zero-width joiners) dropped, runs of space made one."""
    kept = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return " ".join(kept.split())


def width_of(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    return draw.textlength(text, font=font)


def fit(draw: ImageDraw.ImageDraw, text: str, font: Font, max_width: float) -> str:
    """`text`, cut with an ellipsis to at most `max_width` pixels."""
    text = clean(text)
    if width_of(draw, text, font) <= max_width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if width_of(draw, text[:middle].rstrip() + "…", font) <= max_width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
