"""A day plan as a friendly rich card for terminals (`pathbot plan`, the console chat)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.curriculum.models import Resource, Topic
from bot.curriculum.planner_minutes import format_minutes
from bot.curriculum.planner_models import DayPlan, DayStatus, PlanItem

_STYLE = {
    DayStatus.ACTIVE: "cyan",
    DayStatus.PAUSED: "yellow",
    DayStatus.NOT_STARTED: "blue",
    DayStatus.COMPLETE: "green",
}


def headline(plan: DayPlan) -> str:
    """'Day 45 · Month 2 · Week 3 (week 7 of 16) · Vector Databases & Retrieval'."""
    if plan.status is DayStatus.NOT_STARTED:
        return "Not started yet"
    if plan.status is DayStatus.COMPLETE:
        return "Path complete"
    parts = [
        f"Day {plan.day}",
        f"Month {plan.month}",
        f"Week {plan.week_of_month} (week {plan.week} of {plan.weeks_total})",
        plan.week_title or "",
    ]
    text = " · ".join(part for part in parts if part)
    return f"Paused · {text}" if plan.status is DayStatus.PAUSED else text


def describe_resource(resource: Resource) -> str:
    """'Hands-On Machine Learning — Aurélien Géron (Chapters 1-3)'."""
    text = resource.title
    if resource.authors:
        text += " — " + ", ".join(resource.authors)
    if resource.scope:
        text += f" ({resource.scope})"
    if resource.options:
        text += " · options: " + ", ".join(resource.options)
    if resource.url:
        text += f" <{resource.url}>"
    return text


def describe_topic(topic: Topic) -> str:
    if not topic.subtopics:
        return topic.text
    return f"{topic.text} ({'; '.join(topic.subtopics)})"


def day_card(plan: DayPlan) -> RenderableType:
    """The whole plan as one panel: items with minutes, resources and notes."""
    # The headline is body text, not the panel title, so narrow terminals wrap it
    # instead of cutting the week's name off.
    parts: list[RenderableType] = [Text(headline(plan), style=f"bold {_STYLE[plan.status]}")]
    if plan.blocks:
        parts.append(Text("Blocks: " + " / ".join(plan.blocks), style="bold"))
    if plan.items:
        parts.append(_items(plan.items))
    if plan.resources:
        parts.append(Text("Resources", style="bold"))
        parts.extend(Text(f"  • {describe_resource(r)}") for r in plan.resources)
    if plan.notes:
        parts.append(Text("Notes", style="bold"))
        parts.extend(Text(f"  • {note}", style="italic") for note in plan.notes)
    subtitle = plan.date.strftime("%A %Y-%m-%d")
    if plan.status is DayStatus.ACTIVE:
        subtitle += f" · {format_minutes(plan.total_minutes)} planned"
    return Panel(
        Group(*parts),
        subtitle=Text(subtitle),
        border_style=_STYLE[plan.status],
        expand=False,
    )


def _items(items: list[PlanItem]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    for item in items:
        lines = [Text(item.title, style="bold")]
        lines += [Text(f"• {describe_topic(topic)}") for topic in item.topics]
        lines += [Text(f"▸ {exercise}") for exercise in item.exercises]
        lines += [Text(f"◆ {deliverable}") for deliverable in item.deliverables]
        table.add_row(format_minutes(item.minutes), Group(*lines))
    return table
