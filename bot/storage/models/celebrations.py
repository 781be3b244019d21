"""Members' milestones, recorded as they happen and posted once a day per channel."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base


class Celebration(Base):
    __tablename__ = "celebrations"
    __table_args__ = (
        # At most one milestone per member per (their local) day.
        UniqueConstraint("member_id", "local_date"),
        Index("ix_celebrations_workspace_id_local_date", "workspace_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    #: "week-3", "month-1", "capstone", "streak-7", "streak-30".
    milestone: Mapped[str] = mapped_column(String(32))
    #: What the cohort channel reads ("finished week 3: 10h logged").
    text: Mapped[str] = mapped_column(String(200))
    #: In a post already: one recorded after the evening's post (later that night, or a
    #: backdated log) goes in the next one.
    posted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
