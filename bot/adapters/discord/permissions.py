"""What the bot may do in a channel, computed the way Discord documents it.

Discord's developer docs ("Permissions" → "Permission Overwrites"): start from the
@everyone role's permissions OR'ed with every role the member has; ADMINISTRATOR (or
owning the server) grants everything; then apply the channel's overwrites in order:
the @everyone overwrite, all role overwrites together (deny, then allow), then the
member's own overwrite. Pure data in, an integer out: `pathbot doctor` feeds it the
REST answers (`GET /guilds/{id}`, `/guilds/{id}/members/{bot}`, `/channels/{id}`).
A running bot asks discord.py instead (`cannot_post`), which keeps the same from the
gateway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import discord

ADMINISTRATOR = 1 << 3
ALL = (1 << 53) - 1
#: What posting the daily plan and the leaderboard needs, with each one's name.
NEEDED_TO_POST = {
    1 << 10: "View Channel",
    1 << 11: "Send Messages",
    1 << 14: "Embed Links",
}


def channel_permissions(
    *,
    guild_id: str,
    owner_id: str,
    roles: Mapping[str, int],
    member_id: str,
    member_roles: Iterable[str],
    overwrites: Iterable[Mapping[str, Any]],
) -> int:
    """`roles` maps role id to its permissions (the @everyone role's id is the guild's)."""
    if member_id == owner_id:
        return ALL
    mine = set(member_roles)
    base = roles.get(guild_id, 0)
    for role in mine:
        base |= roles.get(role, 0)
    if base & ADMINISTRATOR:
        return ALL
    allowed = base
    listed = list(overwrites)
    for overwrite in listed:
        if str(overwrite["id"]) == guild_id:
            allowed = (allowed & ~int(overwrite["deny"])) | int(overwrite["allow"])
    deny = allow = 0
    for overwrite in listed:
        if int(overwrite["type"]) == 0 and str(overwrite["id"]) in mine:
            deny |= int(overwrite["deny"])
            allow |= int(overwrite["allow"])
    allowed = (allowed & ~deny) | allow
    for overwrite in listed:
        if int(overwrite["type"]) == 1 and str(overwrite["id"]) == member_id:
            allowed = (allowed & ~int(overwrite["deny"])) | int(overwrite["allow"])
    return allowed


#: In a thread, Send Messages in Threads stands in for Send Messages.
SEND_MESSAGES, SEND_IN_THREADS = 1 << 11, 1 << 38


def missing_to_post(permissions: int, *, thread: bool = False) -> list[str]:
    needed = dict(NEEDED_TO_POST)
    if thread:
        del needed[SEND_MESSAGES]
        needed[SEND_IN_THREADS] = "Send Messages in Threads"
    missing = [name for bit, name in needed.items() if not permissions & bit]
    if "Embed Links" in missing and {"Send Messages", "Send Messages in Threads"} & set(missing):
        # Without sending, Discord denies embeds implicitly (discord.py computes the
        # same): name the permission that fixes both.
        missing.remove("Embed Links")
    return missing


def cannot_post(guild: discord.Guild | None, channel_id: int) -> str | None:
    """Why the bot cannot post in the channel, from the gateway's view of the server
    (the guilds intent keeps every channel, role and overwrite, and the bot's member),
    or None when it can."""
    if guild is None:
        return None  # not in a server: nothing to post in
    channel = guild.get_channel_or_thread(channel_id)
    if channel is None or not isinstance(channel, discord.TextChannel | discord.Thread):
        return "I can't see that channel, or it is not a text channel"
    allowed = channel.permissions_for(guild.me).value
    missing = missing_to_post(allowed, thread=isinstance(channel, discord.Thread))
    if not missing:
        return None
    return f"I'm missing {', '.join(missing)} there"


def welcome_channel(guild: discord.Guild) -> int | None:
    """Where to greet a server: its system channel, else the first text channel (in the
    order the server lists them) the bot may post in."""
    candidates = [guild.system_channel] if guild.system_channel is not None else []
    candidates += sorted(guild.text_channels, key=lambda channel: channel.position)
    for channel in candidates:
        if channel is not None and cannot_post(guild, channel.id) is None:
            return channel.id
    return None
