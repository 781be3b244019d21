"""What the day planner returns.

`DayPlan.model_dump(mode="json")` is the JSON of `pathbot plan --json`, of the bot's
/today and of the daily posts, so these models are a stable format: add fields,
never rename them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.curriculum.models import Hours, Resource, Topic


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayStatus(StrEnum):
    NOT_STARTED = "not_started"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETE = "complete"


class DayKind(StrEnum):
    """Which part of the weekly schedule a date follows: always its calendar weekday."""

    WEEKDAY = "weekday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @classmethod
    def of(cls, when: dt.date) -> DayKind:
        return {5: cls.SATURDAY, 6: cls.SUNDAY}.get(when.weekday(), cls.WEEKDAY)


class ItemKind(StrEnum):
    THEORY = "theory"
    HANDS_ON = "hands_on"
    REVIEW = "review"
    PROJECT = "project"
    EXERCISES = "exercises"
    PREPARE = "prepare"


class PlanItem(_Model):
    """One slice of a study day, e.g. 30 minutes of theory on two topics."""

    kind: ItemKind
    title: str
    minutes: int = Field(ge=0)
    #: The topics this slice studies, reviews or previews (with their sub-topics).
    topics: list[Topic] = Field(default_factory=list)
    #: Exercises (and capstone project requirements) this slice works on.
    exercises: list[str] = Field(default_factory=list)
    #: Capstone deliverables this slice works on.
    deliverables: list[str] = Field(default_factory=list)


class DayPlan(_Model):
    """One date of one member's path: what to do, for how long, with what to read."""

    date: dt.date
    start: dt.date
    status: DayStatus
    #: Day of the path (1..total_days); for a paused date, the day it interrupts.
    day: int | None = None
    total_days: int
    #: Week of the path (1..weeks_total) and the day's position in it (1..7).
    week: int | None = None
    weeks_total: int
    day_of_week: int | None = None
    week_title: str | None = None
    month: int | None = None
    month_title: str | None = None
    week_of_month: int | None = None
    #: The part of the weekly schedule the date follows (its calendar weekday).
    day_kind: DayKind | None = None
    #: Titles of the topic blocks the day works on.
    blocks: list[str] = Field(default_factory=list)
    items: list[PlanItem] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    total_minutes: int = 0
    #: Minutes planned over the whole path week and the hours the curriculum states for it.
    week_minutes: int | None = None
    week_hours: Hours | None = None
    notes: list[str] = Field(default_factory=list)
    #: Only before the start: how many days until day 1.
    days_until_start: int | None = None
