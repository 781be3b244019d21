"""Totals that hold under concurrency, and a new workspace's first moments.

A member's /log and /undo arriving at the same moment (threads on SQLite, two
processes on PostgreSQL) leave stored totals equal to the sum of the remaining
rows, and no day over 24 h; twenty first commands in a brand-new workspace are all
answered and make one workspace row.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.caller import Caller, Platform
from bot.services.integrity import audit_totals
from bot.storage.models import HourLog, Member, Workspace
from tests.conftest import Database, caller_for
from tests.fakes.command_burst import burst

NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
COMMANDS = 50


def _mixed_commands(seed: int) -> list[str]:
    """30 logs of 50 min (past the day's 24 h if all stood), 5 for yesterday, 15 undos."""
    lines = ["/log 50m"] * 30 + ["/log 20m --date yesterday"] * 5 + ["/undo"] * 15
    random.Random(seed).shuffle(lines)
    return lines


async def _prepare(database: Database) -> None:
    [[ok, title]] = await burst(database.url, NOW, [caller_for("ada")], ["/join 2027-01-04"])
    assert ok, title
    # Something for the first undos to remove.
    [[ok, _], [ok2, _]] = await burst(
        database.url, NOW, [caller_for("ada")], ["/log 1h", "/log 30m --date yesterday"]
    )
    assert ok
    assert ok2


async def _fire(database: Database, lines: list[str]) -> list[list[object]]:
    if database.backend == "sqlite":
        # Five threads, each with its own event loop and engine, ten commands at once each.
        def one_thread(part: list[str]) -> list[list[object]]:
            return asyncio.run(burst(database.url, NOW, [caller_for("ada")], part))

        parts = [lines[start::5] for start in range(5)]
        answers: list[list[object]] = [[] for _ in lines]
        with ThreadPoolExecutor(5) as pool:
            # Each thread answered its part in order: back beside their lines they go.
            for start, rows in enumerate(pool.map(one_thread, parts)):
                answers[start::5] = rows
        return answers
    # Two processes on one PostgreSQL, 25 commands at once each.
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fakes.command_burst",
            database.url,
            NOW.isoformat(),
            "w1",
            "ada",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    halves = [lines[0::2], lines[1::2]]
    outputs = await asyncio.gather(
        *(
            p.communicate(json.dumps(half).encode())
            for p, half in zip(processes, halves, strict=True)
        )
    )
    assert all(p.returncode == 0 for p in processes)
    # Each process answered its half in order: put the answers back beside their lines.
    results: list[list[object]] = [[] for _ in lines]
    results[0::2], results[1::2] = (json.loads(out) for out, _ in outputs)
    return results


async def test_concurrent_logs_and_undos_keep_totals_true(own_database: Database) -> None:
    await _prepare(own_database)
    lines = _mixed_commands(seed=13)
    results = await _fire(own_database, lines)

    assert len(results) == COMMANDS
    titles = [str(title) for _, title in results]
    # Every command got a real answer: none lost a race it could not recover from.
    assert not any("went wrong" in t or "same moment" in t for t in titles), titles
    logged = sum(1 for (ok, _), line in zip(results, lines, strict=True) if ok and "/log" in line)
    undone = sum(1 for (ok, _), line in zip(results, lines, strict=True) if ok and line == "/undo")
    async with own_database.sessions() as db:
        rows = await db.scalar(select(func.count()).select_from(HourLog))
        stored_total = await db.scalar(select(Member.total_minutes))
        row_total = await db.scalar(select(func.sum(HourLog.minutes)))
        busiest = await db.scalar(
            select(func.sum(HourLog.minutes))
            .group_by(HourLog.local_date)
            .order_by(func.sum(HourLog.minutes).desc())
            .limit(1)
        )
        problems = await audit_totals(db)
    shown = [(line, ok, title) for line, (ok, title) in zip(lines, results, strict=True)]
    assert rows == 2 + logged - undone, shown
    assert stored_total == row_total
    assert busiest is not None
    assert busiest <= 24 * 60
    assert problems == []
    refused = [(line, title) for line, ok, title in shown if not ok]
    print(
        f"\n{own_database.backend}: {COMMANDS} commands, {logged} logs and {undone} undos "
        f"stood, {rows} rows, total {stored_total} min, busiest day {busiest} min; "
        f"refused: {refused or 'none'}"
    )


async def test_twenty_first_commands_in_a_new_workspace(own_database: Database) -> None:
    callers = [
        Caller(Platform.SLACK, "T-NEW", f"U{index:03d}", f"Member {index}") for index in range(20)
    ]
    results = await burst(own_database.url, NOW, callers, ["/join"] * 20)

    assert all(ok for ok, _ in results), results
    async with own_database.sessions() as db:
        assert await db.scalar(select(func.count()).select_from(Workspace)) == 1
        assert await db.scalar(select(func.count()).select_from(Member)) == 20


async def test_the_day_cap_holds_when_logs_race(own_database: Database) -> None:
    """40 logs of 45 min at once: exactly 32 fit in 24 h, whatever the interleaving."""
    [[ok, _]] = await burst(own_database.url, NOW, [caller_for("ada")], ["/join 2027-01-04"])
    assert ok
    results = await _fire(own_database, ["/log 45m"] * 40)

    assert sum(1 for ok, _ in results if ok) == 32
    async with own_database.sessions() as db:
        assert await db.scalar(select(func.sum(HourLog.minutes))) == 24 * 60
        assert await audit_totals(db) == []
