"""Which Web API client speaks for which workspace.

With one SLACK_BOT_TOKEN every workspace (there is one) uses the same clients; with
Slack's OAuth each installed workspace has its own token, found in the installation
store and kept in memory until the workspace uninstalls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient


class NotInstalled(LookupError):
    """No token for this workspace: it never installed the app, or uninstalled it."""


@dataclass(frozen=True, slots=True)
class Clients:
    #: For the outbox: a 429 surfaces, so the delivery worker paces itself.
    api: AsyncWebClient
    #: For answers outside the outbox (a DM command's reply, users.info, views): a 429
    #: is waited out as Slack asks (Retry-After), twice at most.
    replies: AsyncWebClient


def clients_for(api: AsyncWebClient) -> Clients:
    replies = AsyncWebClient(
        token=api.token,
        base_url=api.base_url,
        retry_handlers=[*api.retry_handlers, AsyncRateLimitErrorRetryHandler(2)],
    )
    return Clients(api, replies)


class SlackClients(Protocol):
    async def for_team(self, team_id: str) -> Clients:
        """The clients speaking for `team_id`; NotInstalled when there are none."""
        ...

    def forget(self, team_id: str) -> None:
        """Drop what is kept for `team_id` (it uninstalled the app)."""
        ...


class OneToken:
    """SLACK_BOT_TOKEN: one workspace, one pair of clients."""

    def __init__(self, api: AsyncWebClient) -> None:
        self._clients = clients_for(api)

    async def for_team(self, team_id: str) -> Clients:
        return self._clients

    def forget(self, team_id: str) -> None:
        return None


class Installed:
    """Slack's OAuth: each workspace's own bot token, from the installation store."""

    def __init__(self, store: AsyncInstallationStore, base: AsyncWebClient) -> None:
        self._store = store
        self._base = base
        self._by_team: dict[str, tuple[str, Clients]] = {}

    async def for_team(self, team_id: str) -> Clients:
        kept = self._by_team.get(team_id)
        if kept is not None:
            return kept[1]
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"pathbot is not installed in Slack workspace {team_id}")
        api = AsyncWebClient(
            token=bot.bot_token,
            base_url=self._base.base_url,
            timeout=self._base.timeout,
            retry_handlers=list(self._base.retry_handlers),
        )
        clients = clients_for(api)
        self._by_team[team_id] = (bot.bot_token, clients)
        return clients

    def forget(self, team_id: str) -> None:
        self._by_team.pop(team_id, None)
