"""The console chat and the `pathbot chat|run|db` commands, end to end on SQLite."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from bot.cli.app import build_app
from tests.conftest import _admin

SCRIPT = """\
# a scripted session
/join 2027-01-04 Europe/Berlin 08:00
/today

/log 1h30 read the HNSW paper
/checkin done
/progress
/leaderboard
/lgo 1h
/log 0
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PATHBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("PATHBOT_DATABASE_URL", "DISCORD_TOKEN", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path


def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_scripted_json_chat(env: Path) -> None:
    code, out, _ = run(
        "chat", "--user", "alice", "--now", "2027-02-17T08:30", "--json", stdin=SCRIPT
    )
    assert code == 0
    replies = [json.loads(line) for line in out.splitlines()]
    assert [r["command"] for r in replies] == [
        "join",
        "today",
        "log",
        "checkin",
        "progress",
        "leaderboard",
        None,
        "log",
    ]
    assert [r["ok"] for r in replies] == [True] * 6 + [False, False]
    for reply in replies:
        drawn = {"card_file"} if reply["command"] in {"progress", "leaderboard"} else set()
        assert set(reply) == {
            "command",
            "ok",
            "title",
            "lines",
            "fields",
            "ephemeral",
            "attachment",
            "actions",
            "card",
            *drawn,
        }
        if drawn:  # the card, drawn into the data directory
            card = Path(reply["card_file"])
            assert card.parent == env / "data" / "cards"
            assert card.read_bytes().startswith(b"\x89PNG")
    assert [a["command"] for a in replies[1]["actions"]] == [
        "/checkin done",
        "/checkin partial",
        "/checkin blocked",
    ]
    assert replies[1]["title"].startswith("Day 45, week 7")
    assert "Did you mean /log?" in replies[6]["lines"]
    # The data persisted under PATHBOT_DATA_DIR, and a naive --now is the member's time.
    assert (env / "data" / "pathbot.db").exists()
    code, out, _ = run("chat", "--user", "alice", "--now", "2027-02-17T23:30", stdin="/log 1h\n")
    assert "2027-02-17" in out


def test_text_chat_and_attachments(env: Path) -> None:
    code, out, _ = run("chat", "--user", "root", "--admin", stdin="/join\n/report\n")
    assert code == 0
    assert "Welcome, root!" in out
    assert "--- pathbot-report-local.csv (text/csv) ---" in out
    code, out, _ = run("chat", "--user", "bob", stdin="/report\n")
    assert "✗ Sorry" in out


def test_text_chat_shows_actions_as_lines_to_type(env: Path) -> None:
    script = "/join 2027-01-04 Europe/Berlin\n/today\n"
    code, out, _ = run("chat", "--user", "ada", "--now", "2027-02-17T08:30", stdin=script)
    assert code == 0
    assert "→ reply /checkin done  (Done ✅)" in out
    assert "→ reply /checkin blocked  (Blocked)" in out


def test_bad_now_is_one_line(env: Path) -> None:
    code, _, err = run("chat", "--now", "soon", stdin="/help\n")
    assert code == 1
    assert err.strip().startswith("error:")
    assert len(err.strip().splitlines()) == 1


def test_run_without_a_platform_is_the_console(env: Path) -> None:
    code, out, _ = run("run", stdin="/help\n")
    assert code == 0
    assert "pathbot commands" in out


def test_run_with_a_token_but_no_adapter_says_so(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setitem(
        __import__("bot.adapters.platforms", fromlist=["PLATFORMS"]).PLATFORMS,
        "slack",
        (("SLACK_BOT_TOKEN",), "bot.adapters.nonexistent.runner"),
    )
    code, _, err = run("run")
    assert code == 1
    assert "SLACK_BOT_TOKEN is set" in err


def test_db_commands(env: Path) -> None:
    code, out, _ = run("db", "current")
    assert "current: (none)" in out
    code, out, _ = run("db", "upgrade")
    assert code == 0
    code, out, _ = run("db", "current")
    assert "up to date" in out
    code, out, _ = run("db", "downgrade", "base")
    assert "base (empty)" in out
    code, _, err = run("db", "downgrade", "nonsense")
    assert code == 1
    assert err.startswith("error:")


def test_unreachable_database_is_one_line(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHBOT_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    code, _, err = run("chat", stdin="/help\n")
    assert code == 1
    assert err.startswith("error:")


def test_unmigrated_postgres_stops_chat_with_the_command(
    env: Path, monkeypatch: pytest.MonkeyPatch, postgres_server_url: str
) -> None:
    name = f"pathbot_cli_{uuid.uuid4().hex[:12]}"
    _admin(postgres_server_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(postgres_server_url).set(database=name).render_as_string(False)
        monkeypatch.setenv("PATHBOT_DATABASE_URL", url)
        code, _, err = run("chat", stdin="/help\n")
        assert code == 1
        assert "run `pathbot db upgrade` first" in err
        assert run("db", "upgrade")[0] == 0
        code, out, _ = run("chat", stdin="/help\n")
        assert code == 0
        assert "pathbot commands" in out
    finally:
        _admin(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    "command", [["chat"], ["run"], ["db", "current"], ["plan", "--start", "2027-01-04"]]
)
def test_a_bad_setting_is_one_line(
    env: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("PATHBOT_HTTP_PORT", "abc")
    code, _, err = run(*command, stdin="/help\n")
    assert code == 1
    assert err.startswith("error: invalid setting PATHBOT_HTTP_PORT")
    assert len(err.strip().splitlines()) == 1


def test_help_examples_are_listed_one_per_line(env: Path) -> None:
    code, out, _ = run("chat", "--user", "alice", stdin="/help log\n")
    assert code == 0
    assert "Examples:\n  /log 1h30 read the HNSW paper\n  /log 45m --date yesterday\n" in out


def test_interactive_prompt_in_a_terminal(env: Path) -> None:
    """On a terminal the chat prompts, answers and leaves on /quit."""
    import os
    import pty
    import select
    import subprocess
    import sys

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "chat", "--user", "ana"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "PATHBOT_DATA_DIR": str(env / "data")},
    )
    os.close(follower)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        while marker not in seen:
            # A hung chat fails the test instead of blocking the suite.
            ready, _, _ = select.select([leader], [], [], 30)
            assert ready, seen.decode(errors="replace")
            chunk = os.read(leader, 4096)
            assert chunk, seen.decode(errors="replace")
            seen += chunk

    try:
        read_until(b"you> ")
        os.write(leader, b"/help join\n")
        read_until(b"Usage: /join")
        os.write(leader, b"/quit\n")
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(leader)
    assert b"pathbot console chat as ana in local." in seen
