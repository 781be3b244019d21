"""Fan-out benchmark: N reminders through the outbox to a rate-limited fake Discord.

    python benchmarks/bench_fanout.py --quick              # 10,000 at 200 requests/s
    python benchmarks/bench_fanout.py --limit 50           # Discord's global limit
    python benchmarks/bench_fanout.py --backend postgres   # needs PATHBOT_TEST_POSTGRES_URL

The fake endpoint (tests/fakes/delivery_server.py) enforces `--limit` requests
per sliding second and answers 429 + Retry-After above it. `pathbot outbox
deliver` runs in a child process, is SIGKILLed halfway and restarted. Printed:
achieved request rate against the limit (each first DM to a user costs two
requests, opening the DM channel and posting), 429s, lost and duplicated messages.
BENCH_TRACE=1 also prints the request rate per ten seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions
from tests.fakes.delivery_server import (
    FakeDeliveryServer,
    expected_contents,
    seed_reminders,
    start_delivery,
)

DUE = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


async def run_once(url: str, backend: str, count: int, limit: float, headroom: float) -> None:
    engine = make_engine(url)
    await migrate.upgrade(engine)
    await seed_reminders(make_sessions(engine), count, DUE)
    await engine.dispose()

    server = FakeDeliveryServer(limit_per_s=limit)
    api = await server.start()
    rate = limit * headroom
    # Any one-second window then holds at most rate + burst = limit requests.
    burst = max(1.0, limit - rate)
    started = time.monotonic()
    first = await start_delivery(url, api, rate=rate, burst=burst)
    while len(server.stats.created) < count // 2:
        server.changed.clear()
        await server.changed.wait()
    killed_at = time.monotonic()
    first.send_signal(signal.SIGKILL)
    _, first_stderr = await first.communicate()
    if b"Traceback" in first_stderr:
        print(first_stderr.decode()[-3000:], file=sys.stderr)
    server.requested.clear()
    second = await start_delivery(url, api, rate=rate, burst=burst)
    await server.requested.wait()
    resumed_at = time.monotonic()
    _, stderr = await second.communicate()
    finished = time.monotonic()
    await server.close()
    if second.returncode != 0 or "Traceback" in stderr.decode():
        print(stderr.decode()[-3000:], file=sys.stderr)

    stats = server.stats
    contents = stats.per_content()
    lost = len(expected_contents(count) - set(contents))
    elapsed = finished - started
    gap = resumed_at - killed_at
    assert stats.first_request_at is not None
    assert stats.last_request_at is not None
    # From the first request to the last, less the restart (process start-up is not sending).
    sending = stats.last_request_at - stats.first_request_at - gap
    steady = stats.requests / sending
    if os.environ.get("BENCH_TRACE"):
        start = stats.request_times[0]
        buckets: dict[int, int] = {}
        for stamp in stats.request_times:
            buckets[int((stamp - start) // 10)] = buckets.get(int((stamp - start) // 10), 0) + 1
        print("requests/s per 10 s:", [round(n / 10) for _, n in sorted(buckets.items())])
    print(
        f"{backend:8} messages={count} limit={limit:g}/s client={rate:g}/s burst={burst:g} "
        f"time={elapsed:.1f}s (restart gap {gap:.1f}s)\n"
        f"         requests={stats.requests} ({stats.requests / elapsed:.1f}/s overall, "
        f"{steady:.1f}/s = {100 * steady / limit:.1f}% of the limit outside the restart) "
        f"messages/s={count / elapsed:.1f}\n"
        f"         429s={stats.rate_limited} ({100 * stats.rate_limited / stats.requests:.2f}% "
        f"of requests) lost={lost} duplicates={stats.duplicates()} "
        f"nonce replays={stats.nonce_replays}"
    )


async def postgres_database(server_url: str) -> tuple[str, str]:
    name = f"pathbot_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False), name


async def drop_postgres(server_url: str, name: str) -> None:
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=50.0, help="fake platform requests/s")
    parser.add_argument("--quick", action="store_true", help="limit 200/s")
    parser.add_argument("--headroom", type=float, default=0.95, help="client rate / limit")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    limit = 200.0 if args.quick else args.limit
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
            await run_once(url, "sqlite", args.messages, limit, args.headroom)
    if args.backend in ("postgres", "both"):
        server_url = os.environ.get("PATHBOT_TEST_POSTGRES_URL")
        if not server_url:
            print("postgres skipped: PATHBOT_TEST_POSTGRES_URL is not set")
            return
        url, name = await postgres_database(server_url)
        try:
            await run_once(url, "postgres", args.messages, limit, args.headroom)
        finally:
            await drop_postgres(server_url, name)


if __name__ == "__main__":
    asyncio.run(main())
