"""The dashboard's pages at 10,000 members, over HTTP as a browser asks for them.

Seeds a workspace as bench_commands.py does (N members, 16 weeks of logs and check-ins),
starts the dashboard on 127.0.0.1, signs in with a link, and times each page from
request to last byte (session check, queries, template). Prints p50/p99; asserts
nothing. Target: the overview's p99 under 200 ms on PostgreSQL.

    PATHBOT_TEST_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test \\
        python benchmarks/bench_dashboard.py [--members 10000] [--samples 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_commands import NOW, START, seed, with_postgres_database
from bot.clock import FakeClock
from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.dashboard.web import Dashboard
from bot.ops.heap import settle_heap
from bot.ops.http import serving_http
from bot.services.context import Core
from bot.services.dashboard_links import DashboardLinks, Role
from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions

PAGES = (
    "/dashboard",
    "/dashboard/members",
    "/dashboard/leaderboard",
    "/dashboard/deliveries",
    "/dashboard/slipping",
)


async def run(url: str, label: str, members: int, samples: int) -> None:
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)
        began = time.perf_counter()
        rows = await seed(engine, members)
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE workspaces SET cohort_start = :start"), {"start": START}
            )
        seconds = time.perf_counter() - began
        print(f"\n{label}: seeded {members:,} members, {rows:,} rows in {seconds:.1f} s")
        clock = FakeClock(NOW)
        links = DashboardLinks("bench-key-0123456789abcdef", "http://pending", clock)
        core = Core(make_sessions(engine), clock, load_curriculum(DEFAULT_CURRICULUM), links=links)
        app = web.Application()
        Dashboard(core).add_routes(app)
        settle_heap()  # as `pathbot run` does once its core is open
        async with serving_http(app, "127.0.0.1", 0) as base:
            links.public_url = base
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                async with http.get(links.link(1, "u1", Role.ORGANISER, generation=0)) as page:
                    assert page.status == 200, await page.text()
                print(f"  {'page':<26}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
                for path in PAGES:
                    spent = []
                    for _ in range(samples):
                        began = time.perf_counter()
                        async with http.get(f"{base}{path}") as page:
                            await page.read()
                            assert page.status == 200, path
                        spent.append((time.perf_counter() - began) * 1000)
                    cuts = statistics.quantiles(spent, n=100, method="inclusive")
                    print(f"  {path:<26}{cuts[49]:>9.1f}{cuts[98]:>9.1f}{max(spent):>9.1f}")
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    if args.backend in {"sqlite", "both"}:
        with tempfile.TemporaryDirectory() as folder:
            await run(
                f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
                "SQLite",
                args.members,
                args.samples,
            )
    postgres = os.environ.get("PATHBOT_TEST_POSTGRES_URL")
    if args.backend in {"postgres", "both"}:
        if not postgres:
            print("\nPostgreSQL skipped: PATHBOT_TEST_POSTGRES_URL is not set")
            return
        await with_postgres_database(
            postgres, lambda url: run(url, "PostgreSQL", args.members, args.samples)
        )


if __name__ == "__main__":
    asyncio.run(main())
