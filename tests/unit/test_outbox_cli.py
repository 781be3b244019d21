from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from bot.cli.app import build_app
from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions
from bot.storage.outbox import OutboxMessage, OutboxStatus
from tests.fakes.delivery_server import seed_reminders

DUE = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


async def prepare(url: str) -> None:
    engine = make_engine(url)
    await migrate.upgrade(engine)
    sessions = make_sessions(engine)
    await seed_reminders(sessions, 3, DUE)
    async with sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.target != "user:u0")
            .values(status=OutboxStatus.DEAD.value, last_error="refused: HTTP 403: DMs closed")
        )
    await engine.dispose()


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    asyncio.run(prepare(database_url))
    monkeypatch.setenv("PATHBOT_DATABASE_URL", database_url)
    return database_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_dead_rows_with_their_error_and_retry_requeues_them(url: str) -> None:
    code, out, _ = run("outbox", "list", "--dead")
    assert code == 0
    assert out.count("dead    reminder") == 2
    assert "(refused: HTTP 403: DMs closed)" in out
    assert out.splitlines()[-1] == "pending: 1, sent: 0, dead: 2, expired: 0, cancelled: 0"

    code, out, _ = run("outbox", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    dead_ids = [row["id"] for row in rows if row["status"] == "dead"]
    assert len(rows) == 3

    code, out, _ = run("outbox", "retry", str(dead_ids[0]))
    assert (code, out.strip()) == (0, "1 message(s) back in the queue")
    code, out, _ = run("outbox", "retry", "--all-dead")
    assert (code, out.strip()) == (0, "1 message(s) back in the queue")
    _, out, _ = run("outbox", "list")
    assert out.splitlines()[-1] == "pending: 3, sent: 0, dead: 0, expired: 0, cancelled: 0"


def test_bad_outbox_input_is_one_clear_line(url: str) -> None:
    code, _, err = run("outbox", "retry")
    assert (code, err.strip()) == (
        1,
        "error: name the dead message ids to retry, or pass --all-dead",
    )
    code, _, err = run("outbox", "list", "--status", "lost")
    assert code == 1
    assert err.strip() == "error: unknown status 'lost': use pending, sent, dead or expired"
