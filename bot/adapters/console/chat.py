"""A chat with the bot in a terminal, or scripted one command per line.

Interactive when standard input is a terminal (prompt with readline history);
otherwise every line is a command and every reply is printed, as text or as one
JSON object per line (`--json`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.adapters.console.scheduled import DueCheck
from bot.caller import Caller
from bot.cards import card_filename, render_card
from bot.commands.dispatcher import Dispatcher, Outcome
from bot.replies import Reply

PROMPT = "you> "


def to_json(outcome: Outcome, card_file: Path | None = None) -> str:
    """The stable JSON line: the reply's fields plus `command` (None when unknown), and
    where its card was written (`card_file`)."""
    # `thread` is for the platform posting a scheduled message, not a chat answer.
    data = outcome.reply.model_dump(mode="json", exclude={"thread"})
    extra = {"card_file": str(card_file)} if card_file is not None else {}
    return json.dumps({"command": outcome.command, **data, **extra}, ensure_ascii=False)


def save_card(reply: Reply, directory: Path | None) -> Path | None:
    """The reply's card drawn into `directory` (replacing the last of its kind)."""
    if reply.card is None or directory is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / card_filename(reply.card)
    path.write_bytes(render_card(reply.card))
    return path


def to_text(reply: Reply, card_file: Path | None = None) -> str:
    parts = [reply.title, *reply.lines]
    for field in reply.fields:
        # A value of several lines (the examples in /help COMMAND) goes under its name.
        if "\n" in field.value:
            parts.append(f"{field.name}:")
            parts.extend(f"  {line}" for line in field.value.splitlines())
        else:
            parts.append(f"{field.name}: {field.value}")
    text = "\n".join(parts)
    if not reply.ok:
        text = "✗ " + text
    # No buttons in a terminal: each action becomes the line to type for it.
    for action in reply.actions:
        text += f"\n→ reply {action.command}  ({action.label})"
    if reply.attachment is not None:
        attachment = reply.attachment
        text += f"\n--- {attachment.filename} ({attachment.content_type}) ---\n"
        text += attachment.content.rstrip("\n") + "\n--- end ---"
    if card_file is not None:
        text += f"\nCard: {card_file}"
    return text


def is_command(line: str) -> bool:
    """Blank lines and `#` comments in scripts are skipped."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


async def run_lines(
    dispatcher: Dispatcher,
    caller: Caller,
    lines: Iterable[str],
    out: TextIO,
    as_json: bool,
    cards: Path | None = None,
) -> int:
    """Answer each command line; returns how many replies were refusals. A reply's card
    is drawn into `cards` (a PNG), and its path printed."""
    refused = 0
    for line in lines:
        if not is_command(line):
            continue
        outcome = await dispatcher.dispatch(caller, line)
        refused += not outcome.reply.ok
        card = save_card(outcome.reply, cards)
        shown = to_json(outcome, card) if as_json else to_text(outcome.reply, card)
        out.write(shown + "\n")
        if not as_json:
            out.write("\n")
        out.flush()
    return refused


def _prompted_lines() -> Iterable[str]:
    # Importing readline gives input() line editing and history (absent on Windows).
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401
    while True:
        try:
            line = input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line.strip() in {"/quit", "/exit", "quit", "exit"}:
            return
        yield line


async def announce(due: DueCheck, out: TextIO, *, prompt_again: bool = False) -> int:
    """Print what the scheduler says is due now; returns how many messages."""
    texts = await due()
    for text in texts:
        out.write(f"\n{text}\n")
    if texts and prompt_again:
        out.write(f"\n{PROMPT}")
    out.flush()
    return len(texts)


async def _announce_every_minute(due: DueCheck) -> None:
    # Only the interactive chat waits for a person, so only it sleeps for real.
    while True:
        await asyncio.sleep(60)
        await announce(due, sys.stdout, prompt_again=True)


async def interactive(
    dispatcher: Dispatcher,
    caller: Caller,
    as_json: bool,
    due: DueCheck | None = None,
    cards: Path | None = None,
) -> int:
    print(f"pathbot console chat as {caller.display_name} in {caller.workspace_id}.")
    print("Type /help for the commands, /quit (or Ctrl-D) to leave.")
    refused = 0
    ticker = None
    if due is not None:
        await announce(due, sys.stdout)
        ticker = asyncio.create_task(_announce_every_minute(due))
    # input() blocks, so read in a thread and keep the event loop free.
    lines = iter(_prompted_lines())
    try:
        while True:
            line = await asyncio.to_thread(next, lines, None)
            if line is None:
                return refused
            refused += await run_lines(dispatcher, caller, [line], sys.stdout, as_json, cards)
            if due is not None:
                await announce(due, sys.stdout)
    finally:
        if ticker is not None:
            ticker.cancel()


async def chat(
    dispatcher: Dispatcher,
    caller: Caller,
    as_json: bool,
    due: DueCheck | None = None,
    cards: Path | None = None,
) -> int:
    """Interactive on a terminal (with scheduled messages shown as they fire); else scripted.

    A scripted chat prints only replies, so its output stays one reply per command.
    """
    if sys.stdin.isatty():
        return await interactive(dispatcher, caller, as_json, due, cards)
    return await run_lines(dispatcher, caller, sys.stdin, sys.stdout, as_json, cards)
