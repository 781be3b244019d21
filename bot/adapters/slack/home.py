"""The App Home tab: the member's day at a glance, refreshed when opened and after a
check-in or a log. Built from the core's own answers (/today, /progress) for that
member, so the tab shows exactly what the commands say; someone who has not joined
sees how to start."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import Block, render_blocks
from bot.caller import Caller
from bot.replies import Reply

log = logging.getLogger(__name__)

#: A Home tab holds at most 100 blocks (Slack's views.publish).
HOME_BLOCK_LIMIT = 100
#: Commands after which the tab is drawn again: what they change shows there.
REFRESH_AFTER = frozenset({"checkin", "log", "undo", "finish", "join", "pause", "resume"})

Ask = Callable[[Caller, str], Awaitable[Reply]]


def home_blocks(today: Reply, progress: Reply, command: str) -> list[Block]:
    if not today.ok:
        # Not joined here yet (or no plan today): how to start, not an error.
        return [
            {"type": "header", "text": {"type": "plain_text", "text": "Welcome to pathbot"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Follow the 16-week AI engineering path with your cohort: "
                    f"a daily plan, a reminder at your time, check-ins and hours.\n\n"
                    f"*Start with* `{command} join` (your start date, time zone and "
                    f"reminder time are optional: `{command} help join`).",
                },
            },
        ]
    blocks = [*render_blocks(today), {"type": "divider"}, *render_blocks(progress)]
    return blocks[:HOME_BLOCK_LIMIT]


async def publish_home(client: AsyncWebClient, ask: Ask, caller: Caller, command: str) -> None:
    """Draw the caller's Home tab; a failure is logged (the tab keeps its last view)."""
    today = await ask(caller, "/today")
    progress = await ask(caller, "/progress") if today.ok else today
    view = {"type": "home", "blocks": home_blocks(today, progress, command)}
    try:
        await client.views_publish(user_id=caller.user_id, view=view)
    except SlackApiError as error:
        log.warning("the Home tab was not published: %s", error.response.get("error"))
