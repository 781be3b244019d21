"""`pathbot curriculum validate|show|import`: check, read and bring your own learning path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from bot.cli.errors import fail
from bot.cli.settings import settings_or_fail
from bot.curriculum.loader import CurriculumError, load_curriculum
from bot.curriculum.models import Curriculum

FileArgument = Annotated[
    Path | None,
    typer.Argument(help="A curriculum YAML file (default: the configured PATHBOT_CURRICULUM)."),
]
FileOption = Annotated[
    Path | None,
    typer.Option("--file", "-f", help="A curriculum YAML file instead of the configured one."),
]


def _problems(problems: list[str]) -> NoReturn:
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    for problem in problems:
        console.print(f"[red]error:[/red] {problem}", markup=True)
    raise typer.Exit(1)


def _load(file: Path | None) -> Curriculum:
    path = file if file is not None else settings_or_fail().curriculum
    try:
        return load_curriculum(path)
    except CurriculumError as error:
        # File-level problems already name the file; schema problems name a location in it.
        prefix = f"{path}: "
        _problems([p if p.startswith(prefix) else prefix + p for p in error.problems])


def validate(file: FileArgument = None) -> None:
    """Check a curriculum file; print a summary, or every problem with its location."""
    curriculum = _load(file)
    blocks = [block for _, _, block in curriculum.blocks()]
    resources = sum(len(block.resources) for block in blocks)
    typer.echo(
        f"ok: {len(curriculum.months)} months, {len(curriculum.weeks())} weeks, "
        f"{len(blocks)} topic blocks, {resources} resources"
    )


def show(
    week: Annotated[int | None, typer.Option(help="Show only this week (1-based).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    file: FileOption = None,
) -> None:
    """Print the learning path, or one week of it."""
    from bot.curriculum.render import overview, week_detail

    curriculum = _load(file)
    console = Console(highlight=False)
    if week is None:
        if as_json:
            typer.echo(json.dumps(curriculum.model_dump(mode="json"), ensure_ascii=False, indent=2))
        else:
            console.print(overview(curriculum))
        return
    try:
        chosen, month = curriculum.week(week), curriculum.month_of(week)
    except KeyError:
        fail(f"there is no week {week}: this path has weeks 1–{len(curriculum.weeks())}")
    if as_json:
        data = {"month": month.number, "month_title": month.title, **chosen.model_dump(mode="json")}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        console.print(week_detail(month, chosen))


def import_(
    markdown: Annotated[Path, typer.Argument(help="A learning path in the seed's Markdown shape.")],
) -> None:
    """Turn a Markdown learning path into curriculum YAML on stdout."""
    from bot.curriculum.dump import curriculum_to_yaml
    from bot.curriculum.importer import MarkdownImportError, import_markdown

    try:
        text = markdown.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{markdown}: file not found")
    except UnicodeDecodeError:
        fail(f"{markdown}: not UTF-8 text")
    except OSError as error:
        fail(f"{markdown}: cannot read ({error.strerror})")
    try:
        curriculum = import_markdown(text)
    except MarkdownImportError as error:
        where = f"{markdown}:{error.line}" if error.line else str(markdown)
        fail(f"{where}: {error.message}")
    typer.echo(curriculum_to_yaml(curriculum), nl=False)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        name="curriculum",
        help="Validate, show or import a learning path.",
        no_args_is_help=True,
    )
    group.command()(validate)
    group.command()(show)
    group.command("import")(import_)
    app.add_typer(group)
