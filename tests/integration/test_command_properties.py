"""Random sequences of what members do, through the command table, on both databases.

After every step: totals equal their rows and no day passes 24 h (the doctor's
audit), a forgotten member appears nowhere, a refused command changed nothing, and
an export lists everything stored about its member.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.services.context import Core
from bot.services.integrity import audit_kept, audit_totals
from bot.storage.base import Base
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import CheckIn, FinishedExercise, HourLog, Member, Pause, WeeklyTotal
from tests.conftest import _empty, caller_for

MEMBERS = [caller_for(f"member-q{index}x") for index in range(2)]
ADMIN = caller_for("boss-admin", admin=True)
START = datetime(2027, 1, 6, 12, tzinfo=UTC)
EXAMPLES = 60

durations = st.sampled_from(["15m", "1h", "2h30", "7h", "16h", "1,5h", "0", "-2h", "25h"])
lines = st.one_of(
    st.just("/join 2027-01-04"),
    st.builds("/log {}".format, durations),
    st.builds("/log {} --date yesterday".format, durations),
    st.just("/undo"),
    st.builds(
        "/checkin {} {}".format,
        st.sampled_from(["done", "partial", "blocked"]),
        st.sampled_from(["", "note-of-{}"]),
    ),
    st.just("/finish 1"),
    st.just("/pause"),
    st.just("/resume"),
    st.just("/leave"),
    st.just("/forgetme confirm"),
    st.just("/export"),
    st.just("/admin-add {me}"),
    st.builds("/freezes {}".format, st.integers(0, 2)),
)
steps = st.lists(
    st.tuples(st.integers(0, len(MEMBERS) - 1), lines, st.integers(0, 30)),
    min_size=1,
    max_size=14,
)


async def _rows(engine: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
    rows: dict[str, list[tuple[object, ...]]] = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            result = await connection.execute(table.select().order_by(*table.primary_key))
            rows[table.name] = [tuple(row) for row in result]
    return rows


async def _check_export(core: Core, dispatcher: Dispatcher, who: int) -> None:
    reply = await dispatcher.handle(MEMBERS[who], "/export")
    async with core.sessions() as db:
        member = await db.scalar(select(Member).where(Member.user_id == MEMBERS[who].user_id))
        if member is None:
            assert not reply.ok
            return
        assert reply.ok
        assert reply.attachment is not None
        data = json.loads(reply.attachment.content)

        async def count(model: type[Base]) -> int:
            column = model.member_id  # type: ignore[attr-defined]
            return int(
                await db.scalar(select(func.count()).select_from(model).where(column == member.id))
                or 0
            )

        assert len(data["checkins"]) == await count(CheckIn)
        assert len(data["hour_logs"]) == await count(HourLog)
        assert len(data["weekly_totals"]) == await count(WeeklyTotal)
        assert len(data["finished_exercises"]) == await count(FinishedExercise)
        assert len(data["pauses"]) == await count(Pause)
        assert data["member"]["total_minutes"] == member.total_minutes


async def _run(
    url: str, backend: str, curriculum: Curriculum, sequence: list[tuple[int, str, int]]
) -> None:
    engine = make_engine(url)
    try:
        await _empty(engine, backend)
        clock = FakeClock(START)
        core = Core(make_sessions(engine), clock, curriculum)
        dispatcher = Dispatcher(core)
        forgotten: set[str] = set()
        # Everyone starts joined, so the random steps act instead of being refused.
        joins = [(who, "/join 2027-01-04", 0) for who in range(len(MEMBERS))]
        for who, template, hours_later in [*joins, *sequence]:
            caller = ADMIN if template.startswith(("/admin", "/freezes")) else MEMBERS[who]
            line = template.format(MEMBERS[who].user_id, me=MEMBERS[who].user_id)
            before = await _rows(engine)
            reply = await dispatcher.handle(caller, line)
            after = await _rows(engine)
            shown = reply.text()
            assert "went wrong" not in shown, (line, shown)
            if not reply.ok:
                assert after == before, line
            if line == "/forgetme confirm" and reply.ok:
                forgotten.add(MEMBERS[who].user_id)
            elif reply.ok and line.startswith(("/join", "/admin-add")):
                # Coming back, or an admin naming them again: their id is stored anew.
                forgotten.discard(MEMBERS[who].user_id)
            everything = json.dumps(after, default=str)
            for user_id in forgotten:
                assert user_id not in everything, (user_id, line)
            async with core.sessions() as db:
                assert await audit_totals(db) == [], line
                assert await audit_kept(db, core.curriculum) == [], line
            await _check_export(core, dispatcher, who)
            clock.advance(timedelta(hours=hours_later))
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_invariants_hold_after_every_step(
    backend: str, request: pytest.FixtureRequest, shipped_curriculum: Curriculum
) -> None:
    url: str = request.getfixturevalue(f"{backend}_url")
    examples = 0
    began = time.perf_counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(steps)
    def check(sequence: list[tuple[int, str, int]]) -> None:
        nonlocal examples
        examples += 1
        asyncio.run(_run(url, backend, shipped_curriculum, sequence))

    check()
    print(f"\n{backend}: {examples} examples in {time.perf_counter() - began:.1f} s")
