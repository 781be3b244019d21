"""The contract between the delivery worker and a platform.

Adapters wrap their real client (discord.py's HTTP client, Slack's
chat.postMessage) in a `Sender`; the worker only ever sees these errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, Self, runtime_checkable

from bot.replies import Reply


class TargetKind(StrEnum):
    CHANNEL = "channel"
    USER = "user"
    #: A conversation of a few people with the bot (a Slack group DM): "group:U1,U2".
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a message goes: a channel, or a user's DM ("channel:123", "user:456"), in
    `workspace` (the platform's id of it: a Slack app installed in many speaks to each
    with its own token)."""

    kind: TargetKind
    id: str
    workspace: str = field(default="", compare=False)

    @classmethod
    def channel(cls, channel_id: str) -> Self:
        return cls(TargetKind.CHANNEL, channel_id)

    @classmethod
    def user(cls, user_id: str) -> Self:
        return cls(TargetKind.USER, user_id)

    @classmethod
    def group(cls, user_ids: list[str]) -> Self:
        return cls(TargetKind.GROUP, ",".join(user_ids))

    @classmethod
    def parse(cls, text: str, workspace: str = "") -> Self:
        kind, sep, ident = text.partition(":")
        if not sep or not ident or kind not in TargetKind.__members__.values():
            raise ValueError(
                f"not a target: {text!r} (expected channel:<id>, user:<id> or group:<ids>)"
            )
        return cls(TargetKind(kind), ident, workspace)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


class SendError(Exception):
    """Base of everything a sender may raise."""


class RateLimited(SendError):
    """The platform said 429: wait `retry_after` seconds before the next request."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:g} s)")
        self.retry_after = retry_after


class CredentialsRefused(RateLimited):
    """The platform refused the bot's token (Discord 401, Slack invalid_auth): no row is
    at fault, so none is dead-lettered; the platform's deliveries pause and try again."""

    #: How long deliveries wait before trying the token again.
    PAUSE_S = 300.0

    def __init__(self, message: str) -> None:
        super().__init__(self.PAUSE_S, message)
        self.reason = message


class TransientError(SendError):
    """Worth retrying later: a 5xx, a timeout, a dropped connection."""


class Failure(StrEnum):
    """What a permanent failure says about its target, so someone can act on it."""

    #: The member cannot be DMed (closed DMs, blocked the bot, left the platform).
    DM_CLOSED = "dm_closed"
    #: The channel is gone, archived, or the bot may not post there.
    CHANNEL_GONE = "channel_gone"
    #: The bot was removed from the server or the app uninstalled (tokens revoked).
    REMOVED = "removed"
    #: Anything else (a payload the platform refuses): the row is dead, nothing more.
    OTHER = "other"


class PermanentError(SendError):
    """Retrying will not help: unknown channel, blocked DMs, bad request."""

    def __init__(self, message: str, failure: Failure = Failure.OTHER) -> None:
        super().__init__(message)
        self.failure = failure


@runtime_checkable
class ChecksResends(Protocol):
    """A sender that can tell whether a message already went out (Discord: the channel's
    recent messages), for a resend later than its idempotency covers."""

    #: How long the platform itself drops a repeat (Discord's nonce: "a few minutes").
    idempotent_for_s: float

    async def already_sent(self, target: Target, reply: Reply, *, since: datetime) -> bool: ...


class Sender(Protocol):
    """Sends one message. `idempotency_key` is the same for every attempt of one message."""

    @property
    def platform(self) -> str: ...

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class SentMessage:
    target: Target
    reply: Reply
    idempotency_key: str


@dataclass
class RecordingSender:
    """Keeps what it is asked to send (preview, tests); a repeated key is recorded once."""

    platform: str = "console"
    sent: list[SentMessage] = field(default_factory=list)
    _keys: set[str] = field(default_factory=set)

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        if idempotency_key in self._keys:
            return
        self._keys.add(idempotency_key)
        self.sent.append(SentMessage(target, reply, idempotency_key))
