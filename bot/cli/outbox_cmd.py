"""`pathbot outbox list|retry|deliver`: look after scheduled messages."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from bot.cli.errors import fail

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Scheduled messages waiting, sent, dead or expired.", no_args_is_help=True
    )
    app.add_typer(group, name="outbox")

    @group.command("list")
    def list_(
        dead: Annotated[bool, typer.Option("--dead", help="Only dead messages.")] = False,
        status: Annotated[str | None, typer.Option(help="pending, sent, dead or expired.")] = None,
        limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
    ) -> None:
        """List outbox messages (latest due first) and the count in each state."""
        from bot.storage.outbox import OutboxStatus

        wanted = "dead" if dead else status
        try:
            chosen = OutboxStatus(wanted) if wanted else None
        except ValueError:
            fail(f"unknown status {wanted!r}: use pending, sent, dead or expired")
        _run(lambda engine: _list(engine, chosen, limit, as_json))

    @group.command()
    def retry(
        ids: Annotated[list[int] | None, typer.Argument(help="Dead message ids.")] = None,
        all_dead: Annotated[bool, typer.Option("--all-dead", help="Every dead message.")] = False,
    ) -> None:
        """Put dead messages back in the queue, due now."""
        if not ids and not all_dead:
            fail("name the dead message ids to retry, or pass --all-dead")
        if ids and all_dead:
            fail("give ids or --all-dead, not both")
        count = _run(lambda engine: _retry(engine, None if all_dead else ids))
        typer.echo(f"{count} message(s) back in the queue")

    @group.command()
    def deliver(
        api_base: Annotated[
            str, typer.Option(help="A Discord-shaped REST API, e.g. http://127.0.0.1:8080/api/v10.")
        ],
        rate: Annotated[float, typer.Option(min=0.1, help="Requests per second at most.")] = 45.0,
        burst: Annotated[
            float, typer.Option(min=1.0, help="Requests that may go at once after a pause.")
        ] = 1.0,
        until_empty: Annotated[
            bool, typer.Option("--until-empty", help="Stop once nothing is pending.")
        ] = False,
    ) -> None:
        """Run the delivery worker alone against a Discord-shaped API (ops and tests)."""
        from bot.cli.settings import settings_or_fail
        from bot.ops.logs import configure_from
        from bot.scheduling.locks import AlreadyRunning

        configure_from(settings_or_fail())
        try:
            _run(lambda engine: _deliver(engine, api_base, rate, burst, until_empty))
        except AlreadyRunning as error:
            fail(str(error))


def _run(action: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    from bot.cli.settings import settings_or_fail
    from bot.storage import migrate
    from bot.storage.engine import make_engine

    settings = settings_or_fail()
    url = settings.resolved_database_url

    async def go() -> T:
        engine = make_engine(url)
        try:
            await migrate.prepare(engine, url)
            return await action(engine)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go())
    except migrate.DatabaseNotReady as error:
        fail(str(error))
    except OSError as error:
        fail(f"can't reach the database: {error}")


async def _list(engine: AsyncEngine, status: object, limit: int, as_json: bool) -> None:
    from bot.scheduling.outbox import list_messages, reply_of, status_counts
    from bot.storage.engine import make_sessions
    from bot.storage.outbox import OutboxStatus

    chosen = status if isinstance(status, OutboxStatus) else None
    async with make_sessions(engine)() as db:
        rows = await list_messages(db, chosen, limit)
        counts = await status_counts(db)
    for row in rows:
        record = {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "platform": row.platform,
            "target": row.target,
            "local_time": row.local_time,
            "due_at": row.due_at.isoformat(),
            "attempts": row.attempts,
            "last_error": row.last_error,
            "title": reply_of(row).title,
        }
        if as_json:
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            error = f"  ({row.last_error})" if row.last_error else ""
            typer.echo(
                f"#{row.id} {row.status:<7} {row.kind:<14} {row.target:<24} "
                f"{row.local_time}  tries={row.attempts}{error}"
            )
    if not as_json:
        typer.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


async def _retry(engine: AsyncEngine, ids: list[int] | None) -> int:
    from bot.clock import SystemClock
    from bot.scheduling.outbox import retry_dead
    from bot.storage.engine import make_sessions

    async with make_sessions(engine)() as db, db.begin():
        return await retry_dead(db, SystemClock().now(), ids)


async def _deliver(
    engine: AsyncEngine, api_base: str, rate: float, burst: float, until_empty: bool
) -> None:
    import aiohttp

    from bot.cli.settings import settings_or_fail
    from bot.clock import SystemClock
    from bot.scheduling.delivery import DeliveryWorker
    from bot.scheduling.failures import act_on
    from bot.scheduling.http_sender import DiscordHttpSender
    from bot.scheduling.locks import acquire_sqlite_lock
    from bot.scheduling.ratelimit import TokenBucket
    from bot.storage.engine import make_sessions

    lock = acquire_sqlite_lock(engine)
    token = settings_or_fail().discord_token
    sessions = make_sessions(engine)
    limiter = TokenBucket(rate, burst)
    try:
        async with aiohttp.ClientSession() as http:
            sender = DiscordHttpSender(
                http, api_base, token.get_secret_value() if token else "", limiter=limiter
            )
            worker = DeliveryWorker(
                sessions,
                {"discord": sender},
                SystemClock(),
                limiters={"discord": limiter},
                poll_interval_s=0.05 if until_empty else 1.0,
                on_failure=act_on,
            )
            await worker.run(asyncio.Event(), until_empty=until_empty)
    finally:
        if lock is not None:
            lock.release()
