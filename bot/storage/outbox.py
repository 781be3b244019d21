"""The outbox: every scheduled message is a row before it is a request.

Jobs only insert rows (the unique key makes a second insert a no-op); the
delivery worker is the only thing that sends, so a crash between the two loses
nothing and a retry reuses the row's idempotency key.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import ColumnElement

# The foreign key names `workspaces`: its table must be on the metadata wherever this is used.
import bot.storage.models  # noqa: F401
from bot.storage.base import Base, UTCDateTime


class MessageKind(StrEnum):
    DAILY_POST = "daily_post"
    REMINDER = "reminder"
    NUDGE = "nudge"
    LEADERBOARD = "leaderboard"
    WEEKLY_SUMMARY = "weekly_summary"
    #: A workspace's admin told that a scheduled message could not be delivered.
    ADMIN_NOTICE = "admin_notice"
    #: This week's accountability buddies introduced (a DM each; a group DM on Slack).
    BUDDY_INTRO = "buddy_intro"
    #: The day's milestones, in the daily channel in the evening.
    CELEBRATIONS = "celebrations"
    #: Today's reminder again, when the member put it off (/snooze).
    SNOOZED_REMINDER = "snoozed_reminder"
    #: The weekly organiser digest: the cohort in numbers and who is slipping.
    ORGANISER_DIGEST = "organiser_digest"


def user_target(user_id: str) -> str:
    """A member's DMs as the `target` column writes them (`Target.user(id)` as text)."""
    return f"user:{user_id}"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    #: Failed too often or refused for good; `pathbot outbox retry` puts it back.
    DEAD = "dead"
    #: Its moment passed before it could be sent (a reminder for a day that is over).
    EXPIRED = "expired"
    #: Its recipient paused or left before it went out.
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The idempotency of every job: one message per kind, workspace, target and local day.
        UniqueConstraint("kind", "workspace_id", "target", "local_date"),
        # The delivery worker's claim query: due pending rows in (next_attempt_at, id) order,
        # read straight off the index; without `id` every claim sorts all rows due at once.
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    #: Copied from the workspace so the worker picks a sender without a join.
    platform: Mapped[str] = mapped_column(String(16))
    #: "channel:<id>" or "user:<id>" (see bot.scheduling.senders.Target).
    target: Mapped[str] = mapped_column(String(128))
    local_date: Mapped[date] = mapped_column(Date)
    #: When the message was meant to arrive, as the recipient reads a clock ("09:00 Europe/London").
    local_time: Mapped[str] = mapped_column(String(80))
    #: The Reply as JSON.
    body: Mapped[str] = mapped_column(Text)
    #: Sent with every attempt (Discord's message nonce), so a retry after a crash is recognised.
    idempotency_key: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the first attempt began, once one failed: a resend long after it may no
    #: longer be covered by the platform's idempotency (Discord's nonce), so it is checked.
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


async def cancel_pending(db: AsyncSession, *where: ColumnElement[bool]) -> int:
    """Mark the pending rows matching `where` cancelled: they will not go out."""
    result = await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING.value, *where)
        .values(status=OutboxStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delivery_note(now: datetime, text: str) -> str:
    """A delivery problem as /workspace shows it: when (UTC), then what."""
    return f"{now:%Y-%m-%d %H:%M} UTC: {text}"
