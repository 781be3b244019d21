"""From a command's words to typed arguments, with the shared forgiving parsers.

Positional parameters are filled in order; an optional one whose reader rejects
the word is skipped, so `/join Europe/Berlin 08:00` works without a start date.
Options come as `--name VALUE` or `--name=VALUE` anywhere on the line.
A duration typed over several words (`2 hours`, `1 hour 30 minutes`) is read as
one when the typed line is given: only words written side by side, unquoted, are
joined, so a slash command's separately quoted note never loses its first word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.commands.invocation import Args
from bot.commands.parsing import (
    TIME_UNIT_WORDS,
    ParseError,
    ascii_digits,
    parse_date,
    parse_duration,
    parse_time_of_day,
)
from bot.commands.table import CommandSpec, Kind, Param
from bot.commands.timezones import parse_timezone

# Discord <#123>, Slack <#C123> or <#C123|name>: what picking a channel sends.
_CHANNEL_MENTION = re.compile(r"<#([A-Za-z0-9]+)(?:\|[^>]*)?>")
# A platform's channel id (Discord digits, Slack C0123456): never a channel's name,
# which both platforms keep lower case.
_CHANNEL_ID = re.compile(r"(?=[A-Z]*\d)[A-Z0-9]{2,32}")
# Discord <@123>/<@!123>, Slack <@U123> or <@U123|name>.
_USER_MENTION = re.compile(r"<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>")
_LOGGABLE_UNITS = frozenset(
    ["h", "hr", "hrs", "hour", "hours", "m", "min", "mins", "minute", "minutes"]
)
#: "1 hour and 30 minutes" is the longest duration people write out.
MAX_DURATION_WORDS = 5
_USER_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
#: Broadcast words, which a mention of a user can never be.
_NOT_USERS = frozenset({"everyone", "here", "channel"})
# Which kind a word most looks like, to pick the error worth showing.
_LOOKS_LIKE: dict[Kind, re.Pattern[str]] = {
    Kind.DATE: re.compile(r"\d{4}-|today|yesterday", re.IGNORECASE),
    Kind.TIME: re.compile(r"\d{1,2}(:\d\d)?\s*([ap]\.?m\.?)?$|noon|midnight", re.IGNORECASE),
    Kind.TIMEZONE: re.compile(r"[A-Za-z_]+(/[A-Za-z_+-]+)*$"),
    Kind.DURATION: re.compile(r"[\d.:]"),
    Kind.INTEGER: re.compile(r"[\d-]"),
}


def convert(param: Param, word: str, today: date) -> object:
    readers: dict[Kind, Callable[[str], object]] = {
        Kind.TEXT: lambda text: text,
        Kind.DURATION: parse_duration,
        Kind.TIME: parse_time_of_day,
        Kind.TIMEZONE: lambda text: parse_timezone(text).key,
        Kind.DATE: lambda text: parse_date(text, today),
        Kind.INTEGER: lambda text: _integer(text, param),
        Kind.USER: _user,
        Kind.CHANNEL: _channel,
        Kind.CHOICE: lambda text: _choice(param, text),
    }
    return readers[param.kind](word)


def parse_args(spec: CommandSpec, words: list[str], today: date, typed: str | None = None) -> Args:
    """Typed arguments; `typed` is the raw text the words came from, when there is one."""
    values: dict[str, object] = {}
    options = {param.name: param for param in spec.params if param.option}
    positional_words: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not word.startswith("--") or word == "--":
            positional_words.append(word)
            continue
        name, has_value, value = word[2:].partition("=")
        param = options.get(name.lower())
        if param is None:
            known = ", ".join(f"--{o}" for o in options) or "none"
            raise ParseError(f"/{spec.name} has no option --{name} (options: {known})")
        if param.name in values:
            # "Last one wins" would silently drop what was typed first.
            raise ParseError(f"--{param.name} is given twice: give it once")
        if not has_value:
            if index >= len(words):
                raise ParseError(f"--{name} needs a value: {param.usage()}")
            value = words[index]
            index += 1
        values[param.name] = convert(param, value, today)
    _fill_positionals(spec, positional_words, today, values, typed)
    return Args(values)


def _fill_positionals(
    spec: CommandSpec,
    words: list[str],
    today: date,
    values: dict[str, object],
    typed: str | None,
) -> None:
    params = [param for param in spec.params if not param.option]
    position = 0
    for param in params:
        if position >= len(words):
            if param.required:
                raise ParseError(f"/{spec.name} needs {param.name.upper()}: {spec.usage()}")
            continue
        if param.rest:
            values[param.name] = convert(param, " ".join(words[position:]), today)
            position = len(words)
            continue
        taken = 1
        if param.kind is Kind.DURATION and typed is not None:
            taken = _duration_words(words, position, typed)
            _refuse_half_a_duration(words, position, taken, typed)
        try:
            values[param.name] = convert(param, " ".join(words[position : position + taken]), today)
        except ParseError:
            later = params[params.index(param) + 1 :]
            # Skipping only helps when a later typed parameter may read the word;
            # free text would swallow anything, hiding the mistake.
            typed_later = any(other.kind is not Kind.TEXT for other in later)
            if param.required or not typed_later or _best_error_is(param, words[position], params):
                raise
            continue
        position += taken
    if position < len(words):
        raise ParseError(f"I didn't expect {words[position]!r} here: {spec.usage()}")


def _duration_words(words: list[str], position: int, typed: str) -> int:
    """How many words from `position` make the duration: `2 hours` is two, `1h30` one.

    The longest run (up to MAX_DURATION_WORDS) that was typed side by side, reads
    as a duration and ends in a word with a letter wins, so in `/log 1h 30 pages`
    the note keeps "30 pages".
    """
    for count in range(min(MAX_DURATION_WORDS, len(words) - position), 1, -1):
        run = words[position : position + count]
        if not any(char.isalpha() for char in run[-1]):
            continue
        if not _side_by_side(run, typed):
            continue  # quoted apart ('"2" "hours"'): separate values, as sent
        try:
            parse_duration(" ".join(run))
        except ParseError:
            continue
        return count
    return 1


def _side_by_side(run: list[str], typed: str) -> bool:
    """Were these words typed next to each other, unquoted?"""
    return re.search(r"\s+".join(map(re.escape, run)), typed) is not None


def _refuse_half_a_duration(words: list[str], position: int, taken: int, typed: str) -> None:
    """Never store part of a duration: `2 hours 99 minutes` is not 2 h and a note.

    If a time unit follows the words read as the duration, the person meant a longer
    duration that does not parse; say what is wrong with it instead of logging less.
    """
    following = words[position + taken : position + taken + 2]
    # "1 fortnight", "2 days": a unit at once; "2 hours 99 minutes": a number, then a unit.
    # Anything else ("1h30 studied day 3") is the note.
    if following and _is_unit(following[0]):
        count = 1
    elif len(following) == 2 and following[0].isdecimal() and _is_unit(following[1]):
        count = 2
    else:
        return
    run = words[position : position + taken + count]
    if not _side_by_side(run, typed):
        return  # a separately sent note that starts with "hours of…"
    meant = " ".join(run)
    if _is_unit(following[count - 1], _LOGGABLE_UNITS):
        parse_duration(meant)  # raises the precise error ("minutes go up to 59", …)
    raise ParseError(
        f"I log hours and minutes, not “{meant}” — try 1.5, 90m, 1h30, 1:30 or 2 hours"
    )


def _is_unit(word: str, units: frozenset[str] = TIME_UNIT_WORDS) -> bool:
    return word.strip(".,;:!?").lower() in units


def _best_error_is(param: Param, word: str, params: list[Param]) -> bool:
    """Should this optional parameter's error be shown rather than skipping it?

    Yes when the word looks like this kind and like no later parameter's kind, so
    `/join 25:00` says what is wrong with the time instead of "unexpected".
    """
    pattern = _LOOKS_LIKE.get(param.kind)
    if pattern is None or not pattern.match(word):
        return False
    later = params[params.index(param) + 1 :]
    if any(other.kind is Kind.CHOICE and word.lower() in other.choices for other in later):
        return False  # `/join own`: a later parameter's very word, not a bad zone
    return not any(
        (p := _LOOKS_LIKE.get(other.kind)) is not None and p.match(word) for other in later
    )


def _integer(text: str, param: Param) -> int:
    try:
        number = int(ascii_digits(text).strip())
    except ValueError:
        raise ParseError(f"{text!r} isn't a whole number") from None
    low, high = param.minimum, param.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = (
            f"{low} to {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        raise ParseError(f"{param.name} must be {bounds}, not {number}")
    return number


def _user(text: str) -> str:
    cleaned = text.strip()
    match = _USER_MENTION.fullmatch(cleaned)
    if match:
        return match.group(1)
    cleaned = cleaned.removeprefix("@")
    if cleaned.lower() in _NOT_USERS or cleaned.startswith(("<@&", "<!", "<#")):
        raise ParseError(f"{text!r} isn't one person: mention a member or give their user id")
    if not _USER_ID.fullmatch(cleaned):
        raise ParseError(f"{text!r} isn't a user: mention them or give their user id")
    return cleaned


def _channel(text: str) -> str:
    """A channel's id: picked (`<#123>`) or given as an id, never a name that may not
    exist (the daily post would fail at delivery, long after this command said yes)."""
    cleaned = text.strip()
    match = _CHANNEL_MENTION.fullmatch(cleaned)
    if match:
        return match.group(1)
    if _CHANNEL_ID.fullmatch(cleaned):
        return cleaned
    raise ParseError(
        f"I can't tell which channel {text!r} is: type # and pick it from the list "
        "(or run the command in that channel and leave the channel out)"
    )


def _choice(param: Param, text: str) -> str:
    cleaned = text.strip().lower()
    if cleaned not in param.choices:
        raise ParseError(f"{param.name} must be one of {', '.join(param.choices)}, not {text!r}")
    return cleaned
