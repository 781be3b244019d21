"""Human-readable views of a curriculum for the terminal (rich renderables)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from bot.curriculum.models import Block, Curriculum, Hours, Month, Resource, Week


def _hours(hours: Hours | None) -> str:
    return f" ({hours})" if hours is not None else ""


def resource_line(resource: Resource) -> Text:
    """'Hands-On Machine Learning — Aurélien Géron · Chapters 1-3 [book]'."""
    line = Text(resource.title, style="bold")
    if resource.authors:
        line.append(f" — {', '.join(resource.authors)}")
    if resource.options:
        line.append(f" · one of: {', '.join(resource.options)}")
    if resource.scope:
        line.append(f" · {resource.scope}")
    line.append(f" [{resource.kind.value}]", style="dim")
    if resource.url:
        line.append(f" {resource.url}", style="cyan")
    return line


def overview(curriculum: Curriculum) -> RenderableType:
    """Every month, week and topic block on one screen or two."""
    tree = Tree(Text(curriculum.title, style="bold magenta"))
    for month in curriculum.months:
        month_node = tree.add(Text(f"Month {month.number}: {month.title}", style="bold"))
        for week in month.weeks:
            week_node = month_node.add(
                Text(f"Week {week.number}: {week.title}{_hours(week.hours)}", style="green")
            )
            for block in week.blocks:
                week_node.add(f"{block.title}{_hours(block.hours)}")
    counts = Text(
        f"{len(curriculum.months)} months, {len(curriculum.weeks())} weeks; "
        "`pathbot curriculum show --week N` for a week's details",
        style="dim",
    )
    return Group(tree, counts)


def _list(parent: Tree, label: str, items: list[str]) -> None:
    if items:
        node = parent.add(Text(label, style="bold"))
        for item in items:
            node.add(item)


def _block_tree(block: Block) -> Tree:
    node = Tree(Text(f"{block.title}{_hours(block.hours)}", style="bold yellow"))
    if block.concept:
        node.add(Text(block.concept, style="italic"))
    if block.topics:
        topics = node.add(Text("Topics", style="bold"))
        for topic in block.topics:
            topic_node = topics.add(topic.text)
            for sub in topic.subtopics:
                topic_node.add(sub)
    _list(node, "Exercises", block.exercises)
    _list(node, "Project requirements", block.requirements)
    _list(node, "Deliverables", block.deliverables)
    if block.resources:
        resources = node.add(Text("Resources", style="bold"))
        for resource in block.resources:
            resources.add(resource_line(resource))
    return node


def week_detail(month: Month, week: Week) -> RenderableType:
    """One week in full: concept, topics, exercises and resources of each block."""
    heading = Text(f"Week {week.number}: {week.title}", style="bold green")
    heading.append(
        f"  (Month {month.number}: {month.title}, week {week.number_in_month}; {week.hours})",
        style="dim",
    )
    return Group(heading, *(_block_tree(block) for block in week.blocks))
