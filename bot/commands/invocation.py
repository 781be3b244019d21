"""One command being run: who, where, with which arguments, in which transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.caller import Caller
from bot.services.context import Core, UserError
from bot.services.onboarding import ChannelAccess
from bot.storage.models import Member, Workspace

T = TypeVar("T")


@dataclass(frozen=True)
class Args:
    """Converted arguments by parameter name (absent optional ones are missing)."""

    values: dict[str, object]

    def get(self, name: str, kind: type[T]) -> T | None:
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, kind):
            raise TypeError(f"argument {name!r} is {type(value).__name__}, not {kind.__name__}")
        return value

    def text(self, name: str) -> str | None:
        return self.get(name, str)

    def require_text(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise UserError(f"Missing {name}")
        return value

    def integer(self, name: str) -> int | None:
        return self.get(name, int)

    def day(self, name: str) -> date | None:
        return self.get(name, date)

    def clock_time(self, name: str) -> time | None:
        return self.get(name, time)


@dataclass(frozen=True)
class Invocation:
    db: AsyncSession
    core: Core
    caller: Caller
    workspace: Workspace
    member: Member | None
    args: Args
    #: The platform's answer to "may the bot post in this channel?", when it can tell.
    channel_access: ChannelAccess | None = None

    @property
    def joined(self) -> Member:
        """The caller's membership (the dispatcher checked it for member commands)."""
        if self.member is None:
            raise UserError("You haven't joined yet", "Start with /join.")
        return self.member
