"""Platform-neutral replies: what every service returns and every adapter renders.

A `Reply` is plain data. The console prints it, the Discord adapter turns it into
an embed, the Slack adapter into blocks; none of them decide what it says.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

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


class ProgressCard(BaseModel):
    """The figures a progress card is drawn from (`bot.cards`), kept with the reply so
    an adapter draws it where it is shown and the outbox stores a few numbers, not a PNG."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["progress"] = "progress"
    name: str
    #: "day 22 of 112 (19% done)", "complete (100%)", "starts in 3 days (0%)".
    path: str
    percent: int = Field(ge=0, le=100)
    week: int | None
    total_weeks: int
    week_minutes: int
    #: The week's target range in minutes (the curriculum's, or the member's own goal).
    week_target: tuple[int, int]
    streak: int
    longest: int
    pace: str
    #: Minutes logged on each of the last 28 days, oldest first, ending `last_day`;
    #: -1 for a day with a check-in but no hours.
    recent: list[int] = Field(max_length=28)
    last_day: date


class BoardCardRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    rank: int
    name: str
    minutes: int
    streak: int


class LeaderboardCard(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["leaderboard"] = "leaderboard"
    title: str
    subtitle: str = ""
    rows: list[BoardCardRow] = Field(max_length=10)


Card = Annotated[ProgressCard | LeaderboardCard, Field(discriminator="kind")]


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
    #: A picture of the reply's figures, drawn by the adapter that shows it (`bot.cards`).
    card: Card | None = None

    @classmethod
    def error(cls, message: str, *hints: str, title: str = "Sorry") -> Reply:
        return cls(title=title, lines=[message, *hints], ok=False)

    def text(self) -> str:
        """The reply as plain text (console, notifications, fallbacks)."""
        parts = [self.title, *self.lines]
        parts.extend(f"{field.name}: {field.value}" for field in self.fields)
        return "\n".join(parts)
