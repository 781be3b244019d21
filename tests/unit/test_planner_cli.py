"""`pathbot plan` through typer's CliRunner: output, JSON shape, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.app import build_app

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), ["plan", *args])
    return result.exit_code, result.stdout, result.stderr


def plan_json(*args: str) -> dict[str, object]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def test_text_output_is_a_day_card() -> None:
    code, out, _ = run("--start", "2027-01-04", "--on", "2027-02-17")
    assert code == 0
    assert "Day 45 · Month 2 · Week 3 (week 7 of 16) · Vector Databases & Retrieval" in out
    assert "30 min" in out
    assert "Study theory and concepts" in out
    assert "Resources" in out


def test_json_has_the_documented_shape() -> None:
    data = plan_json("--start", "2027-01-04", "--on", "2027-02-17")
    assert data["date"] == "2027-02-17"
    assert data["status"] == "active"
    assert (data["day"], data["week"], data["month"], data["week_of_month"]) == (45, 7, 2, 3)
    assert isinstance(data["blocks"], list)
    assert data["blocks"]
    items = data["items"]
    assert isinstance(items, list)
    assert [item["kind"] for item in items] == ["theory", "hands_on"]
    for item in items:
        assert set(item) >= {"kind", "title", "minutes", "topics", "exercises"}
    assert data["total_minutes"] == sum(item["minutes"] for item in items)
    resources = data["resources"]
    assert isinstance(resources, list)
    assert all("title" in r and "authors" in r and "scope" in r for r in resources)
    assert data["notes"] == []
    assert data["days_until_start"] is None


def test_repeated_paused_options_shift_the_days() -> None:
    data = plan_json(
        "--start",
        "2027-01-04",
        "--on",
        "2027-02-17",
        "--paused",
        "2027-01-20..2027-01-22",
        "--paused",
        "2027-02-01",
    )
    assert data["day"] == 41
    paused = plan_json("--start", "2027-01-04", "--on", "2027-02-01", "--paused", "2027-02-01")
    assert paused["status"] == "paused"
    assert paused["day"] == 29
    assert paused["items"] == []


def test_before_the_start_and_after_the_end() -> None:
    before = plan_json("--start", "2027-01-04", "--on", "2027-01-01")
    assert before["status"] == "not_started"
    assert before["days_until_start"] == 3
    assert before["day"] is None
    after = plan_json("--start", "2027-01-04", "--on", "2027-12-01")
    assert after["status"] == "complete"
    assert after["day"] is None
    code, out, _ = run("--start", "2027-01-04", "--on", "2027-01-01")
    assert code == 0
    assert "Not started yet" in out


def test_on_defaults_to_today_from_the_clock() -> None:
    # Whatever today is, a start far in the past is complete and one far ahead is not started.
    assert plan_json("--start", "2000-01-03")["status"] == "complete"
    assert plan_json("--start", "2999-01-04")["status"] == "not_started"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2027-02-30"], "'2027-02-30' is not a real date"),
        (["--start", "2027-01-04", "--on", "2027-02-30"], "'2027-02-30' is not a real date"),
        (["--start", "2027-01-04", "--on", "soon"], "'soon' is not a real date"),
        (
            ["--start", "2027-01-04", "--paused", "2027-01-22..2027-01-20"],
            "paused range '2027-01-22..2027-01-20' ends before it starts",
        ),
        (["--start", "2027-01-04", "--paused", "2027-01-20..x"], "'x' is not a real date"),
    ],
)
def test_bad_dates_get_one_clear_line_and_exit_1(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert message in err
    assert "Traceback" not in err


def test_an_unknown_curriculum_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, _, err = run("--start", "2027-01-04", "--on", "2027-01-05", "--curriculum", str(missing))
    assert code == 1
    assert err.strip() == f"error: unusable curriculum: {missing}: file not found"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("title: [unclosed", "invalid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("title: x\nmonths: []\n", "and 1 more"),
    ],
)
def test_an_unreadable_curriculum_is_one_line(tmp_path: Path, content: str, reason: str) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(content, encoding="utf-8")
    code, out, err = run("--start", "2027-01-04", "--on", "2027-01-05", "-f", str(broken))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"error: unusable curriculum: {broken}")
    assert reason in err
    assert "Traceback" not in err


def test_start_is_required() -> None:
    result = runner.invoke(build_app(), ["plan", "--on", "2027-01-05"])
    assert result.exit_code != 0
    assert "--start" in result.stderr


def test_the_card_shows_resources_with_author_and_scope_and_paused_days() -> None:
    code, out, _ = run("--start", "2027-01-04", "--on", "2027-01-05")
    assert code == 0
    assert "Hands-On Machine Learning — Aurélien Géron (Chapters 1-3)" in out
    assert "▸ Work through a simple classification problem with scikit-learn" in out
    code, out, _ = run("--start", "2027-01-04", "--on", "2027-01-21", "--paused", "2027-01-20..22")
    assert code == 1  # '22' is not a date: ranges take two full dates
    code, out, _ = run(
        "--start", "2027-01-04", "--on", "2027-01-21", "--paused", "2027-01-20..2027-01-22"
    )
    assert code == 0
    assert "Paused · Day 17 · Month 1 · Week 3 (week 3 of 16)" in out
    assert "resumes on 2027-01-23" in out
