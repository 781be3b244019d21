"""`pathbot doctor` on Slack: the token (or, installed into many workspaces, each
workspace's token), how events arrive, and each configured channel."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.config import Settings
from bot.errors import reason
from bot.ops.doctor import Check, Status
from bot.ops.platform_checks import TIMEOUT_S, ChannelSetting
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import SlackInstallation
from bot.storage.secrets import SecretBox, SecretKeyError


async def slack_checks(settings: Settings, channels: list[ChannelSetting]) -> list[Check]:
    if settings.slack_installs:
        return [_events_check(settings), *await _installed_checks(settings, channels)]
    assert settings.slack_bot_token is not None
    client = _client(settings, settings.slack_bot_token.get_secret_value().strip())
    try:
        auth = await client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error")
        return [Check("slack token", Status.FAIL, f"Slack refused SLACK_BOT_TOKEN ({code})")]
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return [Check("slack token", Status.FAIL, f"can't reach Slack: {reason(error)}")]
    checks = [
        Check("slack token", Status.OK, f"accepted: {auth.get('user')} in {auth.get('team')}"),
        _events_check(settings),
    ]
    checks += [await _channel_check(client, setting) for setting in channels]
    return checks


def _client(settings: Settings, token: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=settings.slack_api_url, timeout=int(TIMEOUT_S))


def _events_check(settings: Settings) -> Check:
    if not settings.slack_app_token and not settings.slack_signing_secret:
        return Check("slack events", Status.FAIL, "set SLACK_APP_TOKEN or SLACK_SIGNING_SECRET")
    return Check(
        "slack events", Status.OK, "Socket Mode" if settings.slack_app_token else "HTTP events"
    )


async def _installed_checks(settings: Settings, channels: list[ChannelSetting]) -> list[Check]:
    """Installed through Slack's OAuth: the settings it needs, then every workspace's
    stored token opened with PATHBOT_SECRET_KEY and accepted by Slack."""
    public = (settings.public_url or "").rstrip("/") or "https://<this server>"
    install_at = f"{public}/slack/install"
    if settings.slack_client_secret is None or not settings.slack_client_secret.get_secret_value():
        return [
            Check("slack install", Status.FAIL, "SLACK_CLIENT_ID is set: set SLACK_CLIENT_SECRET")
        ]
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    try:
        box = SecretBox.from_setting(key, "slack-tokens")
    except SecretKeyError as error:
        return [Check("slack install", Status.FAIL, str(error))]
    engine = make_engine(settings.resolved_database_url)
    try:
        async with make_sessions(engine)() as db:
            installed = list(await db.scalars(select(SlackInstallation)))
    except Exception:  # the database check says why
        return []
    finally:
        await engine.dispose()
    if not installed:
        return [Check("slack install", Status.WARN, f"no workspace yet: open {install_at}")]
    checks = [
        Check("slack install", Status.OK, f"{len(installed)} workspace(s); more at {install_at}")
    ]
    for row in installed:
        name = f"slack workspace {row.team_id} ({row.team_name or '?'})"
        try:
            client = _client(settings, box.open(row.bot_token))
            await client.auth_test()
        except SecretKeyError as error:
            checks.append(Check(name, Status.FAIL, str(error)))
            continue
        except SlackApiError as error:
            code = error.response.get("error")
            checks.append(
                Check(
                    name,
                    Status.FAIL,
                    f"Slack refused its token ({code}): install again at {install_at}",
                )
            )
            continue
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            checks.append(Check(name, Status.FAIL, f"can't reach Slack: {reason(error)}"))
            continue
        checks.append(Check(name, Status.OK, "token accepted"))
        mine = [setting for setting in channels if setting.workspace == row.team_id]
        checks += [await _channel_check(client, setting) for setting in mine]
    return checks


async def _channel_check(client: AsyncWebClient, setting: ChannelSetting) -> Check:
    name = f"slack {setting.which} channel ({setting.workspace})"
    try:
        info = await client.conversations_info(channel=setting.channel)
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "missing_scope":  # an app made from an older manifest
            return Check(
                name,
                Status.WARN,
                "can't check: add the channels:read and groups:read scopes "
                "(deploy/slack/manifest-*.yaml) and reinstall the app",
            )
        return Check(name, Status.FAIL, f"{setting.channel}: {code} (run /set-channel again)")
    channel = info.get("channel") or {}
    if channel.get("is_archived"):
        return Check(name, Status.FAIL, f"#{channel.get('name')} is archived")
    if not channel.get("is_member", True):
        return Check(name, Status.FAIL, f"the bot is not in #{channel.get('name')}: /invite it")
    return Check(name, Status.OK, f"#{channel.get('name')}, the bot is a member")
