"""Two workspaces never see each other's members or numbers."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from bot.caller import Caller, Platform
from bot.services import reminders
from bot.storage.models import Workspace
from tests.conftest import Bot, caller_for

# The same user id in two workspaces, and the same workspace id on two platforms.
ALICE_A = caller_for("alice", "team-a")
ALICE_B = caller_for("alice", "team-b")
BOB_A = caller_for("bob", "team-a")
CAROL_B = caller_for("carol", "team-b")
DAVE_SLACK_A = Caller(Platform.SLACK, "team-a", "dave", "Dave")
ADMIN_A = caller_for("root", "team-a", admin=True)
ADMIN_B = caller_for("root", "team-b", admin=True)


async def test_workspaces_are_isolated(pathbot: Bot) -> None:
    for who in (ALICE_A, BOB_A, CAROL_B, DAVE_SLACK_A):
        assert (await pathbot.say(who, "/join 2027-01-04 UTC")).ok
    async with pathbot.database.sessions() as db:
        workspaces = {(w.platform, w.external_id): w for w in await db.scalars(select(Workspace))}
        team_a = workspaces[("console", "team-a")]
        due = await reminders.members_due_reminder(db, pathbot.core, team_a.id)
        assert sorted(d.user_id for d in due) == ["alice", "bob"]
    # Alice in team B has not joined, though she has in team A.
    assert not (await pathbot.say(ALICE_B, "/log 1h")).ok
    assert (await pathbot.say(ALICE_A, "/log 5h")).ok
    assert (await pathbot.say(BOB_A, "/log 2h")).ok
    assert (await pathbot.say(CAROL_B, "/log 1h")).ok
    assert (await pathbot.say(DAVE_SLACK_A, "/log 9h")).ok

    board_a = (await pathbot.say(ALICE_A, "/leaderboard all")).text()
    board_b = (await pathbot.say(CAROL_B, "/leaderboard all")).text()
    assert "Alice: 5h" in board_a
    assert "Bob: 2h" in board_a
    assert "Carol" not in board_a
    assert "Dave" not in board_a
    assert "Carol: 1h" in board_b
    assert "Alice" not in board_b
    assert "Bob" not in board_b

    # The same user id in team B is another member with numbers of her own.
    assert (await pathbot.say(ALICE_B, "/join 2027-01-04 Asia/Kolkata")).ok
    assert (await pathbot.say(ALICE_B, "/log 45m")).ok
    for who, total, zone in ((ALICE_A, "5h", "UTC"), (ALICE_B, "45m", "Asia/Kolkata")):
        fields = {f.name: f.value for f in (await pathbot.say(who, "/progress")).fields}
        assert fields["Total"] == total
        exported = (await pathbot.say(who, "/export")).attachment
        assert exported is not None
        data = json.loads(exported.content)
        assert data["member"]["timezone"] == zone
        assert sum(log["minutes"] for log in data["hour_logs"]) == (300 if zone == "UTC" else 45)
    assert "Alice: 45m" in (await pathbot.say(CAROL_B, "/leaderboard")).text()
    assert "Alice: 5h" in (await pathbot.say(BOB_A, "/leaderboard")).text()

    assert (await pathbot.say(ADMIN_A, "/admin-add bob")).ok
    assert (await pathbot.say(BOB_A, "/workspace")).ok
    bob_b = caller_for("bob", "team-b")
    assert not (await pathbot.say(bob_b, "/workspace")).ok

    assert (await pathbot.say(ADMIN_A, "/freezes 3")).ok
    assert "Streak freezes per week: 1" in (await pathbot.say(ADMIN_B, "/workspace")).text()

    report = await pathbot.say(ADMIN_B, "/report")
    assert report.attachment is not None
    rows = {row["user_id"]: row for row in csv.DictReader(io.StringIO(report.attachment.content))}
    assert sorted(rows) == ["alice", "carol"]
    assert (rows["alice"]["total_hours"], rows["carol"]["total_hours"]) == ("0.75", "1.00")

    # Forgetting Alice in team A leaves nothing else behind or missing.
    assert (await pathbot.say(ALICE_A, "/forgetme confirm")).ok
    assert "Carol: 1h" in (await pathbot.say(CAROL_B, "/leaderboard all")).text()
    assert "Dave: 9h" in (await pathbot.say(DAVE_SLACK_A, "/leaderboard all")).text()
