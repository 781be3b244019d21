"""The one command table: every command pathbot understands, defined once."""

from __future__ import annotations

from bot.commands import help as help_text
from bot.commands.admin_commands import ADMIN_COMMANDS
from bot.commands.invocation import Invocation
from bot.commands.member_commands import MEMBER_COMMANDS
from bot.commands.table import CommandSpec, CommandTable, Kind, Param, Permission
from bot.replies import Reply
from bot.services.workspaces import is_admin


def build_table() -> CommandTable:
    """Build (and so validate) the table; raises ValueError on duplicate names."""
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
    table = CommandTable((help_spec, *MEMBER_COMMANDS, *ADMIN_COMMANDS))
    return table
