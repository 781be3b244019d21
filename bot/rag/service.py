"""`AskService`: what the core's `/ask` and `pathbot ask` call.

Construction is cheap; the index is loaded (and built if missing or stale) on the
first question or an explicit `ensure_loaded()`. Everything blocking — ONNX
inference, Chroma, BM25 — runs in a worker thread via `asyncio.to_thread`, so the
event loop never stalls; only the optional LLM call is natively async.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.curriculum.loader import CurriculumError, load_curriculum
from bot.rag.answer import AskAnswer, extractive_answer, pick_sources
from bot.rag.build_elsewhere import build_in_subprocess
from bot.rag.documents import block_entries, build_documents, fingerprint
from bot.rag.embeddings import (
    Embedder,
    EmbeddingUnavailable,
    MiniLMEmbedder,
)
from bot.rag.errors import RagError
from bot.rag.index import (
    BuildReport,
    VectorIndex,
    VectorStoreError,
    chroma_dir,
    embedded_fallback,
    forget_cached_client,
    open_client,
)
from bot.rag.lexical import KeywordIndex
from bot.rag.llm import LlmAnswerer, LlmConfig, LlmFailure
from bot.rag.parser_setup import build_parser
from bot.rag.retrieval import HybridRetriever
from bot.rag.scope import off_path_vectors
from bot.text import clip

__all__ = ["AskService", "IndexStatus", "RagError"]

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
MAX_K = 10


@dataclass(frozen=True)
class IndexStatus:
    location: str
    documents: int
    fingerprint: str | None
    up_to_date: bool


class AskService:
    def __init__(
        self,
        *,
        curriculum_path: Path,
        data_dir: Path,
        chroma_url: str | None = None,
        clock: Clock | None = None,
        llm: LlmConfig | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self._curriculum_path = curriculum_path
        self._data_dir = data_dir
        self._chroma_url = chroma_url
        self._clock = clock or SystemClock()
        self._llm_config = llm
        self._embedder = embedder or MiniLMEmbedder(cache_dir=data_dir / "model")
        self._lock = asyncio.Lock()
        #: Loads in flight, referenced so that a load whose caller left is not collected.
        self._loads: set[asyncio.Future[BuildReport]] = set()
        self._retriever: HybridRetriever | None = None
        self._llm: LlmAnswerer | None = None
        self.last_build: BuildReport | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock | None = None) -> AskService:
        llm = None
        if settings.llm_enabled:
            assert settings.openai_base_url is not None
            assert settings.llm_model is not None
            key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
            llm = LlmConfig(
                base_url=settings.openai_base_url,
                model=settings.llm_model,
                api_key=key,
                timeout_s=settings.llm_timeout_s,
            )
        return cls(
            curriculum_path=settings.curriculum,
            data_dir=settings.index_dir or settings.data_dir,
            chroma_url=settings.chroma_url,
            clock=clock,
            llm=llm,
        )

    @property
    def llm(self) -> LlmAnswerer | None:
        return self._llm

    def _loaded(self, force_rebuild: bool) -> BuildReport | None:
        """The last load's report when the index is loaded and no rebuild is asked for."""
        if self._retriever is None or force_rebuild:
            return None
        return self.last_build

    async def ensure_loaded(
        self, *, force_rebuild: bool = False, build_elsewhere: bool = False
    ) -> BuildReport:
        """Load the index (building it first if needed); `build_elsewhere` builds an
        embedded index in a child process (`pathbot run`, whose loop must not stall)."""
        if loaded := self._loaded(force_rebuild):
            return loaded
        # The load runs in a task of its own, shielded from its caller: a cancelled caller
        # (the warm-up at shutdown, an /ask whose chat request went away) must not let the
        # lock go while the thread still loads, or the next caller starts a second load.
        load = asyncio.ensure_future(self._load_once(force_rebuild, build_elsewhere))
        self._loads.add(load)
        load.add_done_callback(self._loads.discard)
        return await asyncio.shield(load)

    async def _load_once(self, force_rebuild: bool, build_elsewhere: bool) -> BuildReport:
        async with self._lock:
            if loaded := self._loaded(force_rebuild):
                return loaded  # loaded by the caller this one waited behind
            began = time.perf_counter()
            built = None
            if build_elsewhere and self._chroma_url is None and not force_rebuild:
                # Under the lock: an /ask meanwhile waits for this instead of building too.
                built = await build_in_subprocess(self._curriculum_path, self._data_dir)
            report = await asyncio.to_thread(self._load, force_rebuild)
            if built is not None:
                seconds = time.perf_counter() - began
                report = replace(
                    report, rebuilt=built.rebuilt, reason=built.reason, seconds=seconds
                )
            self.last_build = report
            return report

    async def warm_up(self) -> BuildReport | None:
        """Load (or build) the index now so the first question is quick.

        Never raises: a bot whose index cannot be built still serves check-ins and
        reminders, and /ask explains the problem to whoever asks.
        """
        try:
            report = await self.ensure_loaded(build_elsewhere=True)
        except RagError as error:
            log.warning("/ask is unavailable until this is fixed: %s", error)
            return None
        except Exception:
            log.exception("/ask could not load its index")
            return None
        verb = "built" if report.rebuilt else "loaded"
        log.info(
            "/ask is ready: %s %d documents in %.1f s (%s)",
            verb,
            report.documents,
            report.seconds,
            report.location,
        )
        return report

    async def ask(self, question: str, *, k: int = 3, current_week: int | None = None) -> AskAnswer:
        question = " ".join(question.split())
        if not question:
            raise RagError(
                'ask a question, for example: pathbot ask "what should I read for HNSW?"'
            )
        question = clip(question, MAX_QUESTION_CHARS)
        k = max(1, min(k, MAX_K))
        await self.ensure_loaded()
        retriever = self._retriever
        assert retriever is not None
        retrieval = await asyncio.to_thread(retriever.search, question, current_week=current_week)
        sources = pick_sources(retrieval, k)
        if self._llm is None or not sources:
            return extractive_answer(question, retrieval, sources)
        try:
            answer = await self._llm.answer(question, sources)
        except LlmFailure as failure:
            fallback = extractive_answer(question, retrieval, sources)
            note = f"({failure.reason}, so here are the path's own resources.)"
            return fallback.model_copy(update={"answer": f"{fallback.answer}\n{note}"})
        return answer.model_copy(
            update={
                "answer": f"{answer.answer}\n(Written by the language model from these resources.)"
            }
        )

    async def retriever(self) -> HybridRetriever:
        """The loaded retriever (for benchmarks and diagnostics)."""
        await self.ensure_loaded()
        assert self._retriever is not None
        return self._retriever

    async def status(self) -> IndexStatus:
        return await asyncio.to_thread(self._status)

    def _load(self, force_rebuild: bool) -> BuildReport:
        try:
            curriculum = load_curriculum(self._curriculum_path)
        except CurriculumError as error:
            raise RagError(f"cannot load the curriculum: {error.problems[0]}") from None
        entries = block_entries(curriculum)
        documents = build_documents(entries)
        try:
            model_id = self._embedder.model_id
        except EmbeddingUnavailable as error:
            raise RagError(f"the embedding model is unavailable: {error}") from None
        stamp = fingerprint(documents, model_id)
        try:
            index = self._open_index()
            report = index.ensure(documents, self._embedder, stamp, force=force_rebuild)
        except (RagError, VectorStoreError) as error:
            if not self._chroma_url:
                raise RagError(str(error)) from None
            # A Chroma server that is down costs /ask nothing but a local build.
            index, report = embedded_fallback(self._data_dir, documents, self._embedder, stamp)
            log.warning("%s: /ask uses an embedded index until it is back", error)
        except Exception as error:  # a collection damaged under a healthy-looking client
            if self._chroma_url:
                raise RagError(f"the Chroma index is unusable: {error}") from None
            log.warning("Chroma index is damaged (%s); rebuilding it from scratch", error)
            forget_cached_client(chroma_dir(self._data_dir))
            shutil.rmtree(chroma_dir(self._data_dir), ignore_errors=True)
            index = self._open_index()
            report = index.ensure(documents, self._embedder, stamp)
        keyword = KeywordIndex(documents)
        self._retriever = HybridRetriever(
            entries=entries,
            documents=documents,
            keyword=keyword,
            embedder=self._embedder,
            parser=build_parser(entries, keyword),
            stored_vectors=index.vectors(),
            # Cached under the data directory even with a Chroma server: embedding the
            # ~600 anchors costs seconds; an unwritable directory only costs them again.
            off_path=off_path_vectors(self._embedder, self._data_dir / "rag-cache"),
        )
        if self._llm_config is not None and self._llm is None:
            titles = [r.title for e in entries for r in e.block.resources]
            self._llm = LlmAnswerer(self._llm_config, clock=self._clock, all_titles=titles)
        return report

    def _open_index(self) -> VectorIndex:
        try:
            client, location = open_client(data_dir=self._data_dir, chroma_url=self._chroma_url)
        except VectorStoreError as error:
            raise RagError(str(error)) from None
        return VectorIndex(client, location)

    def _status(self) -> IndexStatus:
        try:
            curriculum = load_curriculum(self._curriculum_path)
        except CurriculumError as error:
            raise RagError(f"cannot load the curriculum: {error.problems[0]}") from None
        documents = build_documents(block_entries(curriculum))
        try:
            stamp = fingerprint(documents, self._embedder.model_id)
        except EmbeddingUnavailable as error:
            raise RagError(f"the embedding model is unavailable: {error}") from None
        index = self._open_index()
        stored = index.fingerprint()
        return IndexStatus(
            location=index.location,
            documents=len(documents),
            fingerprint=stored,
            up_to_date=stored == stamp,
        )
