"""Platform-neutral replies: what every service returns and every adapter renders.

A `Reply` is plain data. The console prints it, the Discord adapter turns it into
an embed, the Slack adapter into blocks; none of them decide what it says.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ReplyField(BaseModel):
    """A labelled value shown beside others ("Hours this week: 6.5 / 10–12 h")."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: str
    inline: bool = True


class Attachment(BaseModel):
    """A file handed to the caller: a data export or a CSV report."""

    model_config = ConfigDict(frozen=True)

    filename: str
    content_type: str
    content: str


class ActionStyle(StrEnum):
    """How prominent an action looks; platforms without a style fall back to their default."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"


class ReplyAction(BaseModel):
    """A one-tap answer offered with a reply: a button that sends `command` as the clicker.

    `command` is an ordinary command line ("/checkin done"), so a tap means exactly
    what typing it would, on every platform; the console shows it as a hint.
    """

    model_config = ConfigDict(frozen=True)

    label: str = Field(min_length=1, max_length=80)
    command: str = Field(min_length=2, max_length=90, pattern=r"^/\S")
    style: ActionStyle = ActionStyle.SECONDARY
    #: The workspace (platform id) the command is meant for, when the message may be
    #: seen outside it: a reminder DM on Discord, where a DM has no server of its own.
    workspace: str | None = Field(default=None, max_length=64)


class Reply(BaseModel):
    """What the bot says back.

    `ephemeral` means only the caller sees it (a Discord ephemeral response, a
    Slack ephemeral message); the console ignores it. `ok` is false for every
    refusal or error, so scripts and adapters can tell them apart.
    """

    model_config = ConfigDict(frozen=True)

    title: str
    lines: list[str] = Field(default_factory=list)
    fields: list[ReplyField] = Field(default_factory=list)
    ephemeral: bool = True
    ok: bool = True
    attachment: Attachment | None = None
    #: Buttons offered under the reply (Discord components, Slack Block Kit buttons).
    actions: list[ReplyAction] = Field(default_factory=list)
    #: Open a discussion thread under the posted message with this name, where the
    #: platform has threads to open (Discord; the daily post when a workspace opts in).
    thread: str | None = None

    @classmethod
    def error(cls, message: str, *hints: str, title: str = "Sorry") -> Reply:
        return cls(title=title, lines=[message, *hints], ok=False)

    def text(self) -> str:
        """The reply as plain text (console, notifications, fallbacks)."""
        parts = [self.title, *self.lines]
        parts.extend(f"{field.name}: {field.value}" for field in self.fields)
        return "\n".join(parts)
