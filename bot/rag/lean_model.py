"""A copy of the embedding model that looks words up before it dequantizes them.

The packaged int8 model dequantizes its whole word-embedding table (30,522 x 384)
and only then gathers the question's few rows: `Cast(q) -> Mul(scale) -> Gather(ids)`.
Unoptimised (see `embeddings.py` for why), every run materialises two float32 copies
of the table for a moment, ~90 MB, and that moment is the bot's resident-memory peak.
Gathering first, `Gather(q, ids) -> Cast -> Mul(Gather(scale, ids))`, touches only the
rows a question uses. The scale is per row, so the two orders compute the same floats
(the vectors agree exactly; `test_lean_model.py` checks it).

The rewrite needs the `onnx` package once; its result is cached beside the index, so
a container whose image was built with the index loads it without importing `onnx`.
Anything unexpected (no `onnx`, a model of another shape, a read-only directory) leaves
the packaged model in use: slower to peak, never wrong.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onnx import ModelProto, NodeProto

log = logging.getLogger(__name__)

TABLE = "inner.embeddings.word_embeddings.weight"


def lean_copy(source: Path, cache_dir: Path, digest: str) -> Path | None:
    """The gather-first copy of `source` in `cache_dir` (made now if missing), or None."""
    target = cache_dir / f"minilm-gather-first-{digest}.onnx"
    if target.is_file():
        return target
    try:
        import onnx
    except ImportError:
        log.info("embedding model: onnx not installed; using the packaged model as is")
        return None
    model = onnx.load(str(source))
    if not _gather_first(model):
        log.warning("embedding model: unexpected graph; using the packaged model as is")
        return None
    temporary: str | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a second process never loads half a file.
        handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".onnx.part")
        os.close(handle)
        onnx.save(model, temporary)
        os.replace(temporary, target)
    except OSError as error:
        log.warning("embedding model: cannot cache the lean copy (%s)", error.strerror)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return None
    log.info("embedding model: cached a gather-first copy in %s", cache_dir)
    return target


def _gather_first(model: ModelProto) -> bool:
    """Rewrite the word-embedding lookup in place; False if the graph is not as expected."""
    from onnx import TensorProto, checker, helper
    from onnx.checker import ValidationError

    graph = model.graph
    nodes = list(graph.node)
    cast = _only(nodes, "Cast", output=f"{TABLE}_f")
    scale = _only(nodes, "Mul", output=TABLE)
    gather = _only(nodes, "Gather", first_input=TABLE)
    if cast is None or scale is None or gather is None:
        return False
    if any(TABLE in node.input for node in nodes if node is not gather):
        return False  # something else reads the float table: leave the graph alone
    ids, out = gather.input[1], gather.output[0]
    lookups = [
        helper.make_node("Gather", [f"{TABLE}_q", ids], [f"{TABLE}_rows_q"], axis=0),
        helper.make_node("Cast", [f"{TABLE}_rows_q"], [f"{TABLE}_rows_f"], to=TensorProto.FLOAT),
        helper.make_node("Gather", [f"{TABLE}_scale", ids], [f"{TABLE}_rows_scale"], axis=0),
        helper.make_node("Mul", [f"{TABLE}_rows_f", f"{TABLE}_rows_scale"], [out]),
    ]
    # The lookups read only graph inputs and initializers, so they may go first.
    kept = [node for node in nodes if all(node is not old for old in (cast, scale, gather))]
    del graph.node[:]
    graph.node.extend(lookups + kept)
    try:
        checker.check_model(model)
    except ValidationError:
        return False
    return True


def _only(
    nodes: list[NodeProto], op: str, *, output: str | None = None, first_input: str | None = None
) -> NodeProto | None:
    found = [
        node
        for node in nodes
        if node.op_type == op
        and (output is None or node.output[0] == output)
        and (first_input is None or node.input[0] == first_input)
    ]
    return found[0] if len(found) == 1 else None
