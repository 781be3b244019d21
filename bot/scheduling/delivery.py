"""The delivery worker: the only code that sends scheduled messages.

Each message is claimed, sent and marked in one transaction. On PostgreSQL
the claim is `SELECT … FOR UPDATE SKIP LOCKED`, so several processes share the
queue without sending a row twice, and a process that dies mid-send releases
its row at once (the connection drops); the row is then sent again with the
same idempotency key, which a platform that honours it (Discord's nonce)
turns into no new message.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.metrics import Metrics
from bot.replies import Reply
from bot.scheduling.outbox import pending_count, reply_of
from bot.scheduling.ratelimit import TokenBucket
from bot.scheduling.retry import RetryPolicy
from bot.scheduling.senders import (
    ChecksResends,
    CredentialsRefused,
    PermanentError,
    RateLimited,
    Sender,
    Target,
    TransientError,
)
from bot.storage.atomic import is_unreachable
from bot.storage.models.people import Workspace
from bot.storage.outbox import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
OnFailure = Callable[[AsyncSession, OutboxMessage, PermanentError, datetime], Awaitable[None]]


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_LATER = "retry_later"
    RATE_LIMITED = "rate_limited"
    DEAD = "dead"
    EXPIRED = "expired"


#: A platform paused for longer than this is not claimed from until the pause is over.
LONG_PAUSE_S = 30.0


class DeliveryWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        senders: Mapping[str, Sender],
        clock: Clock,
        *,
        limiters: Mapping[str, TokenBucket] | None = None,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        poll_interval_s: float = 1.0,
        send_timeout_s: float = 15.0,
        concurrency: int = 8,
        metrics: Metrics | None = None,
        on_failure: OnFailure | None = None,
    ) -> None:
        self._metrics = metrics or Metrics()
        #: Told of every permanent failure (bot.scheduling.failures.act_on in `pathbot run`).
        self._on_failure = on_failure
        self._sessions = sessions
        self._senders = dict(senders)
        self._clock = clock
        self._limiters = dict(limiters or {})
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._poll_interval_s = poll_interval_s
        self._send_timeout_s = send_timeout_s
        # Several sends in flight hide each request's round trip; the token bucket still
        # sets the pace. Rows in flight here are skipped by this process's other loops
        # (SQLite has no row locks; on PostgreSQL SKIP LOCKED does the same across processes).
        self._concurrency = max(concurrency, 1)
        self._in_flight: set[int] = set()
        self._claiming = asyncio.Lock()
        #: Said once per outage, not once per poll of every loop.
        self._database_down = False
        #: Platforms whose token was refused, with why (shown by /readyz).
        self.paused: dict[str, str] = {}

    def _open_platforms(self) -> list[str]:
        """Platforms to claim rows for: not one paused for long (a refused token), whose
        rows would sit claimed meanwhile and hold up a stop; a short 429 is waited out."""
        return [
            platform
            for platform in self._senders
            if (limiter := self._limiters.get(platform)) is None
            or limiter.blocked_s() <= LONG_PAUSE_S
        ]

    def add_sender(self, platform: str, sender: Sender, limiter: TokenBucket) -> None:
        """Deliver `platform`'s rows from now on (a platform that connected late);
        until then they wait, pending, and none is lost."""
        self._limiters[platform] = limiter
        self._senders[platform] = sender

    async def deliver_one(self) -> Outcome | None:
        """Send the next due message, if any; None when nothing is due."""
        now = self._clock.now()
        claimed: int | None = None
        try:
            async with self._sessions() as session, session.begin():
                if session.get_bind().dialect.name == "postgresql":
                    # Marking a row sent need not wait for the WAL flush: if PostgreSQL itself
                    # crashed and lost the mark, the row is resent with the same idempotency
                    # key. A crash of this process loses nothing either way.
                    await session.execute(text("SET LOCAL synchronous_commit TO OFF"))
                # With the workspace's id on its platform: a sender speaking for many
                # workspaces (Slack installed in several) needs to know which.
                query = (
                    select(OutboxMessage, Workspace.external_id)
                    .join(Workspace, Workspace.id == OutboxMessage.workspace_id)
                    .where(
                        OutboxMessage.status == OutboxStatus.PENDING.value,
                        OutboxMessage.next_attempt_at <= now,
                        OutboxMessage.platform.in_(self._open_platforms()),
                    )
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(1)
                    .with_for_update(skip_locked=True, of=OutboxMessage)
                )
                # The query and the in-flight mark must not interleave with this process's
                # other loops, or two of them could pick the same row.
                async with self._claiming:
                    if self._in_flight:
                        query = query.where(OutboxMessage.id.not_in(list(self._in_flight)))
                    found = (await session.execute(query)).first()
                    if found is None:
                        return None
                    row, workspace = found
                    claimed = row.id
                    self._in_flight.add(claimed)
                if row.expires_at is not None and row.expires_at <= now:
                    row.status = OutboxStatus.EXPIRED.value
                    outcome = Outcome.EXPIRED
                else:
                    outcome = await self._attempt(session, row, workspace)
                self._observe(row, outcome)
                return outcome
        finally:
            # Only once the outcome is committed may another loop see the row again.
            if claimed is not None:
                self._in_flight.discard(claimed)

    async def _attempt(self, session: AsyncSession, row: OutboxMessage, workspace: str) -> Outcome:
        sender = self._senders[row.platform]
        limiter = self._limiters.get(row.platform)
        if limiter is not None:
            await limiter.acquire()
        target, reply = Target.parse(row.target, workspace), reply_of(row)
        started = self._clock.now()
        try:
            async with asyncio.timeout(self._send_timeout_s):
                if await self._went_out_already(sender, row, target, reply, started):
                    log.info("outbox %s went out on an earlier attempt: not sent again", row.id)
                else:
                    await sender.send(target, reply, idempotency_key=row.idempotency_key)
        except CredentialsRefused as error:
            # Not the message's fault either: it stays pending, and the platform waits.
            if row.platform not in self.paused:
                log.error(
                    "%s refused the bot's token (%s): deliveries paused, nothing is lost; "
                    "set a valid token and restart, or they resume when it is accepted",
                    row.platform,
                    error.reason,
                )
            self.paused[row.platform] = error.reason
            if limiter is not None:
                limiter.block_for(error.retry_after)
            return Outcome.RATE_LIMITED
        except RateLimited as error:
            # Not the message's fault: no attempt counted, the whole platform waits.
            if limiter is not None:
                limiter.block_for(error.retry_after)
            else:
                await self._sleep(error.retry_after)
            return Outcome.RATE_LIMITED
        except PermanentError as error:
            if self._on_failure is not None:
                # In the transaction that marks the row dead: both happen, or neither.
                await self._on_failure(session, row, error, self._clock.now())
            return self._dead(row, f"refused: {error}")
        except (TransientError, TimeoutError, OSError) as error:
            reason = str(error) or type(error).__name__
            # The platform may have posted it even so (the answer lost on the way back).
            row.first_attempt_at = row.first_attempt_at or started
            row.attempts += 1
            row.last_error = reason
            if row.attempts >= self._policy.max_attempts:
                return self._dead(row, f"gave up after {row.attempts} attempts: {reason}")
            delay = self._policy.delay(row.attempts, self._rng)
            row.next_attempt_at = self._clock.now() + timedelta(seconds=delay)
            log.info(
                "outbox %s: attempt %s failed (%s), retry in %.1f s",
                row.id,
                row.attempts,
                reason,
                delay,
            )
            return Outcome.RETRY_LATER
        if self.paused.pop(row.platform, None) is not None:
            log.info("%s accepts the bot's token again: deliveries resume", row.platform)
        row.status = OutboxStatus.SENT.value
        row.sent_at = self._clock.now()
        row.attempts += 1
        row.last_error = None
        return Outcome.SENT

    async def _went_out_already(
        self, sender: Sender, row: OutboxMessage, target: Target, reply: Reply, now: datetime
    ) -> bool:
        """Was a failed earlier attempt posted after all? Asked only when the platform's
        own idempotency (the nonce the sender passes) no longer covers that attempt."""
        if row.first_attempt_at is None or not isinstance(sender, ChecksResends):
            return False
        if (now - row.first_attempt_at).total_seconds() <= sender.idempotent_for_s:
            return False
        return await sender.already_sent(target, reply, since=row.first_attempt_at)

    def _observe(self, row: OutboxMessage, outcome: Outcome) -> None:
        """One log line and the metrics per attempt: never the message or its address."""
        lag = (self._clock.now() - row.due_at).total_seconds()
        self._metrics.deliveries.labels(row.platform, row.kind, outcome.value).inc()
        if outcome is Outcome.SENT:
            self._metrics.delivery_lag.labels(row.kind).observe(max(lag, 0.0))
        fields = {
            "kind": row.kind,
            "platform": row.platform,
            "outcome": outcome.value,
            "attempt": row.attempts,
            "lag_s": round(lag, 1),
            "outbox_id": row.id,
        }
        log.info(
            "delivery %s on %s: %s (attempt %d, %.0f s after due)",
            row.kind,
            row.platform,
            outcome.value,
            row.attempts,
            lag,
            extra={"fields": fields},
        )

    def _dead(self, row: OutboxMessage, reason: str) -> Outcome:
        row.status = OutboxStatus.DEAD.value
        row.last_error = reason
        log.warning("outbox %s (%s to %s) is dead: %s", row.id, row.kind, row.target, reason)
        return Outcome.DEAD

    async def drain(self) -> Counter[Outcome]:
        """Deliver until nothing is due at the clock's current time."""
        outcomes: Counter[Outcome] = Counter()
        while (outcome := await self.deliver_one()) is not None:
            outcomes[outcome] += 1
        return outcomes

    async def run(self, stop: asyncio.Event, *, until_empty: bool = False) -> None:
        """Deliver until `stop` (or, with `until_empty`, until nothing is pending at all)."""
        loops = [self._loop(stop, until_empty) for _ in range(self._concurrency)]
        await asyncio.gather(*loops)

    async def _loop(self, stop: asyncio.Event, until_empty: bool) -> None:
        while not stop.is_set():
            try:
                outcome = await self.deliver_one()
                if outcome is None and until_empty and not self._in_flight:
                    async with self._sessions() as session:
                        if not await pending_count(session):
                            stop.set()
                            return
            except Exception as error:
                # A database hiccup must not end delivery; the row stays pending.
                down = is_unreachable(error)
                if not down:
                    log.exception("delivery failed; trying again shortly")
                elif not self._database_down:
                    log.warning("the database cannot be reached: deliveries wait for it")
                self._database_down = down
                outcome = None
            else:
                if self._database_down:
                    log.info("the database is back: deliveries resume")
                self._database_down = False
            if outcome is None:
                await self._sleep(self._poll_interval_s)
