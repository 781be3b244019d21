"""INTERACTION_CREATE payloads as Discord's gateway sends them, for feeding discord.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from tests.fakes.discord_api import APPLICATION_ID, BOT_USER_ID, TIMESTAMP, user_payload

GUILD_ID = "800000000000000001"
CHANNEL_ID = "800000000000000002"
MEMBER_ID = "800000000000000003"


def option(name: str, value: object) -> dict[str, Any]:
    kind = 4 if isinstance(value, int) else 3
    return {"name": name, "type": kind, "value": value}


def channel_option(
    name: str, channel_id: str, channel_name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A picked channel: the option (its id) and the `resolved` entry Discord sends with it."""
    picked = {
        "id": channel_id,
        "name": channel_name,
        "type": 0,
        "permissions": "0",  # the *invoking member's* permissions there, not the bot's
        "parent_id": None,
    }
    return {"name": name, "type": 7, "value": channel_id}, {"channels": {channel_id: picked}}


def interaction(
    name: str,
    *options: dict[str, Any],
    permissions: int = 0,
    in_guild: bool = True,
    resolved: dict[str, Any] | None = None,
    age_s: float = 0.0,
) -> dict[str, Any]:
    """A slash command's INTERACTION_CREATE; its id, as Discord's do, encodes when it
    was created (`age_s` seconds ago), which the 3 s answer deadline counts from."""
    user = user_payload(MEMBER_ID, "ada")
    created = datetime.now(UTC) - timedelta(seconds=age_s)
    snowflake = str(discord.utils.time_snowflake(created))
    payload: dict[str, Any] = {
        "id": snowflake,
        "application_id": APPLICATION_ID,
        "type": 2,
        # Its own token, ending in its id so the fake can tell how old a follow-up is.
        "token": f"interaction-token-{snowflake}",
        "version": 1,
        "locale": "en-US",
        "app_permissions": "0",
        "attachment_size_limit": 8 * 1024 * 1024,
        "entitlements": [],
        "authorizing_integration_owners": {},
        "context": 0 if in_guild else 1,
        "channel_id": CHANNEL_ID,
        "data": {
            "id": "820000000000000001",
            "name": name,
            "type": 1,
            "options": list(options),
            **({"resolved": resolved} if resolved else {}),
        },
    }
    if in_guild:
        payload["guild_id"] = GUILD_ID
        payload["channel"] = {
            "id": CHANNEL_ID,
            "type": 0,
            "guild_id": GUILD_ID,
            "name": "study-hall",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "flags": 0,
        }
        payload["member"] = {
            "user": user,
            "nick": "Ada L.",
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        }
    else:
        payload["user"] = user
        payload["channel"] = {"id": CHANNEL_ID, "type": 1, "recipients": [user], "flags": 0}
    return payload


def component_interaction(
    custom_id: str, *, in_guild: bool = True, user_id: str = MEMBER_ID
) -> dict[str, Any]:
    """A click on a button with `custom_id` under one of the bot's messages."""
    payload = interaction("unused", in_guild=in_guild)
    user = user_payload(user_id, "ada")
    if in_guild:
        payload["member"]["user"] = user
    else:
        payload["user"] = user
    payload["id"] = str(int(payload["id"]) + 1)  # its own id, made just now
    payload["type"] = 3  # MESSAGE_COMPONENT
    payload["data"] = {"custom_id": custom_id, "component_type": 2}
    button = {"type": 2, "style": 3, "label": "Done", "custom_id": custom_id}
    payload["message"] = {
        "id": "830000000000000001",
        "channel_id": CHANNEL_ID,
        "type": 0,
        "author": user_payload(BOT_USER_ID, "pathbot", bot=True),
        "content": "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [{"title": "Your plan for today", "type": "rich"}],
        "components": [{"type": 1, "components": [button]}],
        "pinned": False,
        "flags": 0,
    }
    return payload
