"""What members do: check-ins, hour logs (with weekly totals) and finished exercises."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base


class CheckIn(Base):
    """One per member per local date; checking in again the same day updates it."""

    __tablename__ = "checkins"
    # The unique constraint doubles as the "already checked in today?" index; the
    # partial one finds the week's few blocked check-ins without reading the rest.
    __table_args__ = (
        UniqueConstraint("member_id", "local_date"),
        Index(
            "ix_checkins_blocked_local_date",
            "local_date",
            postgresql_where=text("status = 'blocked'"),
            sqlite_where=text("status = 'blocked'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HourLog(Base):
    __tablename__ = "hour_logs"
    __table_args__ = (
        # A member's history (streaks, undo, the day's total) by date.
        Index("ix_hour_logs_member_id_local_date", "member_id", "local_date"),
        # The leaderboard for any date range: index-only scan on PostgreSQL.
        Index(
            "ix_hour_logs_workspace_id_local_date",
            "workspace_id",
            "local_date",
            "member_id",
            "minutes",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Denormalised from the member so leaderboards never join members to scan logs.
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    #: The path week (1-based) and topic block (0-based) the time counts toward, if any.
    path_week: Mapped[int | None] = mapped_column(Integer)
    block_index: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WeeklyTotal(Base):
    """Minutes per member per calendar week (Monday start, member's local dates).

    Maintained with every log and undo so the weekly leaderboard reads one row per
    member instead of summing every log of the week.
    """

    __tablename__ = "weekly_totals"
    __table_args__ = (
        UniqueConstraint("member_id", "week_start"),
        Index(
            "ix_weekly_totals_workspace_id_week_start",
            "workspace_id",
            "week_start",
            "listed",
            "minutes",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    #: A copy of the member's `listed`, so ranking a week needs no join to members.
    listed: Mapped[bool] = mapped_column(Boolean, default=True)


class FinishedExercise(Base):
    __tablename__ = "finished_exercises"
    __table_args__ = (UniqueConstraint("member_id", "path_week", "block_index", "exercise_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    path_week: Mapped[int] = mapped_column(Integer)
    block_index: Mapped[int] = mapped_column(Integer)
    exercise_index: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    local_date: Mapped[date] = mapped_column(Date)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
