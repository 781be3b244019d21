from __future__ import annotations

import json
from collections import Counter

from typer.testing import CliRunner

from bot.cli.app import build_app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_preview_prints_every_message_in_time_order_as_json() -> None:
    code, out, _ = run(
        "preview",
        "--from",
        "2027-01-04",
        "--days",
        "8",
        "--members",
        "5",
        "--nudge",
        "21:00",
        "--json",
    )
    assert code == 0
    messages = [json.loads(line) for line in out.splitlines()]
    assert {"at_utc", "local_time", "kind", "workspace", "target", "text"} <= set(messages[0])
    assert [m["at_utc"] for m in messages] == sorted(m["at_utc"] for m in messages)
    kinds = Counter(m["kind"] for m in messages)
    # Eight cohort days; day 8 is the Monday after the first week: one board, summaries.
    assert kinds["daily_post"] == 8
    assert kinds["leaderboard"] == 1
    targets = Counter((m["kind"], m["target"]) for m in messages)
    # Bo is paused: nothing. Chandra checks in early every day: no reminder, no nudge.
    assert not any(target == "user:bo" for _, target in targets)
    assert targets[("reminder", "user:chandra")] == 0
    assert targets[("weekly_summary", "user:chandra")] == 1
    for user in ("ada", "dana", "eli"):
        assert targets[("reminder", f"user:{user}")] == 8
        assert targets[("nudge", f"user:{user}")] == 8
    ada = [m for m in messages if m["target"] == "user:ada" and m["kind"] == "reminder"]
    assert all(m["local_time"].split()[1] == "07:30" for m in ada)
    assert all("Reply /checkin done" in m["text"] for m in ada)


def test_preview_text_mode_and_nudges_off() -> None:
    code, out, _ = run("preview", "--from", "2027-01-04", "--days", "1", "--nudge", "off")
    assert code == 0
    assert "daily_post -> channel:cohort" in out
    assert "nudge" not in out


def test_bad_preview_input_is_one_clear_line() -> None:
    code, _, err = run("preview", "--from", "next tuesday")
    assert code == 1
    assert err.strip().splitlines() == [
        "error: 'next tuesday' is not a date; use YYYY-MM-DD, e.g. --from 2027-01-04"
    ]
    code, _, err = run("preview", "--nudge", "late")
    assert code == 1
    assert "is not a time" in err
