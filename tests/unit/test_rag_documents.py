"""Documents cut from the curriculum: stable ids, metadata, and a fingerprint that moves."""

from __future__ import annotations

from collections import Counter

from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.curriculum.models import Curriculum, Resource
from bot.rag.documents import (
    DocKind,
    block_entries,
    build_documents,
    fingerprint,
    resource_line,
)


def curriculum() -> Curriculum:
    return load_curriculum(DEFAULT_CURRICULUM)


def test_every_block_has_plain_words_and_documents_of_each_kind() -> None:
    entries = block_entries(curriculum())
    assert len(entries) == 31
    assert all(e.block.plain_words for e in entries)
    assert all(len(e.block.example_questions) >= 10 for e in entries)
    documents = build_documents(entries)
    kinds = Counter(d.kind for d in documents)
    assert kinds[DocKind.BLOCK] == 31
    assert kinds[DocKind.RESOURCE] == sum(len(e.block.resources) for e in entries)
    assert kinds[DocKind.TOPIC] >= 31
    assert kinds[DocKind.PLAIN] >= 31
    assert kinds[DocKind.EXAMPLE] == sum(len(e.block.example_questions) for e in entries)


def test_each_example_question_is_its_own_document_and_in_the_block_text() -> None:
    entries = block_entries(curriculum())
    documents = {d.id: d for d in build_documents(entries)}
    first = entries[0]
    example = documents[f"{first.key}-example-1"]
    assert example.text == first.block.example_questions[0]
    assert example.metadata["doc"] == "example"
    assert first.block.example_questions[-1] in documents[f"{first.key}-block"].text


def test_ids_are_unique_and_stable() -> None:
    first = build_documents(block_entries(curriculum()))
    second = build_documents(block_entries(curriculum()))
    ids = [d.id for d in first]
    assert len(ids) == len(set(ids))
    assert ids == [d.id for d in second]
    assert "w07-b1-block" in ids
    assert "w07-b1-resource-1" in ids


def test_metadata_places_every_document_in_the_path() -> None:
    documents = build_documents(block_entries(curriculum()))
    hnsw = next(d for d in documents if d.id == "w07-b1-block")
    assert hnsw.metadata["month"] == 2
    assert hnsw.metadata["week_of_month"] == 3
    assert hnsw.metadata["week"] == 7
    assert hnsw.metadata["topic"] == "Vector Database Fundamentals"
    assert "HNSW" in hnsw.text
    resource = next(d for d in documents if d.id == "w07-b1-resource-1")
    assert resource.metadata["kind"] == "docs"
    # A resource document carries its block's context.
    assert "Vector Database Fundamentals" in resource.text
    for document in documents:
        assert all(isinstance(v, str | int | float | bool) for v in document.metadata.values())


def test_fingerprint_changes_with_the_curriculum_or_the_model() -> None:
    cur = curriculum()
    documents = build_documents(block_entries(cur))
    base = fingerprint(documents, "model-a")
    assert fingerprint(build_documents(block_entries(cur)), "model-a") == base
    assert fingerprint(documents, "model-b") != base
    month = cur.months[0]
    week = month.weeks[0]
    block = week.blocks[0].model_copy(update={"plain_words": "Something else entirely."})
    changed = cur.model_copy(
        update={
            "months": [
                month.model_copy(
                    update={
                        "weeks": [
                            week.model_copy(update={"blocks": [block, *week.blocks[1:]]}),
                            *month.weeks[1:],
                        ]
                    }
                ),
                *cur.months[1:],
            ]
        }
    )
    assert fingerprint(build_documents(block_entries(changed)), "model-a") != base


def test_resource_line_names_authors_scope_and_options() -> None:
    book = Resource(
        title="Hands-On Machine Learning", authors=["Aurélien Géron"], scope="Chapters 1-3"
    )
    assert resource_line(book) == "Hands-On Machine Learning by Aurélien Géron (Chapters 1-3)"
    docs = Resource(title="Vector database documentation", options=["Pinecone", "Qdrant"])
    assert resource_line(docs) == "Vector database documentation (Pinecone, Qdrant)"
    either = Resource(title="TensorFlow or PyTorch tutorials", options=["TensorFlow", "PyTorch"])
    assert resource_line(either) == "TensorFlow or PyTorch tutorials"
    three = Resource(title="Deep Learning", authors=["Goodfellow", "Bengio", "Courville"])
    assert resource_line(three) == "Deep Learning by Goodfellow, Bengio and Courville"


def test_capstone_location_uses_the_week_hours() -> None:
    entries = block_entries(curriculum())
    capstone = entries[-1]
    assert capstone.week == 16
    assert capstone.location == ("Month 4 · Week 4 · End-to-End AI System Implementation, 20–24 h")
    assert capstone.topic_lines  # requirements stand in for topics
