"""`pathbot doctor`'s checks of the outside world: tokens, channels, the LLM, the index.

Each talks to the configured base URL (Discord, Slack, the OpenAI-compatible
endpoint), so tests point them at fakes on 127.0.0.1. None raises: a failure is a
`Check` that says what is wrong and what to do.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.config import Settings
from bot.errors import reason
from bot.ops.doctor import Check, Status
from bot.scheduling.http_sender import USER_AGENT
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import Workspace

TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class ChannelSetting:
    workspace: str
    which: str
    channel: str


async def channel_settings(url: str) -> dict[str, list[ChannelSetting]]:
    """Every daily and leaderboard channel set in an active workspace, by platform."""
    found: dict[str, list[ChannelSetting]] = {}
    engine = make_engine(url)
    try:
        async with make_sessions(engine)() as db:
            rows = await db.execute(
                select(
                    Workspace.platform,
                    Workspace.external_id,
                    Workspace.daily_channel,
                    Workspace.leaderboard_channel,
                ).where(Workspace.active.is_(True))
            )
            for platform, external_id, daily, board in rows.all():
                for which, channel in (("daily", daily), ("leaderboard", board)):
                    if channel:
                        setting = ChannelSetting(external_id, which, channel)
                        found.setdefault(platform, []).append(setting)
    except Exception:  # the database check reports why; here there is just nothing to list
        return {}
    finally:
        await engine.dispose()
    return found


async def discord_checks(settings: Settings, channels: list[ChannelSetting]) -> list[Check]:
    from bot.adapters.discord.invite import bot_permissions, invite_url

    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value().strip()
    base = settings.discord_api_url.rstrip("/")
    headers = {
        "Authorization": f"Bot {token}",
        "User-Agent": USER_AGENT,
    }
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    try:
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as http:
            async with http.get(f"{base}/users/@me") as response:
                if response.status == 401:
                    return [
                        Check(
                            "discord token",
                            Status.FAIL,
                            "Discord refused DISCORD_TOKEN: reset it under Bot in the Developer "
                            "Portal and copy it again",
                        )
                    ]
                response.raise_for_status()
                me: dict[str, Any] = await response.json()
            async with http.get(f"{base}/oauth2/applications/@me") as response:
                application = await response.json() if response.status == 200 else {}
            checks = [Check("discord token", Status.OK, f"accepted: the bot is {me['username']}")]
            app_id = str(application.get("id") or me["id"])
            checks.append(
                Check(
                    "discord invite",
                    Status.OK,
                    f"{invite_url(app_id)} (permissions {bot_permissions().value}: "
                    + ", ".join(name.replace("_", " ") for name, on in bot_permissions() if on)
                    + ")",
                )
            )
            for setting in channels:
                checks.append(await _discord_channel(http, base, setting, str(me["id"])))
            return checks
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return [Check("discord token", Status.FAIL, f"can't reach Discord: {reason(error)}")]


async def _discord_channel(
    http: aiohttp.ClientSession, base: str, setting: ChannelSetting, bot_id: str
) -> Check:
    name = f"discord {setting.which} channel ({setting.workspace})"
    async with http.get(f"{base}/channels/{setting.channel}") as response:
        if response.status == 200:
            channel = await response.json()
            return await _discord_writable(http, base, name, channel, bot_id)
        body = await response.json(content_type=None)
    code = body.get("code") if isinstance(body, dict) else None
    return Check(
        name,
        Status.FAIL,
        f"{setting.channel} does not resolve for the bot (Discord {response.status}, code "
        f"{code}): run /set-channel {setting.which} in a channel the bot can see",
    )


async def _discord_writable(
    http: aiohttp.ClientSession, base: str, name: str, channel: dict[str, Any], bot_id: str
) -> Check:
    from bot.adapters.discord.permissions import channel_permissions, missing_to_post

    title = f"#{channel.get('name', channel['id'])}"
    guild_id = str(channel.get("guild_id") or "")
    async with http.get(f"{base}/guilds/{guild_id}") as response:
        guild = await response.json() if response.status == 200 else None
    async with http.get(f"{base}/guilds/{guild_id}/members/{bot_id}") as response:
        member = await response.json() if response.status == 200 else None
    if guild is None or member is None:
        return Check(name, Status.FAIL, f"{title} resolves, but the bot is not in its server")
    allowed = channel_permissions(
        guild_id=guild_id,
        owner_id=str(guild.get("owner_id")),
        roles={str(r["id"]): int(r["permissions"]) for r in guild.get("roles", [])},
        member_id=bot_id,
        member_roles=[str(r) for r in member.get("roles", [])],
        overwrites=channel.get("permission_overwrites", []),
    )
    missing = missing_to_post(allowed)
    if missing:
        return Check(
            name,
            Status.FAIL,
            f"the bot lacks {', '.join(missing)} in {title}: grant them to its role there",
        )
    return Check(name, Status.OK, f"{title}: the bot can view, send and embed")


async def llm_check(settings: Settings) -> Check:
    from openai import AsyncOpenAI, OpenAIError

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "none"
    client = AsyncOpenAI(base_url=settings.openai_base_url, api_key=key, timeout=TIMEOUT_S)
    try:
        models = await client.models.list()
    except (OpenAIError, OSError, TimeoutError) as error:
        # /ask still answers without it (extractive), so this is a warning, not a block.
        return Check("llm", Status.WARN, f"no answer from OPENAI_BASE_URL: {reason(error)}")
    finally:
        await client.close()
    names = {model.id for model in models.data}
    if settings.llm_model not in names:
        return Check(
            "llm",
            Status.WARN,
            f"the endpoint answers, but lists no model {settings.llm_model!r} "
            f"({', '.join(sorted(names)[:5]) or 'none'})",
        )
    return Check("llm", Status.OK, f"{settings.llm_model} answers at {settings.openai_base_url}")


async def index_check(settings: Settings) -> Check:
    try:
        from bot.rag.service import AskService
    except ImportError:
        return Check("ask index", Status.WARN, "the rag extra is not installed: /ask is off")
    try:
        status = await asyncio.wait_for(AskService.from_settings(settings).status(), TIMEOUT_S)
    except Exception as error:
        return Check("ask index", Status.WARN, f"can't read it: {reason(error)}")
    if status.documents and status.up_to_date:
        return Check("ask index", Status.OK, f"built, {status.documents} documents")
    return Check(
        "ask index",
        Status.WARN,
        "not built (or the curriculum changed): `pathbot run` builds it at start (~15 s), "
        "or run `pathbot index build` now",
    )
