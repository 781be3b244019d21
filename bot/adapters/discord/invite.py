"""The one place the bot's Discord permissions are decided, and its invite URL.

Each permission, and why: View Channels (see the channel it posts in; without it
every post is 50001), Send Messages (the daily post, the leaderboard), Embed Links
(replies are embeds), Attach Files (/export and /report files), Read Message History
(discord.py reads a reply it edits, and a late resend looks for its message), Create
Public Threads (a thread under each daily post, with /daily-thread on). Nothing else:
no admin, no mentions of roles.
"""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")


def bot_permissions() -> discord.Permissions:
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
        create_public_threads=True,
    )


def invite_url(application_id: str) -> str:
    return (
        "https://discord.com/oauth2/authorize"
        f"?client_id={application_id}&scope={'%20'.join(SCOPES)}"
        f"&permissions={bot_permissions().value}"
    )
