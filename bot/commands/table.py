"""The command table's vocabulary: parameters, permissions and command specs.

Every command is one `CommandSpec`; adapters list them (to register Discord app
commands or Slack slash commands), `/help` renders them and the dispatcher runs
them. `CommandTable` refuses duplicate names or aliases when it is built.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands.invocation import Invocation
    from bot.replies import Reply


class Permission(StrEnum):
    EVERYONE = "everyone"
    #: Has joined (any status: paused and left members may still export or forget).
    MEMBER = "member"
    ADMIN = "admin"


class Kind(StrEnum):
    """How a parameter's text is read (see bot.commands.arguments)."""

    TEXT = "text"
    DURATION = "duration"
    TIME = "time"
    TIMEZONE = "timezone"
    DATE = "date"
    INTEGER = "integer"
    USER = "user"
    CHANNEL = "channel"
    CHOICE = "choice"


Suggest = Callable[[str], list[tuple[str, int]]]


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    help: str
    required: bool = True
    #: Takes the rest of the line (a note, a question); must come last.
    rest: bool = False
    #: Given as `--name VALUE` rather than by position.
    option: bool = False
    choices: tuple[str, ...] = ()
    #: Bounds of an INTEGER (week 1..path length, freezes 0..7), checked by the parser
    #: and shown by platforms that can (Discord's min_value/max_value).
    minimum: int | None = None
    maximum: int | None = None
    #: Suggestions for what is being typed: (label, value) pairs (Discord autocomplete).
    suggest: Suggest | None = field(default=None, compare=False)

    def usage(self) -> str:
        shown = "|".join(self.choices) if self.choices else self.name.upper()
        if self.rest:
            shown += "..."
        if self.option:
            shown = f"--{self.name} {shown}"
        return shown if self.required else f"[{shown}]"


Handler = Callable[["Invocation"], Awaitable["Reply"]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    help: str
    handler: Handler
    params: tuple[Param, ...] = ()
    permission: Permission = Permission.MEMBER
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    #: Longer explanation for /help COMMAND.
    details: str = ""
    #: False for commands that only read: on SQLite they run without taking the write
    #: lock, so a slow one (/ask waiting on an LLM) never holds up check-ins.
    writes: bool = True
    #: Answers the whole channel (the leaderboard), not just the caller: a platform that
    #: must acknowledge before the answer is ready says so in the same visibility.
    public: bool = False
    #: Usually takes seconds (search, an LLM, a file): acknowledged at once, answered after.
    slow: bool = False

    def usage(self) -> str:
        return " ".join([f"/{self.name}", *(param.usage() for param in self.params)])


class CommandTable:
    """Commands by name and alias; building it checks the table is well formed."""

    def __init__(self, specs: Iterable[CommandSpec]) -> None:
        self._specs = tuple(specs)
        self._by_name: dict[str, CommandSpec] = {}
        for spec in self._specs:
            for name in (spec.name, *spec.aliases):
                if name in self._by_name:
                    raise ValueError(f"command name {name!r} is defined twice")
                if not name or name != name.lower() or " " in name:
                    raise ValueError(f"command name {name!r} must be lowercase, without spaces")
                self._by_name[name] = spec
            _check_params(spec)

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def find(self, name: str) -> CommandSpec | None:
        return self._by_name.get(name.lower())

    def names(self) -> list[str]:
        return list(self._by_name)


def _check_params(spec: CommandSpec) -> None:
    seen: set[str] = set()
    positional = [param for param in spec.params if not param.option]
    for param in spec.params:
        if param.name in seen:
            raise ValueError(f"/{spec.name}: parameter {param.name!r} is defined twice")
        seen.add(param.name)
        if param.rest and param is not positional[-1]:
            raise ValueError(f"/{spec.name}: only the last positional parameter may take the rest")
        if param.kind is Kind.CHOICE and not param.choices:
            raise ValueError(f"/{spec.name}: choice parameter {param.name!r} has no choices")
