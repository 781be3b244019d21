"""`pathbot curriculum …` through typer's CliRunner: exit codes, one-line errors, JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli.app import build_app
from bot.config import DEFAULT_CURRICULUM

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # The shipped file, whatever a developer's environment or .env says.
    monkeypatch.setenv("PATHBOT_CURRICULUM", str(DEFAULT_CURRICULUM))
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_app(), ["curriculum", *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_validate_default(runner: CliRunner) -> None:
    code, out, _ = _run(runner, "validate")
    assert (code, out) == (0, "ok: 4 months, 16 weeks, 31 topic blocks, 62 resources\n")


def test_validate_uses_the_configured_file(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATHBOT_CURRICULUM", str(FIXTURES / "min_gt_max.yaml"))
    code, _, err = _run(runner, "validate")
    assert code == 1
    assert "months[0].weeks[1].blocks[0].hours: min > max" in err


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("min_gt_max.yaml", ["months[0].weeks[1].blocks[0].hours: min > max"]),
        ("missing_field.yaml", ["months[0].weeks[0].title: Field required"]),
        ("bad_yaml.yaml", ["invalid YAML"]),
        ("week_gap.yaml", ["weeks[0].number: expected 2", "number_in_month", "duplicate"]),
        ("absent.yaml", ["file not found"]),
    ],
)
def test_validate_broken_files(runner: CliRunner, name: str, expected: list[str]) -> None:
    code, out, err = _run(runner, "validate", str(FIXTURES / name))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == len(expected)
    for line, fragment in zip(lines, expected, strict=True):
        assert line.startswith("error: ")
        assert fragment in line
        assert str(FIXTURES / name) in line


def test_show_json_shape(runner: CliRunner) -> None:
    code, out, _ = _run(runner, "show", "--json")
    assert code == 0
    data = json.loads(out)
    weeks = [w for m in data["months"] for w in m["weeks"]]
    assert [w["number"] for w in weeks] == list(range(1, 17))
    assert {w["number_in_month"] for w in weeks} == {1, 2, 3, 4}
    resources = [r for w in weeks for b in w["blocks"] for r in b["resources"]]
    assert len(resources) == 62
    assert set(resources[0]) >= {"title", "authors", "kind", "scope", "options", "url", "text"}
    assert weeks[0]["blocks"][0]["resources"][0]["authors"] == ["Aurélien Géron"]


def test_show_one_week_json(runner: CliRunner) -> None:
    code, out, _ = _run(runner, "show", "--week", "6", "--json")
    assert code == 0
    week = json.loads(out)
    assert (week["month"], week["number"], week["number_in_month"]) == (2, 6, 2)
    assert week["month_title"] == "AI Infrastructure & Model Deployment"
    assert week["title"] == "Transformer Models & Embeddings"


def test_show_text(runner: CliRunner) -> None:
    code, out, _ = _run(runner, "show")
    assert code == 0
    assert "Month 4: Advanced Topics & End-to-End Systems" in out
    assert "Week 16: Capstone Project" in out
    code, out, _ = _run(runner, "show", "--week", "1")
    assert code == 0
    assert "Hands-On Machine Learning" in out
    assert "Chapters 1-3" in out


@pytest.mark.parametrize("week", ["17", "0", "-3"])
def test_show_unknown_week(runner: CliRunner, week: str) -> None:
    code, out, err = _run(runner, "show", "--week", week)
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1
    assert f"no week {week}" in err


def test_show_broken_file(runner: CliRunner) -> None:
    code, _, err = _run(runner, "show", "--file", str(FIXTURES / "bad_yaml.yaml"))
    assert code == 1
    assert err.count("\n") == 1
    assert "invalid YAML" in err


def test_import_prints_yaml_that_validates(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = _run(runner, "import", str(FIXTURES / "ai-engineering.md"))
    assert code == 0
    target = tmp_path / "path.yaml"
    target.write_text(out, encoding="utf-8")
    assert yaml.safe_load(out)["months"][0]["weeks"][0]["title"] == "AI & ML Fundamentals"
    code, out, _ = _run(runner, "validate", str(target))
    assert (code, out) == (0, "ok: 4 months, 16 weeks, 31 topic blocks, 62 resources\n")


def test_import_errors(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("# T\n\n## Month 1: A\n\n### Week 2: B\n", encoding="utf-8")
    code, out, err = _run(runner, "import", str(broken))
    assert code == 1
    assert out == ""
    assert err == f"error: {broken}:5: expected Week 1 of Month 1, found Week 2\n"
    code, _, err = _run(runner, "import", str(tmp_path / "absent.md"))
    assert code == 1
    assert "file not found" in err
    assert err.count("\n") == 1
