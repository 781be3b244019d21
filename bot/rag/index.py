"""The vector side of the index: a Chroma collection of precomputed embeddings.

Chroma is given vectors we computed ourselves (one long-lived ONNX session), never
an embedding function: a collection reopened with one would rebuild it per query.
The collection's metadata records a fingerprint of the documents and the model, so
it is rebuilt exactly when the curriculum or the model changes. Every call here
blocks; the service runs them in a worker thread.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.rag.documents import MetadataValue, RagDocument
from bot.rag.embeddings import Embedder, Vectors

log = logging.getLogger(__name__)

COLLECTION = "pathbot-curriculum"
_BATCH = 1  # one text per ONNX run: measured faster than padded batches on 2 busy cores


class VectorStoreError(RuntimeError):
    """The vector store cannot be reached or used."""


@dataclass(frozen=True)
class BuildReport:
    rebuilt: bool
    reason: str
    documents: int
    seconds: float
    location: str


@dataclass(frozen=True)
class VectorHit:
    id: str
    similarity: float
    metadata: dict[str, MetadataValue]


def open_client(*, data_dir: Path, chroma_url: str | None) -> tuple[Any, str]:
    """An embedded PersistentClient under the data dir, or an HttpClient for CHROMA_URL."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        parsed = urlparse(chroma_url)
        if not parsed.hostname:
            raise VectorStoreError(f"CHROMA_URL {chroma_url!r} is not a URL like http://host:8000")
        ssl = parsed.scheme == "https"
        port = parsed.port or (443 if ssl else 8000)
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname, port=port, ssl=ssl, settings=settings
            )
        except Exception as error:  # chromadb raises plain Exceptions for connection errors
            raise VectorStoreError(f"cannot reach Chroma at {chroma_url}: {error}") from None
        return client, chroma_url
    path = chroma_dir(data_dir)
    if not (path / "chroma.sqlite3").is_file():
        # Deleted under a running process: drop chroma's cached handle on the old files.
        forget_cached_client(path)
    try:
        return _persistent(path, settings), str(path)
    except Exception as error:  # a damaged directory raises anything from sqlite to rust
        log.warning("Chroma directory %s is unreadable (%s); rebuilding it", path, error)
        forget_cached_client(path)
        shutil.rmtree(path, ignore_errors=True)
        try:
            return _persistent(path, settings), str(path)
        except Exception as second:
            raise VectorStoreError(f"cannot open Chroma at {path}: {second}") from None


def chroma_dir(data_dir: Path) -> Path:
    return data_dir / "chroma"


def forget_cached_client(path: Path) -> None:
    """Make the next PersistentClient for `path` reopen its files.

    chromadb keeps one system per directory for the life of the process; after the
    directory is deleted or replaced that cached system still serves the old data.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    systems = getattr(SharedSystemClient, "_identifier_to_system", {})
    counts = getattr(SharedSystemClient, "_identifier_to_refcount", {})
    for identifier in [i for i in systems if Path(i) == path]:
        system = systems.pop(identifier)
        counts.pop(identifier, None)
        try:
            system.stop()
        except Exception:  # stopping a system whose files are gone may fail; it is dropped anyway
            log.debug("could not stop the cached Chroma system for %s", path)


def _persistent(path: Path, settings: Any) -> Any:
    import chromadb

    path.mkdir(parents=True, exist_ok=True)
    client = chromadb.PersistentClient(path=str(path), settings=settings)
    client.list_collections()  # touch the database now so corruption shows up here
    return client


class VectorIndex:
    """One Chroma collection holding the curriculum's document vectors."""

    def __init__(self, client: Any, location: str) -> None:
        self._client = client
        self.location = location
        self._collection: Any = None

    def ensure(
        self,
        documents: Sequence[RagDocument],
        embedder: Embedder,
        fingerprint: str,
        *,
        force: bool = False,
    ) -> BuildReport:
        """Reuse the stored collection when its fingerprint matches; rebuild it otherwise."""
        started = time.perf_counter()
        reason = "rebuild requested" if force else self._stale_reason(fingerprint, len(documents))
        if reason is None:
            return BuildReport(
                False, "up to date", len(documents), time.perf_counter() - started, self.location
            )
        self._rebuild(documents, embedder, fingerprint)
        return BuildReport(
            True, reason, len(documents), time.perf_counter() - started, self.location
        )

    def _stale_reason(self, fingerprint: str, count: int) -> str | None:
        try:
            collection = self._client.get_collection(COLLECTION)
        except Exception:  # chromadb raises NotFoundError or ValueError depending on backend
            return "no index yet"
        try:
            stored = (collection.metadata or {}).get("fingerprint")
            stored_count = collection.count()
        except Exception as error:
            log.warning("Chroma collection unreadable (%s); rebuilding it", error)
            return "index unreadable"
        if stored != fingerprint:
            return "curriculum or embedding model changed"
        if stored_count != count:
            return "index incomplete"
        self._collection = collection
        return None

    def _rebuild(
        self, documents: Sequence[RagDocument], embedder: Embedder, fingerprint: str
    ) -> None:
        try:
            self._client.delete_collection(COLLECTION)
        except Exception:  # absent: nothing to delete
            log.debug("no previous collection to delete")
        vectors = embed_all(embedder, [d.text for d in documents])
        collection = self._client.create_collection(
            COLLECTION,
            metadata={"fingerprint": fingerprint, "model": embedder.model_id},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
        collection.add(
            ids=[d.id for d in documents],
            embeddings=vectors,
            documents=[d.text for d in documents],
            metadatas=[d.metadata for d in documents],
        )
        self._collection = collection

    def query(
        self,
        vector: Vectors,
        n: int,
        where: dict[str, Any] | None = None,
        *,
        with_metadata: bool = True,
    ) -> list[VectorHit]:
        collection = self._require()
        n = max(1, min(n, collection.count()))
        # Fetching metadata costs ~10x the search itself; callers that know the documents
        # by id (the retriever does) skip it.
        include = ["distances", "metadatas"] if with_metadata else ["distances"]
        result = collection.query(
            query_embeddings=vector.reshape(1, -1),
            n_results=n,
            where=where or None,
            include=include,
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        metadatas = result["metadatas"][0] if with_metadata else [None] * len(ids)
        return [
            VectorHit(id=i, similarity=1.0 - float(d), metadata=dict(m or {}))
            for i, d, m in zip(ids, distances, metadatas, strict=True)
        ]

    def vectors(self) -> dict[str, Vectors]:
        """Every stored vector by document id (the index is small: a few hundred rows)."""
        got = self._require().get(include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"], strict=True))

    def fingerprint(self) -> str | None:
        try:
            collection = self._client.get_collection(COLLECTION)
        except Exception:
            return None
        value = (collection.metadata or {}).get("fingerprint")
        return str(value) if value is not None else None

    def count(self) -> int:
        return int(self._require().count())

    def _require(self) -> Any:
        if self._collection is None:
            raise VectorStoreError("the index has not been built or loaded")
        return self._collection


def embedded_fallback(
    data_dir: Path, documents: Sequence[RagDocument], embedder: Embedder, stamp: str
) -> tuple[VectorIndex, BuildReport]:
    """The index under the data dir, used (and built if needed) when CHROMA_URL is down."""
    client, location = open_client(data_dir=data_dir, chroma_url=None)
    index = VectorIndex(client, location)
    report = index.ensure(documents, embedder, stamp)
    return index, replace(report, reason=f"Chroma server unreachable: embedded ({report.reason})")


def embed_all(embedder: Embedder, texts: list[str]) -> Vectors:
    import numpy as np

    if not texts:
        return embedder.embed([])
    return np.vstack([embedder.embed(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)])
