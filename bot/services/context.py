"""What every service needs, handed in once: sessions, clock, curriculum, the asker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.curriculum.models import Curriculum
from bot.metrics import Metrics
from bot.services.dashboard_links import DashboardLinks


class Source(Protocol):
    """One resource an answer cites."""

    @property
    def title(self) -> str: ...
    @property
    def citation(self) -> str:
        """One line: what to read and where it sits in the path."""
        ...


class Answer(Protocol):
    """What the RAG returns for /ask (its pydantic model satisfies this)."""

    @property
    def answer(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def in_scope(self) -> bool: ...
    @property
    def sources(self) -> Sequence[Source]: ...


class Asker(Protocol):
    async def ask(
        self, question: str, *, k: int = 3, current_week: int | None = None
    ) -> Answer: ...


@dataclass(frozen=True)
class Core:
    """Long-lived collaborators of every command."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    curriculum: Curriculum
    #: Time zone of workspaces created on first contact (PATHBOT_TIMEZONE).
    default_timezone: str = "UTC"
    asker: Asker | None = None
    #: What /metrics shows; one per process.
    metrics: Metrics = field(default_factory=Metrics)
    #: Sign-in links for the web dashboard (/dashboard, /me), when PATHBOT_SECRET_KEY
    #: and PATHBOT_PUBLIC_URL are set.
    links: DashboardLinks | None = None

    def local_now(self, timezone: str) -> datetime:
        return self.clock.now().astimezone(ZoneInfo(timezone))

    def local_today(self, timezone: str) -> date:
        return self.local_now(timezone).date()


class UserError(Exception):
    """A refusal to show the caller as is: one friendly message and optional hints."""

    def __init__(self, message: str, *hints: str) -> None:
        super().__init__(message)
        self.message = message
        self.hints = hints
