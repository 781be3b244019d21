"""The single entry point of every adapter: a caller and a line in, a Reply out.

Each command runs in one transaction; any refusal (`ok` false) rolls it back, so
bad input never changes the database. Every reply leaves with its mentions
neutralized: refusals quote what was typed, and one forgotten call in a service
must not be able to ping a channel.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.caller import Caller, Platform
from bot.commands import help as help_text
from bot.commands.arguments import parse_args
from bot.commands.catalog import build_table
from bot.commands.invocation import Invocation
from bot.commands.parsing import ParseError, tokenize
from bot.commands.table import CommandSpec, CommandTable, Permission
from bot.replies import Reply, ReplyField
from bot.services import replays
from bot.services.context import Core, UserError
from bot.services.members import find_member
from bot.services.notices import with_notices
from bot.services.onboarding import ChannelAccess, welcome
from bot.services.workspaces import ensure_workspace, is_admin, workspace_back, workspace_gone
from bot.storage.atomic import is_transient, is_unreachable, lock_member
from bot.storage.engine import SQLITE_IMMEDIATE
from bot.text import control_characters, neutralize_mentions

log = logging.getLogger(__name__)

MAX_LINE = 4000
#: Tries per command when it loses a race (a unique key, a lock, a deadlock).
ATTEMPTS = 4
_BROKEN = "Something went wrong on my side; it has been logged"
DATABASE_DOWN = "I can't reach my database right now: please try again in a minute"


@dataclass(frozen=True)
class Outcome:
    """A reply and the command it answered (None when the command was unknown)."""

    command: str | None
    reply: Reply
    #: "error" when something broke on our side (the reply apologises), else "" (see `result`).
    failure: str = ""

    @property
    def result(self) -> str:
        """ok, refused (the caller's input or permission) or error (ours)."""
        return self.failure or ("ok" if self.reply.ok else "refused")


class _Refused(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.title)
        self.reply = reply


class Dispatcher:
    def __init__(self, core: Core, table: CommandTable | None = None) -> None:
        self.core = core
        self.table = table or build_table(core.curriculum)
        #: Set by an adapter that can tell whether the bot may post in a channel (/setup).
        self.channel_access: ChannelAccess | None = None

    async def workspace_gone(self, platform: Platform, external_id: str, reason: str) -> None:
        """The platform says the bot was removed there: queue nothing more for it."""
        async with self.core.sessions() as db, db.begin():
            await workspace_gone(db, platform, external_id, reason, self.core.clock.now())

    async def workspace_joined(self, platform: Platform, external_id: str) -> Reply:
        """The bot was added to a workspace: make it active if it was known, and say hello."""
        async with self.core.sessions() as db, db.begin():
            await workspace_back(db, platform, external_id)
        return welcome()

    async def first_time(self, key: str) -> bool:
        """False when a platform delivers a request it already delivered (a retry)."""
        async with self.core.sessions() as db, db.begin():
            return await replays.first_time(db, key, self.core.clock.now())

    def commands(self) -> list[CommandSpec]:
        """Every command, for adapters registering slash commands and for /help."""
        return list(self.table)

    async def handle(self, caller: Caller, line: str) -> Reply:
        return (await self.dispatch(caller, line)).reply

    async def dispatch(self, caller: Caller, line: str) -> Outcome:
        began = time.perf_counter()
        outcome = await self._dispatch(caller, line)
        self._observe(caller, outcome, time.perf_counter() - began)
        return Outcome(outcome.command, without_pings(outcome.reply), outcome.failure)

    def _observe(self, caller: Caller, outcome: Outcome, seconds: float) -> None:
        """One log line and the metrics per command: never its text (notes are private)."""
        name = outcome.command or "unknown"
        metrics = self.core.metrics
        metrics.commands.labels(name, outcome.result).inc()
        metrics.command_seconds.labels(name).observe(seconds)
        fields = {
            "workspace": f"{caller.platform.value}:{caller.workspace_id}",
            "platform": caller.platform.value,
            "command": name,
            "outcome": outcome.result,
            "ms": round(seconds * 1000, 1),
            # Ties this line to any warning the same command logged.
            "cid": secrets.token_hex(4),
        }
        log.info(
            "/%s in %s: %s in %.0f ms",
            name,
            fields["workspace"],
            outcome.result,
            seconds * 1000,
            extra={"fields": fields},
        )

    async def _dispatch(self, caller: Caller, line: str) -> Outcome:
        text = line.strip()
        if not text:
            return Outcome(None, Reply.error("Say something: try /help", title="Empty"))
        if len(text) > MAX_LINE:
            return Outcome(None, Reply.error(f"That's too long (over {MAX_LINE:,} characters)"))
        if control_characters(text, allowed="\t\n\r"):
            # NUL would crash PostgreSQL where SQLite stores it: refuse it alike on both.
            return Outcome(
                None,
                Reply.error(
                    "Your message has control characters (like NUL) that I can't read",
                    "Type it again without them.",
                ),
            )
        head, *tail = text.split(None, 1)
        rest = tail[0] if tail else ""
        name = head.removeprefix("/").lower()
        spec = self.table.find(name)
        if spec is None:
            return Outcome(None, help_text.unknown(self.table, name))
        try:
            words = tokenize(rest)
            reply = await self._transaction(spec, caller, words, rest)
        except _Refused as refused:
            reply = refused.reply
        except UserError as error:
            reply = Reply.error(error.message, *error.hints)
        except ParseError as error:
            reply = Reply.error(str(error), f"Usage: {spec.usage()}")
        except DBAPIError as error:
            if is_unreachable(error):
                return self._database_down(spec)
            if not is_transient(error):
                log.exception("/%s failed", spec.name)
                return Outcome(spec.name, Reply.error(_BROKEN), "error")
            log.warning("conflict running /%s, %d attempts", spec.name, ATTEMPTS, exc_info=True)
            reply = Reply.error("Something changed at the same moment: please try again")
            return Outcome(spec.name, reply, "error")
        except Exception as error:
            if is_unreachable(error):
                return self._database_down(spec)
            # A bug must not reach the member as a traceback; it goes to the log.
            log.exception("/%s failed", spec.name)
            return Outcome(spec.name, Reply.error(_BROKEN), "error")
        return Outcome(spec.name, reply)

    def _database_down(self, spec: CommandSpec) -> Outcome:
        # Not a bug: one line for the member, one warning (no traceback) for the organiser.
        log.warning("/%s: the database cannot be reached", spec.name)
        return Outcome(spec.name, Reply.error(DATABASE_DOWN), "error")

    async def _transaction(
        self, spec: CommandSpec, caller: Caller, words: list[str], typed: str
    ) -> Reply:
        """Run the command in one transaction, again if it lost a race with another.

        A rerun is safe: the losing transaction rolled back whole, and nothing but the
        database has been touched before the reply leaves.
        """
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self.core.sessions() as db, db.begin():
                    await db.connection(execution_options={SQLITE_IMMEDIATE: spec.writes})
                    reply = await self._run(db, spec, caller, words, typed)
                    if not reply.ok:
                        raise _Refused(reply)
                    return reply
            except DBAPIError as error:
                if attempt == ATTEMPTS or not is_transient(error):
                    raise
                log.info("/%s conflicted with another command; attempt %d", spec.name, attempt)
                await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _run(
        self, db: AsyncSession, spec: CommandSpec, caller: Caller, words: list[str], typed: str
    ) -> Reply:
        workspace = await ensure_workspace(db, self.core, caller)
        if spec.writes:
            await lock_member(db, workspace.id, caller.user_id)
        member = await find_member(db, workspace, caller.user_id)
        if spec.permission is Permission.MEMBER and member is None:
            raise UserError("You haven't joined yet", "Start with /join (see /help join).")
        if spec.permission is Permission.ADMIN and not is_admin(workspace, caller):
            raise UserError(f"/{spec.name} is for workspace admins only")
        zone = member.timezone if member is not None else workspace.timezone
        args = parse_args(spec, words, self.core.local_today(zone), typed)
        if not workspace.active:
            # Someone typed a command there, so the bot is back in that workspace.
            workspace.active = True
            log.info("%s:%s is active again", workspace.platform, workspace.external_id)
        invocation = Invocation(
            db, self.core, caller, workspace, member, args, channel_access=self.channel_access
        )
        reply = await spec.handler(invocation)
        if not reply.ok:
            return reply
        admin_command = spec.permission is Permission.ADMIN
        return await with_notices(db, reply, workspace, member, admin_command=admin_command)


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
