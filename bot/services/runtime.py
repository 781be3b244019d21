"""Assembling the core from settings: engine, migrations, curriculum, Core.

Every front end (console chat, `pathbot run`, the platform adapters) starts here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.loader import load_curriculum
from bot.services.context import Asker, Core
from bot.services.dashboard_links import DashboardLinks
from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions

if TYPE_CHECKING:  # the rag extra may not be installed
    from bot.rag.service import AskService


@asynccontextmanager
async def open_core(
    settings: Settings, clock: Clock, asker: Asker | None = None
) -> AsyncIterator[Core]:
    """A ready Core: SQLite is migrated, a PostgreSQL database behind head is refused.

    Raises `migrate.DatabaseNotReady` or `CurriculumError` with one-line messages.
    """
    curriculum = load_curriculum(settings.curriculum)
    url = settings.resolved_database_url
    engine = make_engine(url)
    try:
        await migrate.prepare(engine, url)
        yield Core(
            sessions=make_sessions(engine),
            clock=clock,
            curriculum=curriculum,
            default_timezone=settings.timezone,
            asker=asker,
            links=dashboard_links(settings, clock),
        )
    finally:
        await engine.dispose()


def dashboard_links(settings: Settings, clock: Clock) -> DashboardLinks | None:
    """Sign-in links for the dashboard, when it can be reached and links can be sealed."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else ""
    if not key.strip() or not (settings.public_url or "").strip():
        return None
    return DashboardLinks(key, settings.public_url or "", clock)


def default_asker(settings: Settings) -> AskService | None:
    """The RAG behind /ask, when pathbot was installed with the `rag` extra."""
    try:
        from bot.rag.service import AskService
    except ImportError:
        return None
    return AskService.from_settings(settings)
