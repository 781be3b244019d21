"""Slack adapter (slack-bolt): the only package in bot/ that imports slack_bolt."""

from bot.adapters.slack.app import CommandHandler, SlackAdapter
from bot.adapters.slack.render import render, render_blocks
from bot.adapters.slack.sender import SlackSender

__all__ = ["CommandHandler", "SlackAdapter", "SlackSender", "render", "render_blocks"]
