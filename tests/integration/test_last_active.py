"""members.last_active_on follows check-ins, logs and undos, so who-is-slipping can read
one column; the migration that added it fills it from the history."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, text

from bot.storage import migrate
from bot.storage.engine import make_engine
from bot.storage.models import Member
from tests.conftest import Bot, Database, caller_for

ADA = caller_for("ada")


async def _last(pathbot: Bot) -> date | None:
    async with pathbot.core.sessions() as db:
        return await db.scalar(select(Member.last_active_on).where(Member.user_id == "ada"))


async def test_it_follows_logs_checkins_and_undo(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 10, 12, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/join 2027-01-04 UTC 08:00")).ok
    assert await _last(pathbot) is None
    assert (await pathbot.say(ADA, "/log 1h --date 2027-01-07")).ok
    assert await _last(pathbot) == date(2027, 1, 7)
    assert (await pathbot.say(ADA, "/log 1h --date 2027-01-05")).ok  # an earlier day
    assert await _last(pathbot) == date(2027, 1, 7)
    assert (await pathbot.say(ADA, "/checkin done")).ok
    assert await _last(pathbot) == date(2027, 1, 10)
    assert (await pathbot.say(ADA, "/undo")).ok  # the 5th's log: today's check-in stays
    assert await _last(pathbot) == date(2027, 1, 10)
    pathbot.clock.set(datetime(2027, 1, 12, 12, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/log 2h")).ok
    assert await _last(pathbot) == date(2027, 1, 12)
    assert (await pathbot.say(ADA, "/undo")).ok
    assert await _last(pathbot) == date(2027, 1, 10)


async def test_the_migration_fills_it_from_the_history_and_loses_nothing(
    pathbot: Bot, database: Database
) -> None:
    pathbot.clock.set(datetime(2027, 1, 10, 12, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/join 2027-01-04 UTC 08:00")).ok
    assert (await pathbot.say(ADA, "/log 1h --date 2027-01-08")).ok
    assert (await pathbot.say(caller_for("bob"), "/join 2027-01-04 UTC 08:00")).ok
    assert (await pathbot.say(caller_for("cy"), "/join 2027-01-04 UTC 08:00")).ok
    assert (await pathbot.say(caller_for("cy"), "/checkin done")).ok  # a check-in only
    assert (await pathbot.say(caller_for("dee"), "/join 2027-01-04 UTC 08:00")).ok
    assert (await pathbot.say(caller_for("dee"), "/log 1h --date 2027-01-07")).ok
    assert (await pathbot.say(caller_for("dee"), "/checkin partial")).ok  # later than the log
    engine = make_engine(database.url)
    try:
        await migrate.downgrade(engine, "0012_counts_from")
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            rows = dict(
                (
                    await connection.execute(text("SELECT user_id, last_active_on FROM members"))
                ).all()
            )
            # Nothing was lost on the way down and up (SQLite rebuilds the table).
            logs = await connection.scalar(text("SELECT count(*) FROM hour_logs"))
            assert logs == 2
    finally:
        await engine.dispose()
    assert {user: str(day) if day else None for user, day in rows.items()} == {
        "ada": "2027-01-08",
        "bob": None,
        "cy": "2027-01-10",
        "dee": "2027-01-10",
    }
