"""Logging, configured once per long-running command from the settings.

Text on a terminal, JSON lines otherwise (PATHBOT_LOG_FORMAT overrides). Every
line is scrubbed on its way out, whatever wrote it (our code, aiohttp, discord.py,
slack-sdk, the openai client, a traceback): the settings' secrets, tokens of the
shapes Discord, Slack and OpenAI use, and the secret parts of webhook and
response URLs become `[redacted]`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from bot.config import Settings

REDACTED = "[redacted]"

# Token shapes worth hiding even when they are not this deployment's own.
_PATTERNS = [
    re.compile(r"xox[abeprs]-[A-Za-z0-9-]{8,}"),  # Slack bot/user/refresh tokens
    re.compile(r"xapp-[A-Za-z0-9-]{8,}"),  # Slack app-level tokens
    re.compile(r"sk-[A-Za-z0-9_-]{16,}"),  # OpenAI-style API keys
    # A Discord bot token: base64 user id . timestamp . HMAC.
    re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"),
    # Authorization headers as a client library might print them.
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bot|bearer|basic)?\s*[^\s'\",}]+"),
    # The secret tail of Slack response/webhook URLs and Discord webhook/interaction URLs.
    re.compile(r"(hooks\.slack(?:-gov)?\.com/)[^\s'\"<>]+"),
    re.compile(r"(/(?:webhooks|interactions)/\d+/)[^\s'\"<>/?]+"),
    # A password in a database URL.
    re.compile(r"(://[^:/@\s]+:)[^@/\s]+(@)"),
]


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(_keep_prefix, text)
    return text


def _keep_prefix(match: re.Match[str]) -> str:
    groups = [group for group in match.groups() if group is not None]
    if not groups:
        return REDACTED
    # Keep what names the thing (a header's name, a URL's host), hide the value.
    head = groups[0] if groups[0].lower() not in {"bot", "bearer", "basic"} else ""
    tail = groups[-1] if len(groups) > 1 and groups[-1] == "@" else ""
    return f"{head}{REDACTED}{tail}"


class _Scrubbing(logging.Formatter):
    def __init__(self, secrets: list[str], fmt: str | None = None) -> None:
        super().__init__(fmt)
        # Longest first, so a secret that contains another is hidden whole.
        self._secrets = sorted(set(secrets), key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return scrub(self.render(record), self._secrets)

    def render(self, record: logging.LogRecord) -> str:
        return super().format(record)


class TextFormatter(_Scrubbing):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__(secrets, "%(asctime)s %(levelname)-7s %(name)s: %(message)s")


class JsonFormatter(_Scrubbing):
    """One JSON object per line: time, level, logger, message, the record's fields."""

    def render(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            # The record's own creation time, not a clock read: logging stamps it.
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record arrives (a test runner swaps it)."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure_logging(
    level: str, log_format: str, secrets: list[str], stream: IO[str] | None = None
) -> logging.Handler:
    """Send every logger's records to `stream` (stderr), scrubbed; returns the handler."""
    if log_format == "auto":
        log_format = "text" if (stream or sys.stderr).isatty() else "json"
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _CurrentStderr()
    )
    handler.setFormatter(JsonFormatter(secrets) if log_format == "json" else TextFormatter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "pathbot", False):
            root.removeHandler(old)
    handler.pathbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that narrate every request at INFO stay at WARNING unless asked for DEBUG.
    for noisy in ("discord", "aiohttp.access", "apscheduler", "httpx", "chromadb", "alembic"):
        logging.getLogger(noisy).setLevel(level if level == "DEBUG" else "WARNING")
    return handler


def configure_from(
    settings: Settings, stream: IO[str] | None = None, *, quiet_by_default: bool = False
) -> logging.Handler:
    """`configure_logging` from `Settings` (level, format, and every secret they hold).

    `quiet_by_default` (the interactive console chat) logs warnings only unless
    PATHBOT_LOG_LEVEL was set: a line per command would drown the conversation.
    """
    level = settings.log_level
    if quiet_by_default and "log_level" not in settings.model_fields_set:
        level = "WARNING"
    return configure_logging(level, settings.log_format, settings.secrets(), stream)
