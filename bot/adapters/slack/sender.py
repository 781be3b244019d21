"""The delivery worker's `Sender` for Slack, over the adapter's real Web API client.

Slack has no idempotency key for chat.postMessage (nothing like Discord's
nonce), so the key is only logged: a crash between Slack accepting a message
and the outbox marking it sent can, rarely, post it twice.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.clients import NotInstalled
from bot.replies import Reply
from bot.scheduling.ratelimit import KeyedPacer
from bot.scheduling.senders import (
    CredentialsRefused,
    Failure,
    PermanentError,
    RateLimited,
    Target,
    TargetKind,
    TransientError,
)
from bot.storage.secrets import SecretKeyError

log = logging.getLogger(__name__)

#: Slack error codes worth retrying later; every other `ok: false` is final.
_TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)


#: Slack's error codes (method docs of chat.postMessage and conversations.open).
_DM_CLOSED = frozenset({"cannot_dm_bot", "user_not_found", "user_disabled", "user_not_visible"})
_CHANNEL_GONE = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "restricted_action", "no_permission"}
)
_REMOVED = frozenset({"account_inactive", "token_revoked", "team_access_not_granted"})
#: The token itself is refused (mistyped, rotated, an IP allow-list): no message is at
#: fault and the workspace is still there, so deliveries pause and nothing is dropped.
_TOKEN_REFUSED = frozenset({"invalid_auth", "not_authed", "token_expired"})


CHANNEL_INTERVAL_S = 1.0


class SlackSender:
    platform = "slack"

    def __init__(self, adapter: SlackAdapter, pacer: KeyedPacer | None = None) -> None:
        self._adapter = adapter
        #: Slack posts "1 message per second to a specific channel" (chat.postMessage).
        self._per_channel = pacer or KeyedPacer(CHANNEL_INTERVAL_S)

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        where = str(target)  # "channel:…" or "user:…", as resolve_target reads them
        log.debug("slack send %s to %s", idempotency_key, where)
        if target.kind is TargetKind.CHANNEL:
            await self._per_channel.wait(target.id)
        try:
            await self._send(where, reply, target.workspace)
        except SecretKeyError as error:
            # No message is at fault: the key changed. Deliveries pause, nothing is lost.
            raise CredentialsRefused(str(error)) from error
        except ValueError as error:
            raise PermanentError(str(error)) from error
        except NotInstalled as error:
            # Uninstalled (its token forgotten): like Slack's account_inactive.
            raise PermanentError(str(error), Failure.REMOVED) from error
        except SlackApiError as error:
            raise _classify(error, target, self._adapter.many_workspaces) from error
        except SlackRequestError as error:
            raise TransientError(f"Slack request failed: {error}") from error
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise TransientError(f"Slack unreachable: {error}") from error

    async def _send(self, where: str, reply: Reply, team: str) -> None:
        try:
            await self._adapter.send(where, reply, team)
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if not self._adapter.many_workspaces or code not in _TOKEN_REFUSED | _REMOVED:
                raise
            # The token kept in memory may be older than the stored one (the workspace
            # installed again, through another process): once more with the stored one.
            self._adapter.clients.forget(team)
            await self._adapter.send(where, reply, team)


def _classify(error: SlackApiError, target: Target, many_workspaces: bool) -> Exception:
    response = error.response
    code = str(response.get("error") or "unknown_error")
    if response.status_code == 429 or code == "rate_limited":
        # chat.postMessage also answers HTTP 200 with "rate_limited" (too many messages
        # from the app): the same pause, never a dead message.
        retry_after = float(
            response.headers.get("Retry-After", response.headers.get("retry-after", 1))
        )
        return RateLimited(retry_after)
    if response.status_code >= 500 or code in _TRANSIENT_ERRORS:
        return TransientError(f"Slack {response.status_code}: {code}")
    if code in _TOKEN_REFUSED and many_workspaces:
        # One installed workspace's token: that workspace is gone, not every other one.
        return PermanentError(f"Slack refused the workspace's token: {code}", Failure.REMOVED)
    if code in _TOKEN_REFUSED:
        return CredentialsRefused(f"Slack refused the bot token: {code}")
    if code in _REMOVED:
        return PermanentError(f"Slack refused: {code}", Failure.REMOVED)
    if target.kind is TargetKind.USER and (code in _DM_CLOSED or code == "channel_not_found"):
        # conversations.open or the DM post: this member cannot be reached by DM.
        return PermanentError(f"Slack refused: {code}", Failure.DM_CLOSED)
    if target.kind is TargetKind.CHANNEL and code in _CHANNEL_GONE:
        return PermanentError(f"Slack refused: {code}", Failure.CHANNEL_GONE)
    return PermanentError(f"Slack refused: {code}")
