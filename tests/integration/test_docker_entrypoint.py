"""The container's entry point, run the way the Dockerfile runs it.

There is no Docker engine here, so the test reads ENTRYPOINT and CMD from the
Dockerfile, resolves the entry point to the script the image copies in, and runs
that script with the image's environment on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import _admin

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instruction(name: str) -> list[str]:
    match = re.search(rf"^{name}\s+(\[.*\])\s*$", DOCKERFILE, re.MULTILINE)
    assert match, f"Dockerfile has no exec-form {name}"
    value: list[str] = json.loads(match.group(1))
    return value


def _entrypoint_script() -> Path:
    (program,) = _instruction("ENTRYPOINT")
    copies = re.findall(r"^COPY\s+(\S+)\s+(\S+)\s*$", DOCKERFILE, re.MULTILINE)
    sources = [src for src, dest in copies if Path(dest).name == program]
    assert sources, f"the Dockerfile never copies {program} into the image"
    return ROOT / sources[0]


def _run_container(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ENTRYPOINT + (args or CMD) with the image's environment, stdin closed."""
    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        "HOME": env_extra.get("PATHBOT_DATA_DIR", "/tmp"),
        **env_extra,
    }
    command = ["sh", str(_entrypoint_script()), *(args or _instruction("CMD"))]
    return subprocess.run(
        command,
        env=env,
        cwd=env_extra.get("PATHBOT_DATA_DIR"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_dockerfile_runs_the_bot_through_the_migrating_entrypoint() -> None:
    assert _instruction("CMD") == ["run"]
    script = _entrypoint_script().read_text()
    assert "pathbot db upgrade" in script
    assert 'exec pathbot "$@"' in script


def test_entrypoint_on_sqlite_migrates_then_runs(tmp_path: Path) -> None:
    env = {"PATHBOT_DATA_DIR": str(tmp_path)}
    started = _run_container(env)
    assert started.returncode == 0, started.stderr
    assert "database upgraded" in started.stdout
    assert (tmp_path / "pathbot.db").exists()

    current = _run_container({**env, "PATHBOT_SKIP_MIGRATE": "1"}, "db", "current")
    assert current.returncode == 0, current.stderr
    assert "up to date" in current.stdout


@pytest.fixture
def fresh_postgres(postgres_server_url: str) -> Iterator[str]:
    name = f"pathbot_docker_{uuid.uuid4().hex[:10]}"
    _admin(postgres_server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_entrypoint_on_fresh_postgres_migrates_then_runs(
    tmp_path: Path, fresh_postgres: str
) -> None:
    env = {"PATHBOT_DATA_DIR": str(tmp_path), "PATHBOT_DATABASE_URL": fresh_postgres}
    skipped = _run_container({**env, "PATHBOT_SKIP_MIGRATE": "1"})
    assert skipped.returncode != 0
    assert "pathbot db upgrade" in skipped.stderr
    assert len(skipped.stderr.strip().splitlines()) == 1, skipped.stderr

    started = _run_container(env)
    assert started.returncode == 0, started.stderr
    current = _run_container({**env, "PATHBOT_SKIP_MIGRATE": "1"}, "db", "current")
    assert "up to date" in current.stdout


def _env_of_image() -> dict[str, str]:
    """The image's ENV lines (KEY=VALUE pairs, continued with backslashes)."""
    values: dict[str, str] = {}
    for block in re.findall(r"^ENV\s+((?:.*\\\n)*.*)$", DOCKERFILE, re.MULTILINE):
        for key, value in re.findall(r'(\w+)=("[^"]*"|\S+)', block.replace("\\\n", " ")):
            values[key] = value.strip('"')
    return values


def test_the_image_runs_as_a_user_that_owns_its_data_and_index() -> None:
    (user,) = re.findall(r"^USER\s+(\S+)\s*$", DOCKERFILE, re.MULTILINE)
    assert user != "root"
    assert re.search(rf"useradd .*\b{user}\b", DOCKERFILE)
    env = _env_of_image()
    assert re.search(rf"chown {user}:{user} {env['PATHBOT_DATA_DIR']}", DOCKERFILE)
    assert re.search(rf"chown -R {user}:{user} {env['PATHBOT_INDEX_DIR']}", DOCKERFILE)
    assert env["PATHBOT_HTTP_HOST"] == "0.0.0.0"


def test_the_health_check_asks_a_running_bot(tmp_path: Path) -> None:
    """HEALTHCHECK's exec form, run beside `pathbot run` with the image's environment."""
    match = re.search(r"^HEALTHCHECK\s.*CMD\s+(\[.*\])\s*$", DOCKERFILE, re.MULTILINE)
    assert match, "the Dockerfile has no exec-form HEALTHCHECK"
    check: list[str] = json.loads(match.group(1))
    with socket.socket() as probe:  # a free port, the way the container has 8080 to itself
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    bin_dir = Path(sys.executable).parent
    env = {
        **_env_of_image(),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PATHBOT_DATA_DIR": str(tmp_path),
        "PATHBOT_INDEX_DIR": str(tmp_path / "index"),
        "PATHBOT_HTTP_PORT": port,
        "PATHBOT_ASK_WARM_UP": "false",
        "SLACK_BOT_TOKEN": "xoxb-fake",
        "SLACK_SIGNING_SECRET": "fake-secret",
        "SLACK_API_URL": "",  # set below, once the fake Slack listens
    }

    async def scenario() -> tuple[int, int, str]:
        from tests.fakes.slack_api import running_fake_slack

        async with running_fake_slack() as slack:
            env["SLACK_API_URL"] = slack.base_url
            before = await asyncio.to_thread(_health, check, env)
            server = await asyncio.create_subprocess_exec(
                "pathbot",
                "run",
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                for _ in range(100):
                    during = await asyncio.to_thread(_health, check, env)
                    if during.returncode == 0:
                        break
                    await asyncio.sleep(0.2)
            finally:
                server.terminate()
                await server.wait()
        return before.returncode, during.returncode, during.stdout

    before, during, said = asyncio.run(scenario())
    assert before == 1  # nothing listening yet: unhealthy
    assert during == 0, said
    assert "/healthz" in said


def _health(check: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(check, env=env, capture_output=True, text=True, timeout=30)
