"""What a platform told us about a person: name, admin or not, time zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UTCDateTime


class KnownPerson(Base):
    """Kept so that a command need not ask the platform each time (Slack's users.info is
    rate limited); refreshed by the platform's own events and a long expiry."""

    __tablename__ = "known_people"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: The platform's id of the workspace (a Slack team id).
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean)
    timezone: Mapped[str | None] = mapped_column(String(64))
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime())
