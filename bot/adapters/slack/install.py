"""Slack's OAuth install, as an installer sees it: /slack/install sends them to Slack's
consent screen; Slack sends them back to /slack/oauth_redirect, which stores the
workspace's token and says what to do next (in the browser, and in a DM from the bot).
"""

from __future__ import annotations

import html
import logging

from slack_bolt import BoltResponse
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.slack.installations import InstallationStore, OAuthStates, OnInstall
from bot.adapters.slack.scopes import bot_scopes
from bot.clock import Clock
from bot.config import Settings
from bot.errors import Fatal
from bot.storage.secrets import SecretBox, SecretKeyError, derived_key

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

#: What went wrong, in the installer's words (bolt's failure reasons).
_FAILURES = {
    "access_denied": "You cancelled the install, so nothing was added to your workspace.",
    "invalid_state": "This install link was used already or is over ten minutes old.",
    "invalid_browser": "The install was started in another browser (or cookies are off).",
    "invalid_code": "Slack did not accept the install (its code was used or expired).",
    "missing_code": "Slack sent no install code back.",
    "storage_error": "pathbot could not save the install (only single workspaces, with "
    "the bot, can install; the server log says more).",
}


#: What someone in a workspace without pathbot (removed, say) is told by a command.
NOT_INSTALLED = (
    "pathbot is not installed in this workspace (or was removed): "
    "an admin can add it again from the organiser's install link."
)


def cached_authorize(
    oauth: AsyncOAuthSettings | None, client: AsyncWebClient, logger: logging.Logger
) -> AsyncInstallationStoreAuthorize | None:
    """Bolt's authorization by installation, with auth.test remembered per token: every
    request still finds its workspace's token, but Slack is not asked about it each time
    inside the 3 s a request has."""
    if oauth is None or oauth.installation_store is None:
        return None
    return AsyncInstallationStoreAuthorize(
        logger=logger,
        installation_store=oauth.installation_store,
        bot_only=True,
        cache_enabled=True,
        client=client,
    )


def authorize_url(api_url: str) -> str:
    """Slack's consent screen on the same Slack as the Web API (GovSlack's, a fake's)."""
    root = api_url.rstrip("/").removesuffix("/api")
    return f"{root}/oauth/v2/authorize"


def _page(title: str, body: str, status: int) -> BoltResponse:
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        '<body style="font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:3em auto">'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return BoltResponse(
        status=status,
        body=page,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


async def _installed(args: AsyncSuccessArgs) -> BoltResponse:
    team = html.escape(args.installation.team_name or "your workspace")
    return _page(
        "pathbot is installed",
        f"<p>pathbot is now in <b>{team}</b>. I sent you a direct message in Slack with "
        "the next steps.</p><ol><li>Admins: run <code>/pathbot setup</code> to see what is "
        "left to set up.</li><li>Everyone: <code>/pathbot join</code>.</li></ol>"
        "<p>You can close this tab.</p>",
        200,
    )


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    log.warning("slack install failed: %s", args.reason)
    why = _FAILURES.get(args.reason, f"The install failed ({args.reason}).")
    return _page(
        "pathbot was not installed",
        f'<p>{html.escape(why)}</p><p><a href="{INSTALL_PATH}">Start the install again</a>.</p>',
        args.suggested_status_code,
    )


def oauth_settings(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    on_install: OnInstall | None = None,
) -> AsyncOAuthSettings:
    """slack-bolt's OAuth on pathbot's database, from SLACK_CLIENT_ID/SECRET and
    PATHBOT_SECRET_KEY; one clear line for what is missing."""
    given = settings.slack_client_secret
    secret = given.get_secret_value().strip() if given is not None else ""
    if not secret:
        raise Fatal("SLACK_CLIENT_ID is set: set SLACK_CLIENT_SECRET too (Basic Information)")
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    try:
        box = SecretBox.from_setting(key, "slack-tokens")
    except SecretKeyError as error:
        raise Fatal(f"installing into many Slack workspaces: {error}") from None
    # The first key only: adding a key to rotate must not void install links under way.
    first = (key or "").split(",")[0].strip()
    state_key = derived_key(first, "slack-oauth-state")
    public = (settings.public_url or "").rstrip("/")
    return AsyncOAuthSettings(
        client_id=(settings.slack_client_id or "").strip(),
        client_secret=secret,
        scopes=sorted(bot_scopes()),
        user_scopes=[],
        redirect_uri=f"{public}{REDIRECT_PATH}" if public else None,
        install_path=INSTALL_PATH,
        # Straight to Slack's consent screen: a page with one button is a click for nothing.
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(success=_installed, failure=_failed),
        authorization_url=authorize_url(settings.slack_api_url),
        installation_store=InstallationStore(sessions, box, clock, on_install),
        installation_store_bot_only=True,
        state_store=OAuthStates(sessions, state_key, clock),
    )
