"""The curriculum cut into searchable documents, each with a stable id.

Per topic block: one whole-block document (title, concept, topics, exercises,
resources, plain words, example questions), one per topic line (so an answer can say
which line matched), one per plain-words sentence and one per example question; per
resource: one document carrying its block's context. Whole-block documents rank better
than resource documents alone, so retrieval ranks blocks first and picks resources
inside them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.curriculum.models import Block, Curriculum, Month, Resource, Week

#: Bump when the way documents are cut changes, so stored indexes are rebuilt.
DOCUMENT_SCHEMA = 4

MetadataValue = str | int | float | bool


class DocKind(StrEnum):
    BLOCK = "block"
    TOPIC = "topic"
    PLAIN = "plain"
    EXAMPLE = "example"
    RESOURCE = "resource"


@dataclass(frozen=True)
class BlockEntry:
    """Where a topic block sits in the path, with what answers need to cite it."""

    key: str
    month: int
    month_title: str
    week: int
    week_of_month: int
    week_title: str
    block: Block
    #: The block's hours, or its week's when the block gives none (the capstone).
    hours: str

    @property
    def title(self) -> str:
        return self.block.title

    @property
    def topic_lines(self) -> list[str]:
        lines: list[str] = []
        for topic in self.block.topics:
            lines.append(topic.text)
            lines.extend(topic.subtopics)
        return lines or [*self.block.requirements, *self.block.deliverables]

    @property
    def location(self) -> str:
        return f"Month {self.month} · Week {self.week_of_month} · {self.title}, {self.hours}"


@dataclass(frozen=True)
class RagDocument:
    id: str
    kind: DocKind
    block_key: str
    text: str
    #: Position of the resource (or topic line) inside its block; -1 for block-wide documents.
    position: int = -1
    metadata: dict[str, MetadataValue] = field(default_factory=dict)


def block_entries(curriculum: Curriculum) -> list[BlockEntry]:
    entries: list[BlockEntry] = []
    for month, week, block in curriculum.blocks():
        index = week.blocks.index(block)
        entries.append(_entry(month, week, block, index))
    return entries


def _entry(month: Month, week: Week, block: Block, index: int) -> BlockEntry:
    hours = block.hours or week.hours
    return BlockEntry(
        key=f"w{week.number:02d}-b{index + 1}",
        month=month.number,
        month_title=month.title,
        week=week.number,
        week_of_month=week.number_in_month,
        week_title=week.title,
        block=block,
        hours=str(hours),
    )


def resource_line(resource: Resource) -> str:
    """'Hands-On Machine Learning by Aurélien Géron (Chapters 1-3)'."""
    line = resource.title
    options = [o for o in resource.options if o.casefold() not in line.casefold()]
    if options and len(options) == len(resource.options):
        line += f" ({', '.join(options)})"
    if resource.authors:
        line += " by " + _join_names(resource.authors)
    if resource.scope:
        line += f" ({resource.scope})"
    return line


def _join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def build_documents(entries: list[BlockEntry]) -> list[RagDocument]:
    documents: list[RagDocument] = []
    for entry in entries:
        block = entry.block
        base: dict[str, MetadataValue] = {
            "month": entry.month,
            "week_of_month": entry.week_of_month,
            "week": entry.week,
            "topic": entry.title,
            "block_key": entry.key,
        }
        heading = f"{entry.title}. {block.concept}".strip()
        resources = [resource.text or resource_line(resource) for resource in block.resources]
        whole = "\n".join(
            part
            for part in (
                heading,
                f"Week: {entry.week_title}.",
                "Topics: " + "; ".join(entry.topic_lines),
                "Exercises: " + "; ".join(block.tasks()),
                "Deliverables: " + "; ".join(block.deliverables) if block.deliverables else "",
                "Resources: " + "; ".join(resources),
                block.plain_words or "",
                " ".join(block.example_questions),
            )
            if part
        )
        documents.append(_doc(entry, DocKind.BLOCK, -1, whole, base, "block"))
        for i, line in enumerate(entry.topic_lines):
            text = f"{line} ({entry.title})"
            documents.append(_doc(entry, DocKind.TOPIC, i, text, base, "topic"))
        # Each plain-words sentence names one problem; embedded alone it is not diluted by the rest.
        for i, sentence in enumerate(_sentences(block.plain_words or "")):
            documents.append(_doc(entry, DocKind.PLAIN, i, sentence, base, "plain"))
        # A learner's question is closest to another question: each example stands alone.
        for i, question in enumerate(block.example_questions):
            documents.append(_doc(entry, DocKind.EXAMPLE, i, question, base, "example"))
        for i, resource in enumerate(block.resources):
            text = f"{resource_line(resource)}. {heading}. Topics: " + "; ".join(entry.topic_lines)
            documents.append(_doc(entry, DocKind.RESOURCE, i, text, base, resource.kind.value))
    return documents


def _doc(
    entry: BlockEntry,
    kind: DocKind,
    position: int,
    text: str,
    base: dict[str, MetadataValue],
    kind_label: str,
) -> RagDocument:
    suffix = "" if position < 0 else f"-{position + 1}"
    return RagDocument(
        id=f"{entry.key}-{kind.value}{suffix}",
        kind=kind,
        block_key=entry.key,
        text=text,
        position=position,
        metadata={**base, "doc": kind.value, "position": position, "kind": kind_label},
    )


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if part.strip()]


def fingerprint(documents: list[RagDocument], model_id: str) -> str:
    """Changes exactly when the stored vectors would: different documents or model."""
    digest = hashlib.sha256()
    digest.update(f"schema={DOCUMENT_SCHEMA};model={model_id}\n".encode())
    for document in documents:
        digest.update(json.dumps([document.id, document.text, document.metadata]).encode())
        digest.update(b"\n")
    return digest.hexdigest()
