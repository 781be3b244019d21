"""The gather-first copy of the embedding model: same vectors, no whole-table dequantize."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import onnx
import pytest

from bot.rag.embeddings import MiniLMEmbedder, _packaged_model
from bot.rag.lean_model import TABLE, lean_copy

TEXTS = [
    "what should I read for HNSW?",
    "vector databases and approximate nearest neighbour search",
    "ünïcödé, emoji 🚀 and a very long sentence " * 20,
]


def _table_dequantized_whole(path: Path) -> bool:
    """Does the graph Cast the whole int8 word table (rather than the rows it needs)?"""
    graph = onnx.load(str(path), load_external_data=False).graph
    return any(node.op_type == "Cast" and node.input[0] == f"{TABLE}_q" for node in graph.node)


def test_the_lean_copy_gathers_first_and_computes_the_same_vectors(tmp_path: Path) -> None:
    packaged = MiniLMEmbedder()
    lean = MiniLMEmbedder(cache_dir=tmp_path / "model")
    expected, got = packaged.embed(TEXTS), lean.embed(TEXTS)
    np.testing.assert_array_equal(got, expected)
    assert lean.model_id == packaged.model_id  # an index built either way stays valid
    copies = list((tmp_path / "model").glob("*.onnx"))
    assert len(copies) == 1
    assert _table_dequantized_whole(_packaged_model())
    assert not _table_dequantized_whole(copies[0])


def test_the_copy_is_made_once_and_reused(tmp_path: Path) -> None:
    first = MiniLMEmbedder(cache_dir=tmp_path)
    first.embed(["one"])
    (copy,) = tmp_path.glob("*.onnx")
    os.utime(copy, (1, 1))
    MiniLMEmbedder(cache_dir=tmp_path).embed(["two"])
    assert copy.stat().st_mtime == 1  # not written again
    assert not list(tmp_path.glob("*.part"))


def test_an_unwritable_cache_falls_back_to_the_packaged_model(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    with caplog.at_level(logging.WARNING, logger="bot.rag.lean_model"):
        vectors = MiniLMEmbedder(cache_dir=blocked / "model").embed(TEXTS[:1])
    np.testing.assert_array_equal(vectors, MiniLMEmbedder().embed(TEXTS[:1]))
    assert any("cannot cache the lean copy" in r.getMessage() for r in caplog.records)


def test_a_model_of_another_shape_is_left_alone(tmp_path: Path) -> None:
    model = onnx.load(str(_packaged_model()))
    for node in model.graph.node:
        if node.op_type == "Gather" and node.input[0] == TABLE:
            node.input[0] = "something-else"
    odd = tmp_path / "odd.onnx"
    onnx.save(model, str(odd))
    assert lean_copy(odd, tmp_path / "cache", "digest") is None
    assert not (tmp_path / "cache").exists()
