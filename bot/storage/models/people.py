"""Workspaces (a Discord guild, a Slack team, the console's `local`) and their members."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.base import Base, UTCDateTime


class MemberStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


class Workspace(Base):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    cohort_start: Mapped[date | None] = mapped_column(Date)
    daily_channel: Mapped[str | None] = mapped_column(String(64))
    daily_post_time: Mapped[time | None] = mapped_column(Time)
    #: Open a thread under each daily post for that day's discussion (`/daily-thread on`).
    daily_thread: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    leaderboard_channel: Mapped[str | None] = mapped_column(String(64))
    streak_freezes_per_week: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: False once the bot was removed or uninstalled: nothing is queued for it until a
    #: command (or the platform) shows it is back.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Why the last message the workspace was owed could not be delivered (/workspace).
    last_delivery_error: Mapped[str | None] = mapped_column(Text)
    #: A line for the next admin command, until an admin has seen it.
    admin_notice: Mapped[str | None] = mapped_column(Text)
    #: Who is slipping (/at-risk, the digest): this many hours behind the plan, or
    #: this many days without a check-in or a log.
    risk_behind_hours: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    risk_silent_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    #: The weekly organiser digest: to this channel, or (None) to each listed admin's DMs.
    digest_channel: Mapped[str | None] = mapped_column(String(64))
    digest_on: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: The evening nudge for members with no check-in yet (/nudge-time); None: none.
    nudge_time: Mapped[time | None] = mapped_column(Time)
    #: Carried by every dashboard link and session; one more (an admin removed, or
    #: /dashboard-signout) ends them all.
    dashboard_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    admins: Mapped[list[WorkspaceAdmin]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan", passive_deletes=True
    )


class WorkspaceAdmin(Base):
    """The workspace's own admin list, on top of whoever the platform calls an admin."""

    __tablename__ = "workspace_admins"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))

    workspace: Mapped[Workspace] = relationship(back_populates="admins")


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id"),
        # The reminder scan: active members of one workspace.
        Index("ix_members_workspace_id_status", "workspace_id", "status"),
        # The all-time leaderboard reads (and ranks by counting) the top of this index.
        Index("ix_members_workspace_id_listed", "workspace_id", "listed", "total_minutes"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    reminder_time: Mapped[time] = mapped_column(Time)
    start_date: Mapped[date] = mapped_column(Date)
    #: Joined a cohort already under way and keeps pace with it: the plan runs from
    #: `start_date` (the cohort's), but only days from this one count (progress, hours
    #: behind, missed days, streaks). None: every day from the start counts.
    counts_from: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=MemberStatus.ACTIVE.value)
    #: Wants a weekly accountability buddy (/buddy on).
    buddy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Their milestones posted in the cohort channel (/settings celebrate off).
    celebrate: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: The weekdays they want reminders on, as bits (Monday 1 … Sunday 64; 127 every day).
    reminder_days: Mapped[int] = mapped_column(Integer, default=127, server_default="127")
    #: The evening nudge, when the workspace sends one (/settings nudge off).
    nudges: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Today's reminder put off (/snooze): the local day it was for, and when it comes.
    snooze_date: Mapped[date | None] = mapped_column(Date)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The latest day with a check-in or a log (kept by bot.services.last_active).
    last_active_on: Mapped[date | None] = mapped_column(Date)
    #: Their streak through `streak_through`, trusted only while that is still
    #: `last_active_on` (kept by bot.services.streak_memo).
    streak_days: Mapped[int | None] = mapped_column(Integer)
    streak_through: Mapped[date | None] = mapped_column(Date)
    #: Their own weekly target (/goal), used instead of the path week's hours.
    weekly_goal_minutes: Mapped[int | None] = mapped_column(Integer)
    leaderboard_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Kept in step with hour_logs by the hours service, so all-time ranks need no scan.
    total_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: Shown on leaderboards: not opted out and not left (kept in step by the members service).
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Aware UTC on both dialects (SQLite gives back the stored UTC wall time).
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Why reminders are off (DMs closed, or turned off); None while they are on.
    dm_off_reason: Mapped[str | None] = mapped_column(Text)
    #: Whether the member has been told (once, on their next command).
    dm_off_told: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    pauses: Mapped[list[Pause]] = relationship(
        back_populates="member",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Pause.start_date",
    )


class Pause(Base):
    """A paused interval: `end_date` is the last paused day, None while still paused."""

    __tablename__ = "pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    member: Mapped[Member] = relationship(back_populates="pauses")
