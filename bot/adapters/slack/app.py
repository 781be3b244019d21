"""The Slack adapter: `/pathbot …` and DMs in, Block Kit out, nothing decided here.

Slack apps declare their slash commands in the app manifest, so pathbot has one,
`/pathbot SUBCOMMAND args…`; a direct message to the bot is read as a command
line too (`log 1h30 read the paper`: no slash, because Slack's composer claims
lines starting with "/"). A click on one of a reply's buttons (Block Kit
`block_actions`) is the command line in the button's value, sent by whoever
clicked and answered privately.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.clients import SlackClients
from bot.adapters.slack.home import REFRESH_AFTER, publish_home
from bot.adapters.slack.install import NOT_INSTALLED, cached_authorize
from bot.adapters.slack.installations import InstallationStore
from bot.adapters.slack.modals import LOG_MODAL, field_errors, log_line, log_modal
from bot.adapters.slack.people import DEFAULT_TTL, PeopleCache
from bot.adapters.slack.posting import SlackPoster, bolt_logger
from bot.adapters.slack.protocols import CommandHandler
from bot.adapters.slack.render import ACTION_ID_PREFIX, CommandSpelling
from bot.adapters.slack.requests import (
    command_word,
    plain_text,
    request_key,
    without_leading_mention,
)
from bot.caller import Caller, Platform
from bot.clock import Clock
from bot.replies import Reply
from bot.storage.dm_channels import DmChannelStore
from bot.storage.known_people import KnownPeople

log = logging.getLogger(__name__)

DEFAULT_COMMAND = "/pathbot"
_INTERNAL_ERROR = Reply.error(
    "Something went wrong on my side.", "Please try again; tell an admin if it keeps happening."
)


class SlackAdapter(SlackPoster):
    """A slack-bolt AsyncApp wired to the core's dispatcher, plus outbound `send`."""

    def __init__(
        self,
        handler: CommandHandler,
        *,
        client: AsyncWebClient,
        signing_secret: str,
        clock: Clock,
        command: str = DEFAULT_COMMAND,
        command_names: Collection[str] = (),
        people_ttl: timedelta = DEFAULT_TTL,
        dm_store: DmChannelStore | None = None,
        people: KnownPeople | None = None,
        needs_person: Collection[str] | None = None,
        clients: SlackClients | None = None,
        oauth: AsyncOAuthSettings | None = None,
    ) -> None:
        """`command_names` (the core's commands and aliases) lets hints read "/pathbot
        log"; `needs_person`: the commands (and aliases) for which Slack is asked who the
        caller is when that is not known yet (admin commands, /join); None: every one.
        `clients` and `oauth`: installs into many workspaces (Slack's OAuth flow), each
        request authorized by its workspace's installation, each answered with its token."""
        super().__init__(client, dm_store, clients)
        self._handler = handler
        self._spelling = CommandSpelling(command, command_names)
        self._people = PeopleCache(self.clients, clock, people_ttl, people)
        self._needs_person = None if needs_person is None else frozenset(needs_person)
        #: Home tabs being drawn again after a command, kept so none is collected midway.
        self._refreshing: set[asyncio.Future[None]] = set()
        self._home_viewers: set[tuple[str, str]] = set()
        logger = bolt_logger()
        self.app = AsyncApp(
            client=client,
            signing_secret=signing_secret,
            request_verification_enabled=True,
            name="pathbot",
            logger=logger,
            oauth_settings=oauth,
            # An AsyncAuthorize instance, which bolt accepts beside oauth_settings; its
            # annotation only names plain functions.
            authorize=cached_authorize(oauth, client, logger),  # type: ignore[arg-type]
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
        #: The installed workspaces (Slack's OAuth), if this app installs into many.
        store = oauth.installation_store if oauth is not None else None
        self.installations = store if isinstance(store, InstallationStore) else None
        # Before any listener: a request Slack repeats (a retry, a replay) is acked again
        # and nothing else; `log 30m` retried once must not log an hour.
        self.app.use(self._drop_repeats)
        self.app.command(command)(self._on_command)
        self.app.event("message")(self._on_message)
        # Slack says so when the app leaves a workspace: queue nothing more for it.
        self.app.event("app_uninstalled")(self._on_uninstalled)
        self.app.event("tokens_revoked")(self._on_uninstalled)
        # Slack tells us when a profile or an admin role changes: no need to ask it.
        self.app.event("user_change")(self._on_user_change)
        self.app.event("app_home_opened")(self._on_home_opened)
        self.app.view(LOG_MODAL)(self._on_log_form)
        self.app.action(re.compile("^" + re.escape(ACTION_ID_PREFIX)))(self._on_action)

    # -- inbound ---------------------------------------------------------------------------

    async def _on_command(
        self, ack: AsyncAck, command: Mapping[str, Any], respond: AsyncRespond
    ) -> None:
        # Slack wants an answer within 3 s; the real reply follows via response_url.
        await ack()
        channel_id = str(command.get("channel_id") or "")
        in_dm = channel_id.startswith("D") or command.get("channel_name") == "directmessage"
        line = plain_text(str(command.get("text") or "")).strip() or "help"
        if line.lower() == "log" and command.get("trigger_id"):
            # Nothing to log yet: a form asks for it (Slack allows 3 s for the trigger).
            clients = await self.clients.for_team(str(command.get("team_id") or ""))
            await clients.replies.views_open(
                trigger_id=str(command["trigger_id"]), view=log_modal()
            )
            return
        caller = await self._caller(
            team_id=str(command.get("team_id") or ""),
            user_id=str(command.get("user_id") or ""),
            user_name=str(command.get("user_name") or ""),
            channel_id=None if in_dm or not channel_id else channel_id,
            line=line,
        )
        reply = await self._handle(caller, line)
        reply = await self._deliver_files_by_dm(caller.workspace_id, caller.user_id, reply)
        await self.answer(respond, reply, caller)

    async def _drop_repeats(
        self, body: Mapping[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        key = request_key(body)
        if key is not None and not await self._handler.first_time(key):
            log.info("slack: a repeated request (%s) was acked and dropped", key.split(":")[-1])
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def _on_uninstalled(self, event: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            return  # only people's own tokens (pathbot keeps none): the bot is still in
        if team:
            why = (
                "the app was uninstalled"
                if event.get("type") == "app_uninstalled"
                else ("the app's tokens were revoked")
            )
            await self._handler.workspace_gone(Platform.SLACK, team, why)
            if self.installations is not None:
                # Its token is dead: forgotten, so nothing tries it again.
                await self.installations.forget(team)
            self.clients.forget(team)

    async def _on_user_change(self, event: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        user = event.get("user") or {}
        await self._people.refresh(str(user.get("team_id") or body.get("team_id") or ""), user)

    async def _on_message(self, event: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        # Only plain messages people send to the bot in a DM; not edits, joins or bots.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        text = plain_text(without_leading_mention(str(event.get("text") or ""))).strip()
        if not text:
            return
        caller = await self._caller(
            # The workspace the app is installed in (as bolt authorized it), before the
            # sender's own (another, in a Slack Connect channel).
            team_id=str(body.get("team_id") or event.get("team") or ""),
            user_id=str(event.get("user") or ""),
            user_name="",
            channel_id=None,
            line=text,
        )
        reply = await self._handle(caller, text)
        clients = await self.clients.for_team(caller.workspace_id)
        await self._post(clients.replies, str(event["channel"]), reply)

    async def _on_action(
        self,
        ack: AsyncAck,
        body: Mapping[str, Any],
        action: Mapping[str, Any],
        respond: AsyncRespond,
    ) -> None:
        await ack()
        line = str(action.get("value") or "").strip()
        user = body.get("user") or {}
        user_id = str(user.get("id") or "")
        if not line.startswith("/") or not user_id:
            return
        team = body.get("team") or {}
        channel_id = str((body.get("channel") or {}).get("id") or "")
        caller = await self._caller(
            team_id=str(team.get("id") or user.get("team_id") or ""),
            user_id=user_id,
            user_name=str(user.get("username") or user.get("name") or ""),
            channel_id=None if not channel_id or channel_id.startswith("D") else channel_id,
            line=line,
        )
        reply = await self._handle(caller, line)
        # The button may sit under a message others see; its answer is the clicker's alone.
        reply = reply.model_copy(update={"ephemeral": True})
        reply = await self._deliver_files_by_dm(caller.workspace_id, user_id, reply)
        if not body.get("response_url"):
            # No message to answer under (e.g. a button outside a message): their DM.
            await self.send(f"dm:{user_id}", reply, caller.workspace_id)
            return
        await self.answer(respond, reply, caller)

    async def _caller(
        self, *, team_id: str, user_id: str, user_name: str, channel_id: str | None, line: str
    ) -> Caller:
        needed = self._needs_person is None or command_word(line) in self._needs_person
        person = await self._people.lookup(team_id, user_id, user_name, needed=needed)
        return Caller(
            platform=Platform.SLACK,
            workspace_id=team_id,
            user_id=user_id,
            display_name=person.display_name,
            is_platform_admin=person.is_admin,
            channel_id=channel_id,
            timezone=person.timezone,
        )

    def spelled(self, reply: Reply) -> Reply:
        """`reply` with its command hints as Slack types them ("/pathbot join")."""
        return self._spelling.reply(reply)

    async def _handle(self, caller: Caller, line: str) -> Reply:
        try:
            reply = await self._handler.handle(caller, line)
        except Exception:
            log.exception("command failed: %s", line.split(" ", 1)[0])
            return _INTERNAL_ERROR
        viewer = (caller.workspace_id, caller.user_id)
        if reply.ok and command_word(line) in REFRESH_AFTER and viewer in self._home_viewers:
            # What the command changed shows on their Home tab: draw it again, meanwhile.
            refresh = asyncio.ensure_future(self._publish_home(caller))
            self._refreshing.add(refresh)
            refresh.add_done_callback(self._refreshing.discard)
        return self._spelling.reply(reply)

    async def _on_log_form(
        self, ack: AsyncAck, body: Mapping[str, Any], view: Mapping[str, Any]
    ) -> None:
        """The log form, submitted: the same /log line, its refusal shown on the field."""
        user = body.get("user") or {}
        line = log_line((view.get("state") or {}).get("values") or {})
        caller = await self._caller(
            team_id=str((body.get("team") or {}).get("id") or user.get("team_id") or ""),
            user_id=str(user.get("id") or ""),
            user_name=str(user.get("username") or user.get("name") or ""),
            channel_id=None,
            line=line,
        )
        reply = await self._handle(caller, line)
        if not reply.ok:
            refusal = reply.lines[0] if reply.lines else reply.title
            await ack(response_action="errors", errors=field_errors(refusal))
            return
        await ack()  # closes the form; what was logged follows in their DM
        await self.send(f"dm:{caller.user_id}", reply, caller.workspace_id)

    async def _on_home_opened(self, event: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        caller = await self._caller(
            team_id=str(body.get("team_id") or ""),
            user_id=str(event.get("user") or ""),
            user_name="",
            channel_id=None,
            line="today",
        )
        # Drawn again after their commands from now on (not for those who never look).
        self._home_viewers.add((caller.workspace_id, caller.user_id))
        await self._publish_home(caller)

    async def _publish_home(self, caller: Caller) -> None:
        # /today and /progress, asked as the member would (neither redraws the tab).
        clients = await self.clients.for_team(caller.workspace_id)
        await publish_home(clients.replies, self._handle, caller, self._spelling.command)
