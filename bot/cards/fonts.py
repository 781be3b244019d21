"""Fonts for the cards, never fetched: DejaVu Sans where the system has it (Debian's
fonts-dejavu-core, in the image; wide Unicode coverage), else the font Pillow bundles."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu"),  # Fedora, Arch
    Path("/usr/share/fonts/TTF"),
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=1)
def dejavu_dir() -> Path | None:
    for directory in _DIRS:
        if (directory / "DejaVuSans.ttf").is_file():
            return directory
    return None


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> Font:
    directory = dejavu_dir()
    if directory is not None:
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        path = directory / name if (directory / name).is_file() else directory / "DejaVuSans.ttf"
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)
