"""The one command table: every command pathbot understands, defined once."""

from __future__ import annotations

from dataclasses import replace

from bot.commands import help as help_text
from bot.commands.admin_commands import ADMIN_COMMANDS
from bot.commands.habit_commands import HABIT_COMMANDS
from bot.commands.invocation import Invocation
from bot.commands.member_commands import MEMBER_COMMANDS
from bot.commands.table import CommandSpec, CommandTable, Kind, Param, Permission
from bot.curriculum.models import Curriculum
from bot.replies import Reply
from bot.services.workspaces import is_admin


def build_table(curriculum: Curriculum | None = None) -> CommandTable:
    """Build (and so validate) the table; raises ValueError on duplicate names.

    With the curriculum, week numbers are bounded by the path's length and suggested
    with their titles.
    """
    table: CommandTable

    async def _help(inv: Invocation) -> Reply:
        name = inv.args.text("command")
        if name:
            return help_text.detail(table, name)
        return help_text.overview(table, is_admin(inv.workspace, inv.caller))

    help_spec = CommandSpec(
        "help",
        "List the commands, or explain one.",
        _help,
        params=(Param("command", Kind.TEXT, "A command name.", required=False),),
        permission=Permission.EVERYONE,
        examples=("/help", "/help log"),
        aliases=("start",),
        writes=False,
    )
    specs: tuple[CommandSpec, ...] = (
        help_spec,
        *MEMBER_COMMANDS,
        *HABIT_COMMANDS,
        *ADMIN_COMMANDS,
    )
    if curriculum is not None:
        specs = tuple(_with_path_weeks(spec, curriculum) for spec in specs)
    table = CommandTable(specs)
    return table


def _with_path_weeks(spec: CommandSpec, curriculum: Curriculum) -> CommandSpec:
    weeks = [(week.number, week.title) for week in curriculum.weeks()]

    def suggest(typed: str) -> list[tuple[str, int]]:
        words = typed.strip().lower()
        return [
            (f"Week {number}: {title}", number)
            for number, title in weeks
            if not words or words in str(number) or words in title.lower()
        ]

    params = tuple(
        replace(param, minimum=1, maximum=len(weeks), suggest=suggest)
        if param.kind is Kind.INTEGER and param.name == "week"
        else param
        for param in spec.params
    )
    return replace(spec, params=params)
