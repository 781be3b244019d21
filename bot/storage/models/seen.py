"""Platform requests already handled, so a platform's retry is not handled twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base


class SeenRequest(Base):
    """One row per delivered event or command, kept for an hour (Slack retries for ~5 min)."""

    __tablename__ = "seen_requests"
    __table_args__ = (Index("ix_seen_requests_seen_at", "seen_at"),)

    #: "slack:<team>:<event_id or trigger_id>": what the platform repeats on a retry.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
