"""Installs into many workspaces: slack-bolt's OAuth flow on pathbot's own database.

`InstallationStore` keeps each workspace's bot token (sealed with PATHBOT_SECRET_KEY)
in `slack_installations`; `OAuthStates` issues the OAuth `state` (signed, with its
time) and takes each one once, through the same table that drops repeated requests,
so two processes on one PostgreSQL share both.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.services import replays
from bot.storage.atomic import upsert
from bot.storage.models.slack_installations import SlackInstallation
from bot.storage.secrets import SecretBox

log = logging.getLogger(__name__)

#: How long an install link's state is good for (Slack's own codes last ten minutes).
STATE_TTL = timedelta(minutes=10)

OnInstall = Callable[[Installation], Awaitable[None]]


class InstallationStore(AsyncInstallationStore):
    """One row per workspace, its token sealed; bot tokens only (no user tokens)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        box: SecretBox,
        clock: Clock,
        on_install: OnInstall | None = None,
    ) -> None:
        self._sessions = sessions
        self._box = box
        self._clock = clock
        self._on_install = on_install

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        if not installation.bot_token or not installation.team_id:
            # An org-wide (Enterprise Grid) install has no team, and a user-only one no bot.
            raise BoltError("only installs into one workspace, with a bot, are supported")
        if installation.bot_refresh_token:
            # Rotating tokens expire in 12 hours; pathbot keeps long-lived ones only.
            raise BoltError("turn token rotation off in the app's OAuth settings")
        values: dict[str, Any] = {
            "enterprise_id": installation.enterprise_id,
            "team_name": (installation.team_name or "")[:200] or None,
            "app_id": installation.app_id,
            "bot_id": installation.bot_id,
            "bot_user_id": installation.bot_user_id,
            "bot_scopes": ",".join(installation.bot_scopes or []),
            "bot_token": self._box.seal(installation.bot_token),
            "installed_at": self._clock.now(),
        }
        async with self._sessions() as db, db.begin():
            await db.execute(
                upsert(db, SlackInstallation)
                .values(team_id=installation.team_id, **values)
                .on_conflict_do_update(index_elements=["team_id"], set_=values)
            )
        team = installation.team_id
        log.info("slack: installed in a workspace", extra={"fields": {"team": team}})
        if self._on_install is not None:
            await self._on_install(installation)

    async def async_save_bot(self, bot: Bot) -> None:
        raise NotImplementedError("bots are saved with their installation")

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installation = await self._installation(team_id)
        return installation.to_bot() if installation is not None else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if user_id is not None:
            return None  # no user tokens are kept
        return await self._installation(team_id)

    async def _installation(self, team_id: str | None) -> Installation | None:
        if not team_id:
            return None
        async with self._sessions() as db:
            row = await db.get(SlackInstallation, team_id)
        if row is None:
            return None
        return Installation(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id,
            team_id=row.team_id,
            team_name=row.team_name,
            bot_token=self._box.open(row.bot_token),
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            user_id="",
            installed_at=row.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.forget(team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:
            await self.forget(team_id)

    async def check_key(self) -> None:
        """Raises SecretKeyError when PATHBOT_SECRET_KEY does not open the stored tokens
        (a changed key), so `pathbot run` says so at once instead of at each send."""
        async with self._sessions() as db:
            row = await db.scalar(select(SlackInstallation).limit(1))
        if row is not None:
            self._box.open(row.bot_token)

    async def forget(self, team_id: str | None) -> None:
        """The workspace uninstalled the app (or revoked its tokens): its token goes."""
        async with self._sessions() as db, db.begin():
            await db.execute(delete(SlackInstallation).where(SlackInstallation.team_id == team_id))


class OAuthStates(AsyncOAuthStateStore):
    """The OAuth `state`: a random nonce, the time, and an HMAC of both, so any process
    can check one it did not issue; taken once through the table of seen requests."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], key: bytes, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._key = key
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()[:32]

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        body = f"{int(self._clock.now().timestamp())}.{secrets.token_urlsafe(16)}"
        return f"{body}.{self._mac(body)}"

    async def async_consume(self, state: str) -> bool:
        body, _, mac = state.rpartition(".")
        issued, _, nonce = body.partition(".")
        expected = self._mac(body).encode()
        if not nonce or not issued.isdigit() or not hmac.compare_digest(mac.encode(), expected):
            return False
        age = self._clock.now().timestamp() - int(issued)
        if not 0 <= age <= STATE_TTL.total_seconds():
            return False
        async with self._sessions() as db, db.begin():
            return await replays.first_time(db, f"slack-oauth-state:{nonce}", self._clock.now())
