"""Each week's accountability buddies: a member's group (a pair, or a three)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base


class BuddyGroup(Base):
    __tablename__ = "buddy_groups"
    __table_args__ = (
        # One group per member per week: pairing twice (two processes) changes nothing.
        UniqueConstraint("member_id", "week_start"),
        Index("ix_buddy_groups_workspace_id_week_start", "workspace_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    #: The Monday of the week, in the workspace's zone.
    week_start: Mapped[date] = mapped_column(Date)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    #: Members with the same number in a week are buddies.
    group_no: Mapped[int] = mapped_column(Integer)
