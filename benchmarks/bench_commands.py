"""Latency of every member command on a big cohort, on SQLite and PostgreSQL.

Seeds one workspace with N members (default 10,000) and 16 weeks of history
(an hour log and a check-in on ~6 days in 7: about two million rows at 10,000
members) with bulk inserts, then runs each command for randomly chosen members
through the real Dispatcher and prints p50/p99 in milliseconds. On PostgreSQL it
also times the weekly leaderboard with 100,000 members.

The whole-cohort views (/at-risk and the weekly organiser digest) meet their worst
case: nobody has checked in yet today, so every member is behind the plan, and the
~6 in 7 who were active yesterday each have a streak ending tonight where it is
evening (18:00 UTC: in three of the four zones).

    python benchmarks/bench_commands.py              # 10,000 members, both backends
    python benchmarks/bench_commands.py --quick      # 1,000 members
    python benchmarks/bench_commands.py --backend sqlite

PostgreSQL comes from PATHBOT_TEST_POSTGRES_URL (a throwaway database is
created and dropped); without it only SQLite runs. Targets: p99 < 25 ms per
command, weekly leaderboard < 100 ms at 100,000 members, /at-risk and the digest
< 100 ms at 10,000.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateIndex, DropIndex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot.storage.models  # noqa: F401  (registers the tables on Base.metadata)
from bot.caller import Caller, Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.curriculum.planner_calendar import PathCalendar
from bot.ops.heap import settle_heap
from bot.services.at_risk import digest_reply
from bot.services.context import Core
from bot.services.streaks import compute_streaks
from bot.storage import migrate
from bot.storage.base import Base
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import Workspace


def _last_active_backfill() -> tuple[str, ...]:
    """The statements migration 0013 fills members.last_active_on with: the rows here
    are loaded past the services, which keep it."""
    path = Path(__file__).resolve().parent.parent / "migrations/versions/0013_last_active.py"
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.BACKFILL)


START = date(2027, 1, 4)
DAYS = 112
NOW = datetime(2027, 4, 25, 18, 0, tzinfo=UTC)  # day 112, a Sunday evening
ZONES = ("UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata")
WORKSPACE = "bench"

COMMANDS = (
    "/help",
    "/today",
    "/week",
    "/progress",
    "/settings",
    "/leaderboard",
    "/leaderboard last",
    "/leaderboard all",
    "/log 30m benchmark",
    "/undo",
    "/checkin done",
    "/finish 1",
    "/export",
    "/lgo",
)


def _seed_rows(
    members: int, days: int, rng: random.Random
) -> tuple[
    list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]
]:
    """(members, hour_logs, checkins, weekly_totals) rows; ids start at 1. Each member
    row ends with the streak bot.services.streak_memo would keep (days, through)."""
    member_rows, logs, checkins = [], [], []
    weekly: dict[tuple[int, date], int] = {}
    first_day = START + timedelta(days=DAYS - days)
    calendar = PathCalendar.build(START, DAYS)
    log_id = 0
    for member_id in range(1, members + 1):
        total = 0
        active: set[date] = set()
        # The last day is today: nobody has checked in yet.
        for offset in range(days - 1):
            if rng.random() < 1 / 7:
                continue
            day = first_day + timedelta(days=offset)
            minutes = rng.choice((30, 45, 60, 90, 120))
            log_id += 1
            path_day = (day - START).days
            logs.append((log_id, 1, member_id, day, minutes, path_day // 7 + 1, day))
            checkins.append((log_id, member_id, day))
            monday = day - timedelta(days=day.weekday())
            weekly[(member_id, monday)] = weekly.get((member_id, monday), 0) + minutes
            total += minutes
            active.add(day)
        last = max(active, default=None)
        streak = compute_streaks(calendar, last, active, 1).current if last else None
        member_rows.append(
            (
                member_id,
                f"u{member_id}",
                f"Member {member_id}",
                ZONES[member_id % 4],
                total,
                streak,
                last,
            )
        )
    weekly_rows = [
        (n, 1, member_id, monday, minutes, True)
        for n, ((member_id, monday), minutes) in enumerate(weekly.items(), start=1)
    ]
    return member_rows, logs, checkins, weekly_rows


async def seed(engine: AsyncEngine, members: int, days: int = DAYS) -> int:
    """Bulk-load a cohort; returns how many rows were written."""
    rng = random.Random(7)
    member_rows, logs, checkins, weekly = _seed_rows(members, days, rng)
    created = datetime(2027, 1, 1, tzinfo=UTC)
    tables: dict[str, tuple[Sequence[str], Iterable[tuple[Any, ...]]]] = {
        "workspaces": (
            ("id", "platform", "external_id", "timezone", "streak_freezes_per_week", "created_at"),
            [(1, "console", WORKSPACE, "UTC", 1, created)],
        ),
        "members": (
            (
                "id",
                "workspace_id",
                "user_id",
                "display_name",
                "timezone",
                "reminder_time",
                "start_date",
                "status",
                "leaderboard_opt_out",
                "total_minutes",
                "listed",
                "joined_at",
                "streak_days",
                "streak_through",
            ),
            [
                (i, 1, u, n, z, clock_time(9), START, "active", False, t, True, created, s, s_on)
                for i, u, n, z, t, s, s_on in member_rows
            ],
        ),
        "hour_logs": (
            ("id", "workspace_id", "member_id", "local_date", "minutes", "path_week", "created_at"),
            [
                (i, w, m, d, mi, pw, datetime.combine(c, clock_time(20), UTC))
                for i, w, m, d, mi, pw, c in logs
            ],
        ),
        "checkins": (
            ("id", "member_id", "local_date", "status", "updated_at"),
            [(i, m, d, "done", datetime.combine(d, clock_time(21), UTC)) for i, m, d in checkins],
        ),
        "weekly_totals": (
            ("id", "workspace_id", "member_id", "week_start", "minutes", "listed"),
            weekly,
        ),
    }
    written = 0
    # Secondary indexes are built once after loading: much faster than row by row.
    indexes = [
        ix for table in Base.metadata.sorted_tables if table.name in tables for ix in table.indexes
    ]
    async with engine.begin() as connection:
        for index in indexes:
            await connection.execute(DropIndex(index))
        raw = (await connection.get_raw_connection()).driver_connection
        for table, (columns, rows) in tables.items():
            rows = list(rows)
            written += len(rows)
            if engine.dialect.name == "postgresql":
                await raw.copy_records_to_table(table, records=rows, columns=list(columns))
            else:
                marks = ", ".join("?" for _ in columns)
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                await raw.executemany(sql, [tuple(_sqlite(v) for v in row) for row in rows])
        for index in indexes:
            await connection.execute(CreateIndex(index))
        for statement in _last_active_backfill():
            await connection.execute(text(statement))
        if engine.dialect.name == "postgresql":
            for table in tables:
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        else:
            await connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # What autovacuum would do soon: statistics, and a visibility map so
        # index-only scans (leaderboard counts) skip the heap.
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
    return written


def _sqlite(value: Any) -> Any:
    # The same text formats SQLAlchemy's SQLite types write.
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, clock_time):
        return value.strftime("%H:%M:%S.%f")
    return value


async def measure(engine: AsyncEngine, members: int, samples: int) -> dict[str, list[float]]:
    core = Core(make_sessions(engine), FakeClock(NOW), load_curriculum(DEFAULT_CURRICULUM))
    dispatcher = Dispatcher(core)
    settle_heap()  # as `pathbot run` does once its core is open
    rng = random.Random(11)
    timings: dict[str, list[float]] = {}
    for line in COMMANDS:
        spent = []
        for _ in range(samples):
            user = f"u{rng.randint(1, members)}"
            caller = Caller(Platform.CONSOLE, WORKSPACE, user, user)
            began = time.perf_counter()
            reply = await dispatcher.handle(caller, line)
            spent.append((time.perf_counter() - began) * 1000)
            if line not in {"/lgo", "/undo", "/finish 1"} and not reply.ok:
                raise SystemExit(f"{line} failed: {reply.text()}")
        timings[line] = spent
    return timings


async def measure_organisers(engine: AsyncEngine, samples: int) -> dict[str, list[float]]:
    """/at-risk (through the dispatcher, as an admin) and the weekly organiser digest
    (as the scheduler builds it), over the whole cohort."""
    core = Core(make_sessions(engine), FakeClock(NOW), load_curriculum(DEFAULT_CURRICULUM))
    dispatcher = Dispatcher(core)
    admin = Caller(Platform.CONSOLE, WORKSPACE, "organiser", "Organiser", is_platform_admin=True)
    settle_heap()  # as `pathbot run` does once its core is open
    timings: dict[str, list[float]] = {"/at-risk": [], "weekly digest": []}
    for _ in range(samples):
        began = time.perf_counter()
        assert (await dispatcher.handle(admin, "/at-risk")).ok
        timings["/at-risk"].append((time.perf_counter() - began) * 1000)
        async with core.sessions() as db:
            workspace = await db.get(Workspace, 1)
            assert workspace is not None
            began = time.perf_counter()
            await digest_reply(db, core, workspace)
            timings["weekly digest"].append((time.perf_counter() - began) * 1000)
    return timings


def report(title: str, timings: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"  {'command':<22}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for line, spent in timings.items():
        cuts = statistics.quantiles(spent, n=100, method="inclusive")
        print(f"  {line:<22}{cuts[49]:>9.2f}{cuts[98]:>9.2f}{max(spent):>9.2f}")


async def run_backend(url: str, label: str, members: int, samples: int) -> None:
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)
        began = time.perf_counter()
        rows = await seed(engine, members)
        print(
            f"\n{label}: seeded {members:,} members, {rows:,} rows in "
            f"{time.perf_counter() - began:.1f} s"
        )
        report(
            f"{label}, {members:,} members, {samples} samples per command",
            await measure(engine, members, samples),
        )
        async with engine.begin() as connection:  # the digest's cohort has started
            await connection.execute(text("UPDATE workspaces SET cohort_start = :s"), {"s": START})
        organisers = max(samples // 2, 10)
        report(
            f"{label}, {members:,} members, whole-cohort views ({organisers} samples)",
            await measure_organisers(engine, organisers),
        )
    finally:
        await engine.dispose()


async def big_leaderboard(url: str, members: int, samples: int) -> None:
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)
        began = time.perf_counter()
        rows = await seed(engine, members, days=14)
        print(
            f"\nPostgreSQL: seeded {members:,} members (two weeks), {rows:,} rows in "
            f"{time.perf_counter() - began:.1f} s"
        )
        core = Core(make_sessions(engine), FakeClock(NOW), load_curriculum(DEFAULT_CURRICULUM))
        dispatcher = Dispatcher(core)
        timings: dict[str, list[float]] = {}
        for line in ("/leaderboard", "/leaderboard last"):
            spent = []
            for n in range(samples):
                caller = Caller(Platform.CONSOLE, WORKSPACE, f"u{n + 1}", "x")
                began = time.perf_counter()
                assert (await dispatcher.handle(caller, line)).ok
                spent.append((time.perf_counter() - began) * 1000)
            timings[line] = spent
        report(f"PostgreSQL weekly leaderboard, {members:,} members", timings)
    finally:
        await engine.dispose()


async def with_postgres_database(server_url: str, work: Any) -> None:
    name = f"pathbot_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        await work(make_url(server_url).set(database=name).render_as_string(False))
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 members, fewer samples")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--leaderboard-members", type=int, default=100_000)
    parser.add_argument(
        "--leaderboard-only", action="store_true", help="only the big PostgreSQL leaderboard"
    )
    args = parser.parse_args()
    members, samples = args.members, args.samples
    if args.quick:
        members, samples = 1_000, 50
        args.leaderboard_members = min(args.leaderboard_members, 10_000)
    postgres = os.environ.get("PATHBOT_TEST_POSTGRES_URL")
    if args.backend in {"sqlite", "both"} and not args.leaderboard_only:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            await run_backend(url, "SQLite", members, samples)
    if args.backend in {"postgres", "both"}:
        if not postgres:
            print("\nPostgreSQL skipped: PATHBOT_TEST_POSTGRES_URL is not set")
            return
        if not args.leaderboard_only:
            await with_postgres_database(
                postgres, lambda url: run_backend(url, "PostgreSQL", members, samples)
            )
        await with_postgres_database(
            postgres, lambda url: big_leaderboard(url, args.leaderboard_members, samples)
        )


if __name__ == "__main__":
    asyncio.run(main())
