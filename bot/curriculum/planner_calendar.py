"""Path-day arithmetic: which day of the path a date is, with paused dates skipped.

Day 1 is the start date. A paused date is not a path day: it keeps the number of
the day it interrupts and every later date moves one day back.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.curriculum.planner_models import DayStatus

#: Longest paused range accepted from text, so a typo like 2027..2207 fails clearly.
MAX_PAUSE_DAYS = 3660


class PlanInputError(ValueError):
    """Bad user input for the planner; the message is fit to show as is."""


def parse_date(text: str) -> date:
    """Read an ISO date (YYYY-MM-DD) or raise PlanInputError with a friendly message."""
    cleaned = text.strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise PlanInputError(f"'{cleaned}' is not a real date; use YYYY-MM-DD") from None


def parse_paused(text: str) -> list[date]:
    """Read one `--paused` value: a date or an inclusive `A..B` range."""
    first, sep, last = text.strip().partition("..")
    begin = parse_date(first)
    if not sep:
        return [begin]
    end = parse_date(last)
    if end < begin:
        raise PlanInputError(f"paused range '{text.strip()}' ends before it starts")
    length = (end - begin).days + 1
    if length > MAX_PAUSE_DAYS:
        raise PlanInputError(f"paused range '{text.strip()}' is longer than ten years")
    return [begin + timedelta(days=offset) for offset in range(length)]


@dataclass(frozen=True)
class PathCalendar:
    """Maps dates to path days and back for one member's start date and pauses."""

    start: date
    total_days: int
    #: Paused dates on or after the start, sorted and unique.
    paused: tuple[date, ...]

    @classmethod
    def build(cls, start: date, total_days: int, paused: Iterable[date] = ()) -> PathCalendar:
        return cls(start, total_days, tuple(sorted({day for day in paused if day >= start})))

    def is_paused(self, on: date) -> bool:
        index = bisect.bisect_left(self.paused, on)
        return index < len(self.paused) and self.paused[index] == on

    def locate(self, on: date) -> tuple[DayStatus, int | None]:
        """The status of a date and its path day (the interrupted day when paused)."""
        if on < self.start:
            return DayStatus.NOT_STARTED, None
        paused_before = bisect.bisect_left(self.paused, on)
        day = (on - self.start).days + 1 - paused_before
        if day > self.total_days:
            return DayStatus.COMPLETE, None
        if self.is_paused(on):
            return DayStatus.PAUSED, day
        return DayStatus.ACTIVE, day

    def date_of(self, day: int) -> date:
        """The calendar date of a path day (1-based; may lie past the last day)."""
        if day < 1:
            raise ValueError(f"path days start at 1, not {day}")
        when = self.start + timedelta(days=day - 1)
        # Each pause on or before the candidate pushes it one date later; sorted order
        # means pauses reached only by that push are still counted.
        for pause in self.paused:
            if pause > when:
                break
            when += timedelta(days=1)
        return when

    def next_active(self, on: date) -> date:
        """The first un-paused date on or after `on`."""
        when = on
        while self.is_paused(when):
            when += timedelta(days=1)
        return when

    @property
    def last_date(self) -> date:
        return self.date_of(self.total_days)
