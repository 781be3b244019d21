"""The core's behaviour through the Dispatcher, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.caller import Caller
from bot.rag.errors import RagError
from bot.services import reminders
from bot.services.context import Core
from bot.storage.models import CheckIn, HourLog, Member, WeeklyTotal, Workspace
from tests.conftest import Bot, caller_for
from tests.fixtures.boards import shown as board_rows

ALICE = caller_for("alice")
BOB = caller_for("bob")
ADMIN = caller_for("root", admin=True)


async def count(pathbot: Bot, model: type[object]) -> int:
    async with pathbot.database.sessions() as db:
        return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def join(pathbot: Bot, who: Caller = ALICE, line: str = "/join 2027-01-04 UTC 08:00") -> None:
    reply = await pathbot.say(who, line)
    assert reply.ok, reply.text()


async def test_join_defaults_to_next_monday_and_workspace_zone(pathbot: Bot) -> None:
    reply = await pathbot.say(ALICE, "/join")
    assert reply.ok
    assert "2027-01-11" in reply.text()  # the clock says Wednesday 2027-01-06
    assert "UTC" in reply.text()
    waiting = await pathbot.say(ALICE, "/progress")
    assert waiting.lines == ["Your path starts on Monday 2027-01-11."]
    fields = {f.name: f.value for f in waiting.fields}
    assert (fields["Week 1"], fields["Path"]) == ("not started", "starts in 5 days (0%)")


async def test_join_uses_the_cohort_start(pathbot: Bot) -> None:
    assert (await pathbot.say(ADMIN, "/cohort-start 2027-01-04")).ok
    assert (await pathbot.say(ADMIN, "/workspace-tz Asia/Kolkata")).ok
    reply = await pathbot.say(ALICE, "/join")  # on Wednesday: the cohort is under way
    assert reply.lines[0].startswith("The cohort is on day 3 of its 16-week path")
    assert "Asia/Kolkata" in reply.text()


async def test_checkin_again_updates_the_same_day(pathbot: Bot) -> None:
    await join(pathbot)
    assert (await pathbot.say(ALICE, "/checkin partial")).ok
    reply = await pathbot.say(ALICE, "/checkin done finished it after all")
    assert reply.title.startswith("Check-in updated")
    assert await count(pathbot, CheckIn) == 1
    async with pathbot.database.sessions() as db:
        row = await db.scalar(select(CheckIn))
        assert row is not None
        assert (row.status, row.note) == ("done", "finished it after all")


async def test_log_and_undo_keep_totals_in_step(pathbot: Bot) -> None:
    await join(pathbot)
    assert (await pathbot.say(ALICE, "/log 1h30 read the HNSW paper")).ok
    assert (await pathbot.say(ALICE, "/log 45m --date yesterday")).ok
    async with pathbot.database.sessions() as db:
        member = await db.scalar(select(Member))
        assert member is not None
        assert member.total_minutes == 135
        assert await db.scalar(select(func.sum(WeeklyTotal.minutes))) == 135
        logs = list(await db.scalars(select(HourLog).order_by(HourLog.id)))
        assert [(log.path_week, log.local_date) for log in logs] == [
            (1, date(2027, 1, 6)),
            (1, date(2027, 1, 5)),
        ]
    reply = await pathbot.say(ALICE, "/undo")
    assert "45m" in reply.text()
    async with pathbot.database.sessions() as db:
        member = await db.scalar(select(Member))
        assert member is not None
        assert member.total_minutes == 90
        assert await db.scalar(select(func.sum(WeeklyTotal.minutes))) == 90
    assert (await pathbot.say(ALICE, "/undo")).ok
    assert not (await pathbot.say(ALICE, "/undo")).ok


async def test_pause_shifts_the_plan_and_keeps_the_streak(pathbot: Bot) -> None:
    await join(pathbot)  # started Monday; the clock says Wednesday, day 3
    assert (await pathbot.say(ALICE, "/log 1h --date 2027-01-04")).ok
    assert (await pathbot.say(ALICE, "/log 1h --date 2027-01-05")).ok
    assert (await pathbot.say(ALICE, "/checkin done")).ok
    assert (await pathbot.say(ALICE, "/pause")).ok
    pathbot.clock.advance(timedelta(days=3))  # paused Wed..Fri, back Saturday
    paused_today = await pathbot.say(ALICE, "/today")
    assert paused_today.title == "Paused"
    # An open pause has no end: no made-up resume date, just how to come back.
    assert paused_today.lines == [
        "Day 3 of your path waits for you.",
        "Run /resume when you're back.",
    ]
    paused_week = (await pathbot.say(ALICE, "/week")).lines
    days = [line.split(":")[0] for line in paused_week if line[:4] in {"Mon ", "Tue "}]
    assert days == ["Mon Jan 04 – Tue Jan 05", "Mon Jan 04", "Tue Jan 05"]
    assert "The rest of the week waits until you /resume." in paused_week
    assert not any(line.startswith(("Wed", "Thu", "Fri", "Sat", "Sun")) for line in paused_week)
    assert (await pathbot.say(ALICE, "/resume")).ok
    today = await pathbot.say(ALICE, "/today")
    assert today.title.startswith("Day 3, week 1")  # Wed was paused, so Sat is day 3 again
    assert (await pathbot.say(ALICE, "/checkin done")).ok
    progress = await pathbot.say(ALICE, "/progress")
    fields = {f.name: f.value for f in progress.fields}
    assert fields["Streak"] == "3 days"
    assert fields["Days missed"] == "0"


async def test_finish_by_number_and_text(pathbot: Bot) -> None:
    await join(pathbot)
    week = await pathbot.say(ALICE, "/week")
    assert "#1" in week.text()
    assert (await pathbot.say(ALICE, "/finish 1")).ok
    assert (await pathbot.say(ALICE, "/finish vectorized")).ok
    again = await pathbot.say(ALICE, "/finish 1")
    assert again.title == "Already finished"
    assert "✓ #1" in (await pathbot.say(ALICE, "/week")).text()


async def test_leaderboard_periods_and_opt_out(pathbot: Bot) -> None:
    await join(pathbot)
    await join(pathbot, BOB)
    assert (await pathbot.say(ALICE, "/log 2h")).ok
    assert (await pathbot.say(BOB, "/log 3h")).ok
    board = await pathbot.say(ALICE, "/leaderboard")
    assert board_rows(board)[0].endswith("Bob: 3h · 🔥1")
    assert "Alice" in board_rows(board)[1]
    pathbot.clock.advance(timedelta(days=7))
    assert (await pathbot.say(ALICE, "/log 1h")).ok
    this_week = await pathbot.say(ALICE, "/leaderboard")
    assert len(board_rows(this_week)) == 1
    assert "Alice: 1h" in board_rows(this_week)[0]
    last = await pathbot.say(ALICE, "/leaderboard last")
    assert "Bob: 3h" in board_rows(last)[0]
    every = await pathbot.say(ALICE, "/leaderboard all")
    assert "Alice: 3h" in every.text()
    assert "Bob: 3h" in every.text()
    assert (await pathbot.say(BOB, "/settings leaderboard off")).ok
    assert "Bob" not in (await pathbot.say(ALICE, "/leaderboard all")).text()


async def test_export_and_forget(pathbot: Bot) -> None:
    await join(pathbot)
    await join(pathbot, BOB)
    assert (await pathbot.say(ALICE, "/log 1h note")).ok
    assert (await pathbot.say(ALICE, "/checkin done")).ok
    exported = await pathbot.say(ALICE, "/export")
    assert exported.attachment is not None
    assert exported.lines == [
        "1 check-in, 1 hour log, 0 finished exercises, 0 messages waiting to reach you."
    ]
    data = json.loads(exported.attachment.content)
    assert data["member"]["user_id"] == "alice"
    assert data["hour_logs"][0]["minutes"] == 60
    # The same instants, spelled the same on both databases.
    assert data["member"]["joined_at"] == "2027-01-06T12:00:00+00:00"
    assert data["hour_logs"][0]["created_at"] == "2027-01-06T12:00:00+00:00"
    warning = await pathbot.say(ALICE, "/forgetme")
    assert "confirm" in warning.text()
    assert await count(pathbot, Member) == 2
    assert (await pathbot.say(ALICE, "/forgetme confirm")).ok
    assert await count(pathbot, Member) == 1
    assert await count(pathbot, HourLog) == 0
    assert await count(pathbot, CheckIn) == 0
    assert await count(pathbot, WeeklyTotal) == 0
    assert not (await pathbot.say(ALICE, "/today")).ok


async def test_leave_and_rejoin(pathbot: Bot) -> None:
    await join(pathbot)  # started Monday; the clock says Wednesday, day 3
    assert (await pathbot.say(ALICE, "/log 1h --date 2027-01-04")).ok
    assert (await pathbot.say(ALICE, "/log 1h --date 2027-01-05")).ok
    assert (await pathbot.say(ALICE, "/leave")).ok
    assert not (await pathbot.say(ALICE, "/log 1h")).ok
    pathbot.clock.advance(timedelta(days=5))  # away Wednesday to Sunday
    back = await pathbot.say(ALICE, "/join")
    assert back.title == "Welcome back, Alice!"
    assert "picks up where you left it" in back.text()
    assert (await pathbot.say(ALICE, "/today")).title.startswith("Day 3, week 1")
    assert (await pathbot.say(ALICE, "/log 1h")).ok
    fields = {f.name: f.value for f in (await pathbot.say(ALICE, "/progress")).fields}
    assert (fields["Streak"], fields["Days missed"]) == ("3 days", "0")
    # Naming a start date on the way back starts over from it.
    assert (await pathbot.say(ALICE, "/leave")).ok
    again = await pathbot.say(ALICE, "/join 2027-01-18")
    assert "starts on Monday 2027-01-18" in again.text()
    assert (await pathbot.say(ALICE, "/today")).title == "Not started yet"


async def test_admin_commands(pathbot: Bot) -> None:
    await join(pathbot)
    assert not (await pathbot.say(ALICE, "/workspace")).ok
    assert (await pathbot.say(ADMIN, "/admin-add <@alice>")).ok
    assert (await pathbot.say(ALICE, "/set-channel daily C123")).ok
    assert (await pathbot.say(ALICE, "/set-channel leaderboard C456")).ok
    assert (await pathbot.say(ALICE, "/post-time 7am")).ok
    assert (await pathbot.say(ALICE, "/freezes 2")).ok
    assert not (await pathbot.say(ALICE, "/freezes 9")).ok
    shown = (await pathbot.say(ALICE, "/workspace")).text()
    for expected in ("C123", "C456", "07:00", "2", "alice"):
        assert expected in shown
    assert not (await pathbot.say(ALICE, "/admin-remove alice")).ok
    assert (await pathbot.say(ADMIN, "/admin-remove alice")).ok
    assert not (await pathbot.say(ALICE, "/workspace")).ok


async def test_cohort_report_csv(pathbot: Bot) -> None:
    await join(pathbot)
    await join(pathbot, caller_for("=cmd"))
    assert (await pathbot.say(ALICE, "/log 2h30")).ok
    assert (await pathbot.say(ALICE, "/checkin done")).ok
    report = await pathbot.say(ADMIN, "/report")
    assert report.attachment is not None
    assert report.lines == ["2 members, weeks 1–16."]
    rows = list(csv.DictReader(io.StringIO(report.attachment.content)))
    by_user = {row["user_id"]: row for row in rows}
    assert by_user["alice"]["week_1_hours"] == "2.50"
    assert by_user["alice"]["week_16_hours"] == "0.00"
    assert by_user["alice"]["checkins"] == "1"
    assert by_user["alice"]["current_streak"] == "1"
    assert "'=cmd" in by_user  # formula cells are defused


async def test_reminder_candidates(pathbot: Bot) -> None:
    await join(pathbot)
    await join(pathbot, BOB)
    await join(pathbot, caller_for("carol"), "/join 2027-02-01")
    await join(pathbot, caller_for("dave"))
    assert (await pathbot.say(BOB, "/checkin done")).ok
    assert (await pathbot.say(caller_for("dave"), "/pause")).ok
    async with pathbot.database.sessions() as db:
        workspace = await db.scalar(select(Workspace))
        assert workspace is not None
        due = await reminders.members_due_reminder(db, pathbot.core, workspace.id)
        assert [d.user_id for d in due] == ["alice"]
        assert due[0].local_date == date(2027, 1, 6)
        summary = await reminders.weekly_summary(db, pathbot.core, due[0].member_id)
        assert summary is not None
        assert "Next: week 2" in summary.text()
        day = await reminders.reminder_day(db, pathbot.core, due[0].member_id)
        assert day is not None
        assert day.title.startswith("Day 3, week 1:")
        board = await reminders.last_week_leaderboard(db, pathbot.core, workspace)
        assert "last week" in board.title


@dataclass(frozen=True)
class FakeSource:
    title: str
    citation: str


@dataclass
class FakeAnswer:
    answer: str
    mode: str = "extractive"
    in_scope: bool = True
    sources: list[FakeSource] = field(default_factory=list)


class FakeAsker:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int | None]] = []

    async def ask(
        self, question: str, *, k: int = 3, current_week: int | None = None
    ) -> FakeAnswer:
        self.calls.append((question, current_week))
        hnsw = FakeSource("HNSW paper", "HNSW paper — Month 2 · Week 3 · Vector DBs")
        return FakeAnswer(answer="Read the HNSW paper @everyone", sources=[hnsw])


async def test_ask_passes_the_current_week(pathbot: Bot) -> None:
    unset = await pathbot.say(ALICE, "/ask what is HNSW?")
    assert not unset.ok
    assert "isn't set up" in unset.text()
    asker = FakeAsker()
    core = Core(pathbot.database.sessions, pathbot.clock, pathbot.core.curriculum, asker=asker)
    from bot.commands.dispatcher import Dispatcher

    dispatcher = Dispatcher(core)
    reply = await dispatcher.handle(ALICE, "/ask what is HNSW?")
    assert reply.ok
    assert "@everyone" not in reply.text()
    await dispatcher.handle(ALICE, "/join 2027-01-04")
    await dispatcher.handle(ALICE, "/ask what next?")
    assert asker.calls == [("what is HNSW?", None), ("what next?", 1)]


async def test_clock_in_member_zone(pathbot: Bot) -> None:
    # 23:30 UTC on Wednesday is already Thursday in Kolkata.
    pathbot.clock.set(datetime(2027, 1, 6, 23, 30, tzinfo=UTC))
    await join(pathbot, ALICE, "/join 2027-01-04 Asia/Kolkata")
    reply = await pathbot.say(ALICE, "/log 1h")
    assert "2027-01-07" in reply.text()


async def test_leaderboard_shows_your_rank_and_breaks_ties_by_streak(pathbot: Bot) -> None:
    for n in range(12):
        who = caller_for(f"m{n:02d}")
        await join(pathbot, who)
        assert (await pathbot.say(who, f"/log {12 - n}h")).ok  # m00 12h … m11 1h
    # Two members tie on hours; the one with the longer streak ranks first.
    tie_a, tie_b = caller_for("tiea"), caller_for("tieb")
    await join(pathbot, tie_a)
    await join(pathbot, tie_b)
    assert (await pathbot.say(tie_a, "/log 14h --date yesterday")).ok
    assert (await pathbot.say(tie_b, "/log 7h --date 2027-01-04")).ok
    assert (await pathbot.say(tie_b, "/log 7h --date 2027-01-05")).ok
    assert (await pathbot.say(tie_b, "/checkin done")).ok
    board = await pathbot.say(caller_for("m11"), "/leaderboard")
    assert "Tieb: 14h · 🔥3" in board_rows(board)[0]
    assert "Tiea: 14h · 🔥1" in board_rows(board)[1]
    assert len(board_rows(board)) == 11
    assert board_rows(board)[-1] == "… you: #14 with 1h"
    # Hiding and showing again keeps the weekly numbers.
    assert (await pathbot.say(tie_b, "/settings leaderboard off")).ok
    assert "Tieb" not in (await pathbot.say(tie_a, "/leaderboard")).text()
    assert (await pathbot.say(tie_b, "/settings leaderboard on")).ok
    assert "Tieb: 14h" in board_rows(await pathbot.say(tie_a, "/leaderboard"))[0]
    # Leaving takes a member off every board.
    assert (await pathbot.say(tie_b, "/leave")).ok
    assert "Tieb" not in (await pathbot.say(tie_a, "/leaderboard all")).text()


class FailingAsker:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def ask(
        self, question: str, *, k: int = 3, current_week: int | None = None
    ) -> FakeAnswer:
        raise self.error


async def test_ask_failures_are_friendly(pathbot: Bot) -> None:
    from bot.commands.dispatcher import Dispatcher

    for error, shown in ((RagError("the index is not built"), True), (KeyError("x"), False)):
        core = Core(
            pathbot.database.sessions,
            pathbot.clock,
            pathbot.core.curriculum,
            asker=FailingAsker(error),
        )
        reply = await Dispatcher(core).handle(ALICE, "/ask what is HNSW?")
        assert not reply.ok
        assert ("the index is not built" in reply.text()) is shown
        assert "KeyError" not in reply.text()


async def test_concurrent_commands_keep_totals_right(pathbot: Bot) -> None:
    await join(pathbot)
    replies = await asyncio.gather(*(pathbot.say(ALICE, "/log 30m") for _ in range(20)))
    assert all(reply.ok for reply in replies), [r.text() for r in replies if not r.ok]
    async with pathbot.database.sessions() as db:
        member = await db.scalar(select(Member))
        assert member is not None
        assert member.total_minutes == 600
        assert await db.scalar(select(func.sum(WeeklyTotal.minutes))) == 600
    racing = await asyncio.gather(*(pathbot.say(BOB, "/join") for _ in range(3)))
    assert sum(reply.ok for reply in racing) == 1
    assert await count(pathbot, Member) == 2


async def test_many_ties_are_all_compared_by_streak(pathbot: Bot) -> None:
    # Whoever the database lists first or last among equal minutes, the streak decides.
    for order in ("first", "last"):
        streaky = caller_for(f"zz{order}", f"ties-{order}")
        if order == "first":
            await _streaky(pathbot, streaky)
        for n in range(27):
            who = caller_for(f"t{n:02d}", f"ties-{order}")
            await join(pathbot, who)
            assert (await pathbot.say(who, "/log 1h")).ok
        if order == "last":
            await _streaky(pathbot, streaky)
        board = await pathbot.say(streaky, "/leaderboard")
        assert f"Zz{order}: 1h · 🔥3" in board_rows(board)[0], (order, board_rows(board)[:3])


async def _streaky(pathbot: Bot, who: Caller) -> None:
    await join(pathbot, who)
    assert (await pathbot.say(who, "/log 30m --date 2027-01-04")).ok
    assert (await pathbot.say(who, "/log 30m --date 2027-01-05")).ok
    assert (await pathbot.say(who, "/checkin done")).ok


class ListingAsker:
    """Answers like the RAG: the text lists one source itself, the other it does not."""

    async def ask(
        self, question: str, *, k: int = 3, current_week: int | None = None
    ) -> FakeAnswer:
        named = FakeSource("HNSW paper", "HNSW paper — Month 2 · Week 3 · Vector DBs")
        unnamed = FakeSource("FAISS docs", "FAISS docs — Month 2 · Week 3 · Vector DBs")
        return FakeAnswer(answer="From the path:\n1. HNSW paper [paper]", sources=[named, unnamed])


async def test_ask_lists_each_source_once(pathbot: Bot) -> None:
    from bot.commands.dispatcher import Dispatcher

    core = Core(
        pathbot.database.sessions, pathbot.clock, pathbot.core.curriculum, asker=ListingAsker()
    )
    reply = await Dispatcher(core).handle(ALICE, "/ask what should I read for HNSW?")
    assert reply.ok
    assert reply.text().count("HNSW paper") == 1
    assert reply.lines[1:] == ["• FAISS docs — Month 2 · Week 3 · Vector DBs"]


async def test_a_duration_typed_in_words(pathbot: Bot) -> None:
    await join(pathbot)
    reply = await pathbot.say(ALICE, "/log 2 hours read the paper")
    assert reply.lines[0] == "2h on 2027-01-06: read the paper"
    quoted = await pathbot.say(ALICE, '/log "1" "hour of notes"')  # as a slash command sends it
    assert quoted.lines[0] == "1h on 2027-01-06: hour of notes"
