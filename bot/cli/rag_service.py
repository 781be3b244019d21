"""The `AskService` for `pathbot ask` and `pathbot index`, or one line saying what is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cli.errors import fail
from bot.cli.settings import settings_or_fail

if TYPE_CHECKING:
    from bot.rag.service import AskService


def ask_service_or_fail() -> AskService:
    """Imported here, not at module level: the `rag` extra is optional and slow to import."""
    try:
        from bot.rag.service import AskService
    except ImportError as error:
        fail(f"{error.name} is missing: pip install 'pathbot[rag]' to use the retrieval index")
    return AskService.from_settings(settings_or_fail())
