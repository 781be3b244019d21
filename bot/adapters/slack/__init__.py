"""Slack adapter (slack-bolt): the only package in bot/ that imports slack_bolt.

The outbox sender lives in `bot.adapters.slack.sender` (it needs bot.scheduling).
"""

from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.protocols import CommandHandler
from bot.adapters.slack.render import render, render_blocks

__all__ = ["CommandHandler", "SlackAdapter", "render", "render_blocks"]
