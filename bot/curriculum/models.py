"""The schema of a learning path.

`pathbot curriculum show --json` prints exactly `Curriculum.model_dump(mode="json")`,
so these models *are* the stable JSON format: add fields, never rename them.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResourceKind(StrEnum):
    BOOK = "book"
    DOCS = "docs"
    PAPER = "paper"
    COURSE = "course"
    BLOG = "blog"
    TUTORIAL = "tutorial"
    CASE_STUDY = "case-study"
    OTHER = "other"


class Resource(_Model):
    """One thing to read: '"Hands-On Machine Learning" by Aurélien Géron (Chapters 1-3)'."""

    title: str = Field(min_length=1)
    authors: list[str] = Field(default_factory=list)
    kind: ResourceKind = ResourceKind.OTHER
    #: Which part to read: "Chapters 1-3", "Lesson 1", "relevant chapters", "beginner level".
    scope: str | None = None
    #: The alternatives one resource offers:
    #: "TensorFlow or PyTorch tutorials" -> ["TensorFlow", "PyTorch"].
    options: list[str] = Field(default_factory=list)
    url: str | None = None
    #: The line exactly as the source Markdown wrote it (without the bullet).
    text: str = ""


class Topic(_Model):
    text: str = Field(min_length=1)
    subtopics: list[str] = Field(default_factory=list)


class Hours(_Model):
    min: float = Field(ge=0)
    max: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError("min > max")
        return self

    def __str__(self) -> str:
        return f"{self.min:g}–{self.max:g} h"


class Block(_Model):
    """A topic block: a week has two (the capstone week has one)."""

    title: str = Field(min_length=1)
    concept: str = ""
    #: None when the source gives no hours for the block (the capstone): the week's hours apply.
    hours: Hours | None = None
    topics: list[Topic] = Field(default_factory=list)
    exercises: list[str] = Field(default_factory=list)
    #: Capstone only: "Project requirements" and "Deliverables".
    requirements: list[str] = Field(default_factory=list)
    deliverables: list[str] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    #: Plain-language description of the problems this block solves, in learners' own words
    #: (written for retrieval; not part of the source Markdown).
    plain_words: str | None = None
    #: Questions learners might ask that this block answers, in their own words (written
    #: for retrieval like plain_words; each is indexed alone, question against question).
    example_questions: list[str] = Field(default_factory=list)

    def tasks(self) -> list[str]:
        """Everything to *do* in the block: exercises, then project requirements."""
        return [*self.exercises, *self.requirements]


class Week(_Model):
    #: Position in the whole path, 1-based (1–16 for the default path).
    number: int = Field(ge=1)
    #: Position inside its month, 1-based (1–4).
    number_in_month: int = Field(ge=1)
    title: str = Field(min_length=1)
    hours: Hours
    blocks: list[Block] = Field(min_length=1)


class Month(_Model):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    weeks: list[Week] = Field(min_length=1)


class ScheduleItem(_Model):
    """One slice of a study day: '30-90 minutes: Hands-on implementation'."""

    label: str = Field(min_length=1)
    minutes_min: int = Field(ge=0)
    minutes_max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.minutes_min > self.minutes_max:
            raise ValueError("minutes_min > minutes_max")
        return self


class Schedule(_Model):
    """The weekly rhythm for working professionals."""

    weekday: list[ScheduleItem]
    weekday_focus: str | None = None
    saturday: list[ScheduleItem]
    sunday: list[ScheduleItem]
    #: Hours per day the source gives in its headings: "Weekdays (1-2 hours per day)".
    weekday_hours: Hours | None = None
    weekend_hours: Hours | None = None


class KeyResources(_Model):
    beginner: list[Resource] = Field(default_factory=list)
    intermediate: list[Resource] = Field(default_factory=list)
    advanced: list[Resource] = Field(default_factory=list)


class Curriculum(_Model):
    title: str = Field(min_length=1)
    #: A second `#` heading under the title, when the source has one.
    subtitle: str | None = None
    description: str = ""
    months: list[Month] = Field(min_length=1)
    schedule: Schedule
    key_resources: KeyResources = Field(default_factory=KeyResources)
    closing: str = ""

    def weeks(self) -> list[Week]:
        return [week for month in self.months for week in month.weeks]

    def week(self, number: int) -> Week:
        for week in self.weeks():
            if week.number == number:
                return week
        raise KeyError(number)

    def month_of(self, week_number: int) -> Month:
        for month in self.months:
            if any(week.number == week_number for week in month.weeks):
                return month
        raise KeyError(week_number)

    def blocks(self) -> Iterator[tuple[Month, Week, Block]]:
        for month in self.months:
            for week in month.weeks:
                for block in week.blocks:
                    yield month, week, block

    @property
    def total_days(self) -> int:
        return 7 * len(self.weeks())
