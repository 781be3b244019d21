from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.replies import Reply
from bot.scheduling import outbox
from bot.scheduling.delivery import DeliveryWorker, Outcome
from bot.scheduling.outbox import MessageKind, NewMessage
from bot.scheduling.ratelimit import TokenBucket
from bot.scheduling.retry import RetryPolicy
from bot.scheduling.senders import (
    PermanentError,
    RateLimited,
    RecordingSender,
    Target,
    TransientError,
)
from bot.storage.models import Workspace
from bot.storage.outbox import OutboxStatus
from tests.conftest import Database

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


class ScriptedSender(RecordingSender):
    """Raises the scripted errors in turn, then sends."""

    def __init__(self, *errors: Exception) -> None:
        super().__init__(platform="discord")
        self.errors = list(errors)
        self.calls = 0

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        await super().send(target, reply, idempotency_key=idempotency_key)


async def add_workspace(db: Database) -> int:
    async with db.sessions() as session, session.begin():
        workspace = Workspace(
            platform="discord",
            external_id="g1",
            timezone="UTC",
            created_at=T0,
            streak_freezes_per_week=1,
        )
        session.add(workspace)
        await session.flush()
        return workspace.id


def message(
    workspace_id: int,
    user: str,
    *,
    due: datetime = T0,
    day: date | None = None,
    expires: datetime | None = None,
) -> NewMessage:
    return NewMessage(
        kind=MessageKind.REMINDER,
        workspace_id=workspace_id,
        platform="discord",
        target=Target.user(user),
        local_date=day or due.date(),
        local_time="09:00 UTC",
        reply=Reply(title=f"Hi {user}"),
        due_at=due,
        expires_at=expires,
    )


async def enqueue(db: Database, *messages: NewMessage) -> int:
    async with db.sessions() as session, session.begin():
        return await outbox.enqueue(session, list(messages), T0)


def worker(
    db: Database, sender: RecordingSender, clock: FakeClock, **kwargs: object
) -> DeliveryWorker:
    return DeliveryWorker(db.sessions, {"discord": sender}, clock, rng=random.Random(1), **kwargs)  # type: ignore[arg-type]


async def rows(db: Database) -> list[outbox.OutboxMessage]:
    async with db.sessions() as session:
        return await outbox.list_messages(session, limit=1000)


async def test_enqueueing_twice_stores_each_message_once(database: Database) -> None:
    ws = await add_workspace(database)
    assert await enqueue(database, message(ws, "a"), message(ws, "b")) == 2
    assert await enqueue(database, message(ws, "a"), message(ws, "b"), message(ws, "c")) == 1
    assert sorted(row.target for row in await rows(database)) == ["user:a", "user:b", "user:c"]


async def test_only_due_messages_are_sent_and_marked(database: Database) -> None:
    ws = await add_workspace(database)
    await enqueue(database, message(ws, "now"), message(ws, "later", due=T0 + timedelta(hours=1)))
    clock, sender = FakeClock(T0), RecordingSender(platform="discord")
    assert await worker(database, sender, clock).drain() == {Outcome.SENT: 1}
    assert [sent.target for sent in sender.sent] == [Target.user("now")]
    clock.advance(timedelta(hours=1))
    await worker(database, sender, clock).drain()
    assert {row.status for row in await rows(database)} == {OutboxStatus.SENT.value}
    keys = {sent.idempotency_key for sent in sender.sent}
    assert keys == {row.idempotency_key for row in await rows(database)}


async def test_transient_errors_back_off_then_die_then_retry_works(database: Database) -> None:
    ws = await add_workspace(database)
    await enqueue(database, message(ws, "a"))
    clock = FakeClock(T0)
    sender = ScriptedSender(*(TransientError("HTTP 503") for _ in range(3)))
    delivery = worker(database, sender, clock, policy=RetryPolicy(max_attempts=3, base_delay_s=10))
    assert await delivery.drain() == {Outcome.RETRY_LATER: 1}
    (row,) = await rows(database)
    # Jittered between half and all of the 10 s base delay.
    assert T0 + timedelta(seconds=5) <= row.next_attempt_at <= T0 + timedelta(seconds=10)
    assert await delivery.drain() == {}  # not due yet
    clock.advance(timedelta(seconds=10))
    assert await delivery.drain() == {Outcome.RETRY_LATER: 1}
    clock.advance(timedelta(seconds=20))
    assert await delivery.drain() == {Outcome.DEAD: 1}
    (row,) = await rows(database)
    assert row.status == OutboxStatus.DEAD.value
    assert row.last_error is not None
    assert "gave up after 3 attempts: HTTP 503" in row.last_error
    async with database.sessions() as session, session.begin():
        assert await outbox.retry_dead(session, clock.now()) == 1
    assert await delivery.drain() == {Outcome.SENT: 1}
    assert len(sender.sent) == 1


async def test_a_permanent_refusal_is_dead_at_once(database: Database) -> None:
    ws = await add_workspace(database)
    await enqueue(database, message(ws, "a"), message(ws, "b"))
    sender = ScriptedSender(PermanentError("HTTP 403: cannot DM this user"))
    outcomes = await worker(database, sender, FakeClock(T0)).drain()
    assert outcomes == {Outcome.DEAD: 1, Outcome.SENT: 1}
    async with database.sessions() as session:
        (dead,) = await outbox.list_messages(session, OutboxStatus.DEAD)
        assert await outbox.status_counts(session) == {
            "pending": 0,
            "sent": 1,
            "dead": 1,
            "expired": 0,
            "cancelled": 0,
        }
    assert dead.last_error == "refused: HTTP 403: cannot DM this user"
    async with database.sessions() as session, session.begin():
        assert await outbox.retry_dead(session, T0, ids=[dead.id + 1000]) == 0
        assert await outbox.retry_dead(session, T0, ids=[dead.id]) == 1


async def test_a_429_waits_retry_after_without_counting_an_attempt(database: Database) -> None:
    ws = await add_workspace(database)
    await enqueue(database, message(ws, "a"))
    slept: list[float] = []
    now = [0.0]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = TokenBucket(50, monotonic=lambda: now[0], sleep=sleep)
    sender = ScriptedSender(RateLimited(2.5))
    delivery = worker(database, sender, FakeClock(T0), limiters={"discord": limiter})
    assert await delivery.drain() == {Outcome.RATE_LIMITED: 1, Outcome.SENT: 1}
    assert sum(slept) == pytest.approx(2.5)
    (row,) = await rows(database)
    assert row.attempts == 1  # the successful one only


async def test_a_message_whose_day_is_over_expires_instead_of_arriving_late(
    database: Database,
) -> None:
    ws = await add_workspace(database)
    await enqueue(database, message(ws, "a", expires=T0 + timedelta(hours=15)))
    clock, sender = FakeClock(T0 + timedelta(hours=16)), RecordingSender(platform="discord")
    assert await worker(database, sender, clock).drain() == {Outcome.EXPIRED: 1}
    assert sender.sent == []


async def test_rows_for_a_platform_without_a_sender_wait(database: Database) -> None:
    ws = await add_workspace(database)
    await enqueue(database, message(ws, "a"))
    delivery = DeliveryWorker(database.sessions, {"slack": RecordingSender("slack")}, FakeClock(T0))
    assert await delivery.drain() == {}
    assert (await rows(database))[0].status == OutboxStatus.PENDING.value


def test_targets_round_trip_and_bad_ones_are_refused() -> None:
    assert Target.parse("user:42") == Target.user("42")
    assert str(Target.channel("7")) == "channel:7"
    with pytest.raises(ValueError, match="not a target"):
        Target.parse("room:1")
