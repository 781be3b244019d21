"""Slack workspaces that installed the app through Slack's OAuth, with their bot token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UTCDateTime


class SlackInstallation(Base):
    """One per workspace (a reinstall replaces it). The token is stored encrypted
    (`bot.storage.secrets`), so a database dump alone does not hand it out; nothing
    here names a member (the installer is greeted at install time, not remembered)."""

    __tablename__ = "slack_installations"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    team_name: Mapped[str | None] = mapped_column(String(200))
    app_id: Mapped[str | None] = mapped_column(String(32))
    bot_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_scopes: Mapped[str] = mapped_column(Text)
    #: Fernet ciphertext of the xoxb- token.
    bot_token: Mapped[str] = mapped_column(Text)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
