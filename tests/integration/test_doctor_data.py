"""`pathbot doctor` on the data: migrated, and every stored total true to its rows."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from bot.cli.app import build_app
from bot.storage.models import Member, WeeklyTotal
from tests.conftest import Bot, caller_for


def _doctor(monkeypatch: pytest.MonkeyPatch, url: str) -> tuple[int, dict[str, dict[str, str]]]:
    monkeypatch.setenv("PATHBOT_DATABASE_URL", url)
    # The CLI runs its own event loop: from a worker thread, as `pathbot doctor` would.
    result = CliRunner().invoke(build_app(), ["doctor", "--json"])
    return result.exit_code, {check["name"]: check for check in json.loads(result.output)}


async def test_doctor_finds_totals_that_disagree_with_their_rows(
    pathbot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = caller_for("ada")
    for line in ("/join 2027-01-04", "/log 2h", "/log 30m --date yesterday", "/undo"):
        assert (await pathbot.say(ada, line)).ok
    url = pathbot.database.url

    code, checks = await asyncio.to_thread(_doctor, monkeypatch, url)
    assert code == 0
    assert checks["totals"]["status"] == "ok"
    assert checks["migrations"]["status"] == "ok"

    async with pathbot.core.sessions() as db, db.begin():
        await db.execute(update(Member).values(total_minutes=Member.total_minutes + 7))
        await db.execute(update(WeeklyTotal).values(minutes=999))
    code, checks = await asyncio.to_thread(_doctor, monkeypatch, url)

    assert code == 1
    detail = checks["totals"]["detail"]
    assert checks["totals"]["status"] == "fail"
    assert "2 stored figures disagree" in detail
    assert "ada: total is 127, the rows say 120" in detail
    assert "week 2027-01-04 is 999, the rows say 120" in detail


def test_doctor_says_the_database_is_not_migrated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    code, checks = _doctor(monkeypatch, f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    assert code == 1
    assert checks["migrations"]["status"] == "fail"
    assert "pathbot db upgrade" in checks["migrations"]["detail"]


def test_doctor_says_the_database_cannot_be_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    code, checks = _doctor(monkeypatch, "postgresql+asyncpg://nobody@127.0.0.1:9/none")
    assert code == 1
    assert checks["database"]["status"] == "fail"
    assert "cannot reach it" in checks["database"]["detail"]


async def test_doctor_finds_kept_figures_that_disagree_and_recount_mends_them(
    pathbot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = caller_for("ada")
    for line in ("/join 2027-01-04", "/log 2h", "/checkin done"):
        assert (await pathbot.say(ada, line)).ok
    url = pathbot.database.url
    code, checks = await asyncio.to_thread(_doctor, monkeypatch, url)
    assert code == 0
    assert checks["kept figures"]["status"] == "ok"

    async with pathbot.core.sessions() as db, db.begin():
        await db.execute(update(Member).values(streak_days=Member.streak_days + 5))
    code, checks = await asyncio.to_thread(_doctor, monkeypatch, url)
    assert code == 1
    assert checks["kept figures"]["status"] == "fail"
    assert "ada: kept streak is 6, the rows say 1" in checks["kept figures"]["detail"]
    assert "pathbot db recount" in checks["kept figures"]["detail"]

    result = await asyncio.to_thread(CliRunner().invoke, build_app(), ["db", "recount"])
    assert result.exit_code == 0, result.output
    assert "1 members: last active days read from their rows again" in result.output
    code, checks = await asyncio.to_thread(_doctor, monkeypatch, url)
    assert code == 0
    assert checks["kept figures"]["status"] == "ok"
    reply = await pathbot.say(ada, "/log 30m")  # kept again at the next log
    assert reply.ok
    async with pathbot.core.sessions() as db:
        kept = (await db.execute(select(Member.streak_days, Member.streak_through))).one()
    assert kept[0] == 1
    assert kept[1] is not None
