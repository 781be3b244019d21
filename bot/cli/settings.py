"""Settings for a CLI command: read once, and a bad value is one line, not a traceback."""

from __future__ import annotations

from pydantic import ValidationError

from bot.cli.errors import fail
from bot.config import Settings, load_settings


def settings_or_fail() -> Settings:
    """The settings, or exit 1 naming the first bad one (`invalid setting PATHBOT_…`)."""
    try:
        return load_settings()
    except ValidationError as error:
        first = error.errors()[0]
        fail(f"invalid setting {'.'.join(map(str, first['loc']))}: {first['msg']}")
