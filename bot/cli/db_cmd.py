"""`pathbot db upgrade|downgrade|current`: the database schema, through Alembic; and
`pathbot db recount`, which reads the figures kept on members' rows from the rows again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import typer

from bot.cli.errors import fail

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="Migrate the database (SQLite by default, or PATHBOT_DATABASE_URL).")
    app.add_typer(db, name="db")

    @db.command()
    def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
        """Apply migrations up to REVISION (default: the newest)."""
        from bot.storage import migrate

        async def go(engine: AsyncEngine) -> None:
            await migrate.upgrade(engine, revision)
            typer.echo(f"database upgraded: now at {await migrate.current_revision(engine)}")

        _run(go)

    @db.command()
    def downgrade(
        revision: str = typer.Argument("-1", help="Target revision: -1 (one step) or base."),
    ) -> None:
        """Undo migrations down to REVISION (default: one step back; `base` empties it)."""
        from bot.storage import migrate

        async def go(engine: AsyncEngine) -> None:
            await migrate.downgrade(engine, revision)
            now = await migrate.current_revision(engine)
            typer.echo(f"database downgraded: now at {now or 'base (empty)'}")

        _run(go)

    @db.command()
    def recount() -> None:
        """Read each member's last active day from their rows again and forget every kept
        streak (when `pathbot doctor` says the kept figures disagree)."""
        from bot.services.integrity import reread_kept
        from bot.storage.engine import make_sessions

        async def go(engine: AsyncEngine) -> None:
            async with make_sessions(engine)() as session, session.begin():
                members = await reread_kept(session)
            typer.echo(
                f"{members} members: last active days read from their rows again, kept "
                "streaks forgotten (each is kept again at the member's next check-in or log)"
            )

        _run(go)

    @db.command()
    def current() -> None:
        """Print the database's revision and the newest one the code knows."""
        from bot.storage import migrate

        async def show(engine: AsyncEngine) -> None:
            now, head = await migrate.current_revision(engine), migrate.head_revision()
            state = "up to date" if now == head else "behind: run `pathbot db upgrade`"
            typer.echo(f"current: {now or '(none)'}  head: {head}  ({state})")

        _run(show)


def _run(action: Callable[[AsyncEngine], Awaitable[None]]) -> None:
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.settings import settings_or_fail
    from bot.storage.engine import make_engine

    settings = settings_or_fail()

    async def go() -> None:
        engine = make_engine(settings.resolved_database_url)
        try:
            await action(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(go())
    except CommandError as error:
        fail(str(error))
    except (SQLAlchemyError, OSError) as error:
        fail(f"cannot reach the database: {str(error).splitlines()[0]}")
