"""The single entry point of every adapter: a caller and a line in, a Reply out.

Each command runs in one transaction; any refusal (`ok` false) rolls it back, so
bad input never changes the database. Every reply leaves with its mentions
neutralized: refusals quote what was typed, and one forgotten call in a service
must not be able to ping a channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import help as help_text
from bot.commands.arguments import parse_args
from bot.commands.caller import Caller
from bot.commands.catalog import build_table
from bot.commands.invocation import Invocation
from bot.commands.parsing import ParseError, tokenize
from bot.commands.table import CommandSpec, CommandTable, Permission
from bot.replies import Reply, ReplyField
from bot.services.context import Core, UserError
from bot.services.members import find_member
from bot.services.workspaces import ensure_workspace, is_admin
from bot.text import neutralize_mentions

log = logging.getLogger(__name__)

MAX_LINE = 4000


@dataclass(frozen=True)
class Outcome:
    """A reply and the command it answered (None when the command was unknown)."""

    command: str | None
    reply: Reply


class _Refused(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.title)
        self.reply = reply


class Dispatcher:
    def __init__(self, core: Core, table: CommandTable | None = None) -> None:
        self.core = core
        self.table = table or build_table()

    def commands(self) -> list[CommandSpec]:
        """Every command, for adapters registering slash commands and for /help."""
        return list(self.table)

    async def handle(self, caller: Caller, line: str) -> Reply:
        return (await self.dispatch(caller, line)).reply

    async def dispatch(self, caller: Caller, line: str) -> Outcome:
        outcome = await self._dispatch(caller, line)
        return Outcome(outcome.command, without_pings(outcome.reply))

    async def _dispatch(self, caller: Caller, line: str) -> Outcome:
        text = line.strip()
        if not text:
            return Outcome(None, Reply.error("Say something: try /help", title="Empty"))
        if len(text) > MAX_LINE:
            return Outcome(None, Reply.error(f"That's too long (over {MAX_LINE:,} characters)"))
        head, *tail = text.split(None, 1)
        rest = tail[0] if tail else ""
        name = head.removeprefix("/").lower()
        spec = self.table.find(name)
        if spec is None:
            return Outcome(None, help_text.unknown(self.table, name))
        try:
            words = tokenize(rest)
            async with self.core.sessions.begin() as db:
                reply = await self._run(db, spec, caller, words, rest)
                if not reply.ok:
                    raise _Refused(reply)
        except _Refused as refused:
            reply = refused.reply
        except UserError as error:
            reply = Reply.error(error.message, *error.hints)
        except ParseError as error:
            reply = Reply.error(str(error), f"Usage: {spec.usage()}")
        except IntegrityError:
            log.warning("conflict running /%s", spec.name, exc_info=True)
            reply = Reply.error("Something changed at the same moment: please try again")
        except Exception:
            # A bug must not reach the member as a traceback; it goes to the log.
            log.exception("/%s failed", spec.name)
            reply = Reply.error("Something went wrong on my side; it has been logged")
        return Outcome(spec.name, reply)

    async def _run(
        self, db: AsyncSession, spec: CommandSpec, caller: Caller, words: list[str], typed: str
    ) -> Reply:
        workspace = await ensure_workspace(db, self.core, caller)
        member = await find_member(db, workspace, caller.user_id)
        if spec.permission is Permission.MEMBER and member is None:
            raise UserError("You haven't joined yet", "Start with /join (see /help join).")
        if spec.permission is Permission.ADMIN and not is_admin(workspace, caller):
            raise UserError(f"/{spec.name} is for workspace admins only")
        zone = member.timezone if member is not None else workspace.timezone
        args = parse_args(spec, words, self.core.local_today(zone), typed)
        return await spec.handler(Invocation(db, self.core, caller, workspace, member, args))


def without_pings(reply: Reply) -> Reply:
    """The reply with every shown text unable to ping; attachments stay as typed."""
    return reply.model_copy(
        update={
            "title": neutralize_mentions(reply.title),
            "lines": [neutralize_mentions(line) for line in reply.lines],
            "fields": [
                ReplyField(
                    name=neutralize_mentions(field.name),
                    value=neutralize_mentions(field.value),
                    inline=field.inline,
                )
                for field in reply.fields
            ],
        }
    )
