"""DM channels the bot has opened, so a restart does not open every one again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UTCDateTime


class DmChannel(Base):
    """A person's DM channel with the bot on one platform (not per workspace: Discord
    has one DM channel per user, whichever servers they share with the bot)."""

    __tablename__ = "dm_channels"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
