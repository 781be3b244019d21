"""SIGTERM stops a real `pathbot run` cleanly and quickly, releasing its lock."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from bot.scheduling.locks import ProcessLock, sqlite_lock_path
from tests.fakes.slack_api import SIGNING_SECRET, running_fake_slack


async def _announced_url(stream: asyncio.StreamReader) -> tuple[str, list[dict[str, object]]]:
    seen: list[dict[str, object]] = []
    async with asyncio.timeout(60):
        while True:
            raw = await stream.readline()
            if not raw:
                raise AssertionError(f"pathbot run ended before serving: {seen}")
            line = json.loads(raw)
            seen.append(line)
            if "http" in line:
                return str(line["http"]), seen


async def test_sigterm_stops_pathbot_run_within_ten_seconds(tmp_path: Path) -> None:
    database = tmp_path / "pathbot.db"
    async with running_fake_slack() as slack:
        env = {
            **os.environ,
            "PATHBOT_DATA_DIR": str(tmp_path),
            "PATHBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "SLACK_BOT_TOKEN": "xoxb-fake",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
            "PATHBOT_HTTP_HOST": "127.0.0.1",
            "PATHBOT_HTTP_PORT": "0",
            "PATHBOT_LOG_FORMAT": "json",
            "PATHBOT_ASK_WARM_UP": "false",
        }
        env.pop("SLACK_APP_TOKEN", None)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "run",
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stderr is not None
        try:
            url, started = await _announced_url(process.stderr)
            async with aiohttp.ClientSession() as http:
                for _ in range(100):
                    async with http.get(f"{url}/readyz") as response:
                        if response.status == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError("never ready")
            began = time.perf_counter()
            process.send_signal(signal.SIGTERM)
            rest = await asyncio.wait_for(process.stderr.read(), timeout=15)
            code = await process.wait()
            took = time.perf_counter() - began
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    lines = [json.loads(line) for line in rest.decode().splitlines() if line.strip()]
    messages = [str(line["message"]) for line in [*started, *lines]]
    assert code == 0, messages
    assert took < 10, took
    assert any(m.startswith("SIGTERM: stopping") for m in messages), messages
    assert "stopped cleanly" in messages
    # The start-up heap is set aside from the collector (bot.ops.heap).
    frozen = [int(str(line["heap_frozen"])) for line in started if "heap_frozen" in line]
    assert frozen, started
    assert frozen[0] > 10_000, frozen
    # The SQLite single-process lock is free again: a new process may start at once.
    path = sqlite_lock_path(f"sqlite+aiosqlite:///{database}")
    assert path is not None
    lock = ProcessLock(path)
    lock.acquire()
    lock.release()
    print(f"\nSIGTERM to exit: {took:.2f} s")
