"""Who the console caller is and what `--now` means."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.caller import Caller, Platform
from bot.services.members import find_member
from bot.services.workspaces import find_workspace


def console_caller(user: str, workspace: str, admin: bool) -> Caller:
    return Caller(
        platform=Platform.CONSOLE,
        workspace_id=workspace,
        user_id=user,
        display_name=user,
        is_platform_admin=admin,
    )


async def resolve_now(
    text: str, caller: Caller, sessions: async_sessionmaker[AsyncSession], default_zone: str
) -> datetime:
    """Read `--now`: a naive time is local to the member, else the workspace, else the default.

    Raises ValueError (with a friendly message) for text that is not an ISO time.
    """
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--now {text!r} isn't a date and time like 2027-02-17T08:30") from None
    if when.tzinfo is not None:
        return when
    zone = default_zone
    async with sessions() as db:
        workspace = await find_workspace(db, caller)
        if workspace is not None:
            zone = workspace.timezone
            member = await find_member(db, workspace, caller.user_id)
            if member is not None:
                zone = member.timezone
    return when.replace(tzinfo=ZoneInfo(zone))
