"""/help and /help COMMAND, generated from the command table."""

from __future__ import annotations

from rapidfuzz import process

from bot.commands.table import CommandSpec, CommandTable, Permission
from bot.replies import Reply, ReplyField

_GROUPS = (
    (Permission.EVERYONE, "Anyone"),
    (Permission.MEMBER, "After /join"),
    (Permission.ADMIN, "Admins"),
)


def closest(table: CommandTable, name: str) -> str | None:
    best = process.extractOne(name.lower(), table.names(), score_cutoff=60)
    if best is None:
        return None
    spec = table.find(best[0])
    return spec.name if spec else None


def unknown(table: CommandTable, name: str) -> Reply:
    suggestion = closest(table, name)
    hint = f"Did you mean /{suggestion}?" if suggestion else "See /help for the commands."
    return Reply.error(f"I don't know the command /{name}.", hint, title="Unknown command")


def overview(table: CommandTable, admin: bool) -> Reply:
    lines: list[str] = []
    for permission, label in _GROUPS:
        if permission is Permission.ADMIN and not admin:
            continue
        lines.append(f"{label}:")
        lines.extend(
            f"  {spec.usage()} — {spec.help}" for spec in table if spec.permission is permission
        )
    lines.append("More on one command: /help COMMAND")
    return Reply(title="pathbot commands", lines=lines)


def detail(table: CommandTable, name: str) -> Reply:
    spec = table.find(name.lstrip("/"))
    if spec is None:
        return unknown(table, name.lstrip("/"))
    return describe(spec)


def describe(spec: CommandSpec) -> Reply:
    lines = [spec.help, f"Usage: {spec.usage()}"]
    lines.extend(f"  {param.usage()}: {param.help}" for param in spec.params)
    if spec.details:
        lines.append(spec.details)
    fields = [ReplyField(name="Who", value=spec.permission.value)]
    if spec.examples:
        fields.append(ReplyField(name="Examples", value="\n".join(spec.examples), inline=False))
    if spec.aliases:
        fields.append(ReplyField(name="Also", value=", ".join(f"/{a}" for a in spec.aliases)))
    return Reply(title=f"/{spec.name}", lines=lines, fields=fields)
