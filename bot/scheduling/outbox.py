"""Putting messages into the outbox and looking after them (list, retry, counts)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.scheduling.senders import Target
from bot.storage.outbox import MessageKind as MessageKind
from bot.storage.outbox import OutboxMessage, OutboxStatus

#: Rows per INSERT statement: well under SQLite's bound-parameter limit.
_CHUNK = 500
#: Rows enqueued at once after which PostgreSQL's planner statistics are refreshed.
_ANALYZE_AFTER = 500
_UNIQUE_KEY = ["kind", "workspace_id", "target", "local_date"]


@dataclass(frozen=True, slots=True)
class NewMessage:
    kind: MessageKind
    workspace_id: int
    platform: str
    target: Target
    local_date: date
    #: The intended arrival as the recipient reads it, e.g. "2027-01-04 09:00 Europe/London".
    local_time: str
    reply: Reply
    due_at: datetime
    expires_at: datetime | None


def idempotency_key(kind: str, workspace_id: int, target: str, local_date: date) -> str:
    """Derived from the unique key, so it is the same for every attempt at one message.

    24 hex characters fit Discord's 25-character message nonce.
    """
    raw = f"{kind}|{workspace_id}|{target}|{local_date.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


async def enqueue(session: AsyncSession, messages: Sequence[NewMessage], now: datetime) -> int:
    """Insert the messages that are not there yet; returns how many were new.

    ON CONFLICT DO NOTHING makes a job that runs twice, or in two processes at
    once, enqueue each message exactly once.
    """
    if not messages:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Any = OutboxMessage.__table__
    inserted = 0
    for start in range(0, len(messages), _CHUNK):
        rows = [_row(message, now) for message in messages[start : start + _CHUNK]]
        statement = insert(table).values(rows).on_conflict_do_nothing(index_elements=_UNIQUE_KEY)
        result = await session.execute(statement)
        inserted += max(getattr(result, "rowcount", 0) or 0, 0)
    if dialect == "postgresql" and inserted >= _ANALYZE_AFTER:
        # A big fan-out changes the table's shape faster than autovacuum notices; stale
        # statistics make the claim query sort every due row (ms per claim) instead of
        # reading the first one off the index.
        await session.execute(text("ANALYZE outbox"))
    return inserted


def _row(message: NewMessage, now: datetime) -> dict[str, object]:
    target = str(message.target)
    return {
        "kind": message.kind.value,
        "workspace_id": message.workspace_id,
        "platform": message.platform,
        "target": target,
        "local_date": message.local_date,
        "local_time": message.local_time,
        "body": message.reply.model_dump_json(),
        "idempotency_key": idempotency_key(
            message.kind.value, message.workspace_id, target, message.local_date
        ),
        "due_at": message.due_at,
        "expires_at": message.expires_at,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": message.due_at,
        "last_error": None,
        "sent_at": None,
        "created_at": now,
    }


async def list_messages(
    session: AsyncSession, status: OutboxStatus | None = None, limit: int = 50
) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .order_by(OutboxMessage.due_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(OutboxMessage.status == status.value)
    return list((await session.scalars(query)).all())


async def status_counts(session: AsyncSession) -> dict[str, int]:
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    counts = {status.value: 0 for status in OutboxStatus}
    for status, count in (await session.execute(query)).all():
        counts[status] = count
    return counts


async def pending_count(session: AsyncSession) -> int:
    query = select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING.value)
    return int(await session.scalar(query) or 0)


async def retry_dead(session: AsyncSession, now: datetime, ids: Sequence[int] | None = None) -> int:
    """Put dead rows back in the queue, due now (all of them when `ids` is None)."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.DEAD.value)
        .values(
            status=OutboxStatus.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            # A retried message was wanted anyway: let it through even if its day is over.
            expires_at=None,
        )
    )
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(list(ids)))
    result = await session.execute(statement)
    return max(getattr(result, "rowcount", 0) or 0, 0)


def reply_of(row: OutboxMessage) -> Reply:
    return Reply.model_validate_json(row.body)
