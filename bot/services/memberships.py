"""Which workspaces a person belongs to on a platform, for commands that arrive without one.

A Discord DM with the bot carries no server, yet reminders are DMs and members
answer them there (`/checkin done`). Such a command runs in the member's own
workspace: the only one they belong to, or the one they were most recently
active in (and the reply says which). Someone who belongs nowhere is told to
/join from their server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.caller import Platform
from bot.replies import Reply
from bot.storage.models import CheckIn, FinishedExercise, HourLog, Member, MemberStatus, Workspace

#: Where a DM command runs when it needs no membership and the person has none.
DM_WORKSPACE = "dm"
#: Commands (with their aliases) that make sense without any workspace.
# A short literal list: the command table imports the services, not the other way round.
NO_WORKSPACE_NEEDED = frozenset({"help", "start", "ask"})


@dataclass(frozen=True, slots=True)
class Membership:
    """One workspace a person is an active or paused member of."""

    #: The platform's id of the workspace (Discord guild id, Slack team id).
    workspace_id: str
    status: MemberStatus
    #: Their latest check-in, hour log, finished exercise or join, whichever is latest.
    last_active: datetime


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


async def workspaces_of(session: AsyncSession, platform: str, user_id: str) -> list[Membership]:
    """The person's workspaces on `platform`, most recently active first (left ones excluded)."""
    latest_checkin = (
        select(func.max(CheckIn.updated_at)).where(CheckIn.member_id == Member.id).scalar_subquery()
    )
    latest_log = (
        select(func.max(HourLog.created_at)).where(HourLog.member_id == Member.id).scalar_subquery()
    )
    latest_finish = (
        select(func.max(FinishedExercise.finished_at))
        .where(FinishedExercise.member_id == Member.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            Workspace.external_id,
            Member.status,
            Member.joined_at,
            latest_checkin,
            latest_log,
            latest_finish,
        )
        .join(Workspace, Workspace.id == Member.workspace_id)
        .where(Workspace.platform == str(platform))
        .where(Member.user_id == user_id)
        .where(Member.status.in_([MemberStatus.ACTIVE.value, MemberStatus.PAUSED.value]))
    )
    found = []
    for external_id, status, joined_at, *activity in rows.all():
        moments = [m for m in (_aware(joined_at), *map(_aware, activity)) if m is not None]
        found.append(Membership(str(external_id), MemberStatus(status), max(moments)))
    # Ties (same instant) fall back to the id so the choice never flips between calls.
    found.sort(key=lambda m: (m.last_active, m.workspace_id), reverse=True)
    return found


@dataclass(frozen=True, slots=True)
class DmScope:
    """Where one command sent in a DM runs, or why it can't."""

    #: The workspace (platform id) to run it in; None when `refusal` answers instead.
    workspace_id: str | None
    #: A footer naming the workspace, when the person has several.
    note: str | None = None
    refusal: Reply | None = None

    def annotate(self, reply: Reply) -> Reply:
        """The reply with the footer (if any) as its last line."""
        if self.note is None:
            return reply
        return reply.model_copy(update={"lines": [*reply.lines, self.note]})


def command_name(line: str) -> str:
    head = line.strip().split(None, 1)[0] if line.strip() else ""
    return head.removeprefix("/").lower()


def _not_joined(platform: str) -> Reply:
    where = "server" if platform == Platform.DISCORD.value else "workspace"
    return Reply.error(
        f"I don't know which {where} you study in yet.",
        f"Run /join in your {where} first; after that you can use me here in DMs too.",
        title="Join from your " + where,
    )


def choose(
    memberships: list[Membership],
    platform: str,
    line: str,
    names: Mapping[str, str] | None = None,
    prefer: str | None = None,
) -> DmScope:
    """The scope for `line` given the person's memberships (most recently active first).

    `prefer` is the workspace a button was made for (a reminder's); it wins while
    the person is still a member there.
    """
    if not memberships:
        if command_name(line) in NO_WORKSPACE_NEEDED:
            return DmScope(DM_WORKSPACE)
        return DmScope(None, refusal=_not_joined(platform))
    ids = [m.workspace_id for m in memberships]
    chosen = prefer if prefer in ids else ids[0]
    if len(memberships) == 1:
        return DmScope(chosen)
    label = (names or {}).get(chosen) or chosen
    return DmScope(chosen, note=f"(in {label})")


class DirectMessageScopes:
    """`workspaces_of` + `choose` on the core's sessions, for an adapter to call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], platform: Platform) -> None:
        self._sessions = sessions
        self._platform = platform.value

    async def scope(
        self,
        user_id: str,
        line: str,
        names: Mapping[str, str] | None = None,
        prefer: str | None = None,
    ) -> DmScope:
        """`names` maps workspace ids to names the platform knows (for the footer)."""
        async with self._sessions() as session:
            memberships = await workspaces_of(session, self._platform, user_id)
        return choose(memberships, self._platform, line, names, prefer)
