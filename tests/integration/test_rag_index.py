"""The Chroma index is rebuilt exactly when it must be, and survives a damaged directory.

Uses a two-week slice of the real curriculum so each build embeds a few dozen
documents, not hundreds.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.rag.embeddings import MiniLMEmbedder
from bot.rag.index import chroma_dir, forget_cached_client
from bot.rag.service import AskService, RagError


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def write_slice(path: Path, *, plain_words: str | None = None) -> Path:
    """Weeks 1-2 of the shipped curriculum as a valid curriculum file."""
    curriculum = load_curriculum(DEFAULT_CURRICULUM)
    month = curriculum.months[0]
    weeks = month.weeks[:2]
    if plain_words is not None:
        block = weeks[0].blocks[0].model_copy(update={"plain_words": plain_words})
        weeks = [weeks[0].model_copy(update={"blocks": [block, *weeks[0].blocks[1:]]}), weeks[1]]
    small = curriculum.model_copy(update={"months": [month.model_copy(update={"weeks": weeks})]})
    path.write_text(
        yaml.safe_dump(small.model_dump(mode="json"), allow_unicode=True), encoding="utf-8"
    )
    return path


def service(curriculum: Path, data_dir: Path, embedder: MiniLMEmbedder) -> AskService:
    return AskService(curriculum_path=curriculum, data_dir=data_dir, embedder=embedder)


async def test_first_use_builds_and_a_restart_reuses(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")
    first = await service(curriculum, tmp_path / "data", embedder).ensure_loaded()
    assert first.rebuilt
    assert first.reason == "no index yet"
    assert (tmp_path / "data" / "chroma").is_dir()
    again = await service(curriculum, tmp_path / "data", embedder).ensure_loaded()
    assert not again.rebuilt
    assert again.documents == first.documents
    status = await service(curriculum, tmp_path / "data", embedder).status()
    assert status.up_to_date


async def test_changing_the_curriculum_rebuilds(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")
    await service(curriculum, tmp_path / "data", embedder).ensure_loaded()
    write_slice(curriculum, plain_words="Completely new words about spreadsheets.")
    stale = await service(curriculum, tmp_path / "data", embedder).status()
    assert not stale.up_to_date
    report = await service(curriculum, tmp_path / "data", embedder).ensure_loaded()
    assert report.rebuilt
    assert report.reason == "curriculum or embedding model changed"


async def test_force_rebuild(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")
    await service(curriculum, tmp_path / "data", embedder).ensure_loaded()
    report = await service(curriculum, tmp_path / "data", embedder).ensure_loaded(
        force_rebuild=True
    )
    assert report.rebuilt
    assert report.reason == "rebuild requested"


async def test_corrupt_chroma_directory_is_rebuilt_with_a_warning(
    tmp_path: Path, embedder: MiniLMEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")
    data = tmp_path / "data"
    await service(curriculum, data, embedder).ensure_loaded()
    store = chroma_dir(data)
    forget_cached_client(store)  # what a restart does
    shutil.rmtree(store)
    store.mkdir()
    (store / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="bot.rag"):
        fresh = service(curriculum, data, embedder)
        report = await fresh.ensure_loaded()
    assert report.rebuilt
    assert any("rebuild" in r.getMessage() for r in caplog.records)
    answer = await fresh.ask("pandas dataframes")
    assert answer.sources


async def test_missing_chroma_directory_is_rebuilt(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")
    data = tmp_path / "data"
    await service(curriculum, data, embedder).ensure_loaded()
    shutil.rmtree(chroma_dir(data))
    report = await service(curriculum, data, embedder).ensure_loaded()
    assert report.rebuilt


async def test_bad_curriculum_is_one_friendly_error(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("months: [", encoding="utf-8")
    with pytest.raises(RagError, match="cannot load the curriculum"):
        await service(bad, tmp_path / "data", embedder).ask("anything")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server (the `chroma` CLI chromadb installs) on 127.0.0.1."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    command = [str(exe), "run", "--path", str(tmp_path / "server")]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # wait for the process to listen; bounded, and it is another process
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_chroma_server_via_chroma_url(
    tmp_path: Path, embedder: MiniLMEmbedder, chroma_server: str
) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")

    def remote() -> AskService:
        return AskService(
            curriculum_path=curriculum,
            data_dir=tmp_path / "data",
            chroma_url=chroma_server,
            embedder=embedder,
        )

    first = await remote().ensure_loaded()
    assert first.rebuilt
    assert first.location == chroma_server
    again = remote()
    assert not (await again.ensure_loaded()).rebuilt
    answer = await again.ask("pandas dataframes")
    assert answer.sources
    # The collection lives on the server; locally only the anchors' vectors are cached.
    data = tmp_path / "data"
    files = [str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()]
    assert len(files) == 1
    assert files[0].startswith("rag-cache/off-path-")
    assert files[0].endswith(".npy")
    assert not (tmp_path / "data" / "chroma").exists()


async def test_an_unreachable_chroma_server_degrades_to_an_embedded_index(
    tmp_path: Path, embedder: MiniLMEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    curriculum = write_slice(tmp_path / "path.yaml")
    service = AskService(
        curriculum_path=curriculum,
        data_dir=tmp_path,
        chroma_url=f"http://127.0.0.1:{_free_port()}",
        embedder=embedder,
    )
    with caplog.at_level(logging.WARNING, logger="bot.rag.service"):
        report = await service.ensure_loaded()
        answer = await service.ask("what should I read about pandas?")
    assert "Chroma server unreachable" in report.reason
    assert report.location == str(tmp_path / "chroma")
    assert answer.in_scope
    assert answer.sources
    (warning,) = [r for r in caplog.records if "embedded index until it is back" in r.getMessage()]
    assert "cannot reach Chroma" in warning.getMessage()
