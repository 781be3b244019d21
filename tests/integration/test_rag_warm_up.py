"""`pathbot run` loads the /ask index in the background at start, and never dies of it."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from bot.adapters.discord import runner
from bot.config import load_settings
from bot.rag.embeddings import MiniLMEmbedder
from bot.rag.index import BuildReport
from bot.rag.service import AskService, RagError
from tests.fakes.discord_api import APPLICATION_ID
from tests.fakes.discord_interactions import interaction, option
from tests.fakes.discord_runner import fake_discord, in_background
from tests.integration.test_rag_index import write_slice


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


async def test_warm_up_builds_once_and_the_first_question_reuses_it(
    tmp_path: Path, embedder: MiniLMEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")
    service = AskService(curriculum_path=curriculum, data_dir=tmp_path / "data", embedder=embedder)
    with caplog.at_level(logging.INFO, logger="bot.rag.service"):
        report = await service.warm_up()
    assert report is not None
    assert report.rebuilt
    assert any("/ask is ready: built" in r.getMessage() for r in caplog.records)
    answer = await service.ask("what should I read about pandas?")
    assert answer.in_scope
    assert service.last_build is report  # the question did not load the index again


async def test_a_cancelled_load_finishes_and_is_not_started_twice(
    tmp_path: Path, embedder: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = AskService(
        curriculum_path=write_slice(tmp_path / "path.yaml"),
        data_dir=tmp_path / "data",
        embedder=embedder,
    )
    running: list[int] = []
    active = 0

    def slow_load(force_rebuild: bool) -> BuildReport:
        nonlocal active
        active += 1
        running.append(active)
        time.sleep(0.5)  # a build in its worker thread
        active -= 1
        service._retriever = object()  # type: ignore[assignment]
        return BuildReport(rebuilt=True, reason="test", documents=1, seconds=0.5, location="x")

    async def built_elsewhere(curriculum: Path, data_dir: Path) -> BuildReport:
        return BuildReport(rebuilt=True, reason="test", documents=1, seconds=0.0, location="x")

    monkeypatch.setattr(service, "_load", slow_load)
    # The warm-up's child process is not what this is about (it is tested below).
    monkeypatch.setattr("bot.rag.service.build_in_subprocess", built_elsewhere)
    warming = asyncio.create_task(service.warm_up())
    await asyncio.sleep(0.1)
    warming.cancel()  # shutdown, or an /ask whose request went away
    report = await service.ensure_loaded()
    assert running == [1]  # one load, never two beside each other
    assert report.reason == "test"


async def test_a_broken_index_is_a_warning_at_start_not_a_crash(
    tmp_path: Path, embedder: MiniLMEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "path.yaml"
    broken.write_text("months: [", encoding="utf-8")
    service = AskService(curriculum_path=broken, data_dir=tmp_path / "data", embedder=embedder)
    with caplog.at_level(logging.WARNING, logger="bot.rag.service"):
        assert await service.warm_up() is None
    (record,) = [r for r in caplog.records if "/ask is unavailable" in r.getMessage()]
    assert "cannot load the curriculum" in record.getMessage()
    # Whoever asks later is told the same, in one line.
    with pytest.raises(RagError, match="cannot load the curriculum"):
        await service.ask("what should I read about pandas?")


class LogWaiter(logging.Handler):
    """Sets `seen` when a record containing `text` is logged (from any thread)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.seen = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self._loop.call_soon_threadsafe(self.seen.set)


async def test_run_warms_the_index_while_it_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(
        discord_token="fake-token",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}",
        data_dir=tmp_path,
        curriculum=write_slice(tmp_path / "path.yaml"),
        ask_warm_up=True,
    )
    loads: list[bool] = []
    real_load = AskService._load

    def counted(service: AskService, force_rebuild: bool) -> BuildReport:
        loads.append(force_rebuild)
        return real_load(service, force_rebuild)

    monkeypatch.setattr(AskService, "_load", counted)
    caplog.set_level(logging.INFO, logger="bot.rag.service")
    ready = LogWaiter("/ask is ready: built")
    logging.getLogger("bot.rag.service").addHandler(ready)
    try:
        async with fake_discord(monkeypatch) as (api, gateway), in_background(runner.run(settings)):
            await gateway.wait_identified()
            # Nobody has asked anything, yet the index gets built.
            async with asyncio.timeout(120):
                await ready.seen.wait()
            await gateway.dispatch(
                "INTERACTION_CREATE",
                interaction("ask", option("question", "what should I read about pandas?")),
            )
            # /ask is acknowledged at once (it is known to be slow); the answer follows.
            (acknowledged,) = await api.wait_for("POST", "/callback")
            (answer,) = await api.wait_for("POST", f"/webhooks/{APPLICATION_ID}/")
    finally:
        logging.getLogger("bot.rag.service").removeHandler(ready)

    assert acknowledged.body == {"type": 5, "data": {"flags": 64}}
    assert answer.body is not None
    text = str(answer.body)
    assert "Month 1 · Week 1" in text
    # The question was answered by the warmed index: it was loaded once, at start.
    assert loads == [False]
