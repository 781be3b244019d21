"""The weekly schedule's slices of a day, each classified into a kind of plan item.

The kind comes from the label ("Review weekly concepts" is a review), so a
curriculum may reorder or rename its slices; a label that names nothing known
falls back to its position (weekday: theory, hands-on; Saturday: review,
project; Sunday: exercises, prepare).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.curriculum.models import Schedule
from bot.curriculum.planner_models import DayKind, ItemKind

# Checked in order, so "Review weekly concepts" is a review, not theory.
_LABEL_KINDS: tuple[tuple[ItemKind, tuple[str, ...]], ...] = (
    (ItemKind.REVIEW, ("review",)),
    (ItemKind.PREPARE, ("prepare", "next week")),
    (ItemKind.EXERCISES, ("exercise",)),
    (ItemKind.PROJECT, ("project",)),
    (ItemKind.HANDS_ON, ("hands-on", "hands on", "implement", "practi", "build")),
    (ItemKind.THEORY, ("theory", "concept", "study", "read")),
)
_DEFAULT_KINDS = {
    DayKind.WEEKDAY: (ItemKind.THEORY, ItemKind.HANDS_ON),
    DayKind.SATURDAY: (ItemKind.REVIEW, ItemKind.PROJECT),
    DayKind.SUNDAY: (ItemKind.EXERCISES, ItemKind.PREPARE),
}


@dataclass(frozen=True)
class Slot:
    kind: ItemKind
    label: str
    minutes_min: int
    minutes_max: int


def schedule_slots(schedule: Schedule, day_kind: DayKind) -> list[Slot]:
    """The schedule's slices for a kind of day, each classified by its label."""
    entries = {
        DayKind.WEEKDAY: schedule.weekday,
        DayKind.SATURDAY: schedule.saturday,
        DayKind.SUNDAY: schedule.sunday,
    }[day_kind]
    defaults = _DEFAULT_KINDS[day_kind]
    slots = []
    for position, entry in enumerate(entries):
        label = entry.label.lower()
        kind = next(
            (kind for kind, words in _LABEL_KINDS if any(word in label for word in words)),
            defaults[min(position, len(defaults) - 1)],
        )
        slots.append(Slot(kind, entry.label, entry.minutes_min, entry.minutes_max))
    return slots
