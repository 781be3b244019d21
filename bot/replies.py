"""Platform-neutral replies: what every service returns and every adapter renders.

A `Reply` is plain data. The console prints it, the Discord adapter turns it into
an embed, the Slack adapter into blocks; none of them decide what it says.
"""

from __future__ import annotations

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

    @classmethod
    def error(cls, message: str, *hints: str, title: str = "Sorry") -> Reply:
        return cls(title=title, lines=[message, *hints], ok=False)

    def text(self) -> str:
        """The reply as plain text (console, notifications, fallbacks)."""
        parts = [self.title, *self.lines]
        parts.extend(f"{field.name}: {field.value}" for field in self.fields)
        return "\n".join(parts)
