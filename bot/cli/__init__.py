"""The `pathbot` command line."""

from bot.cli.app import build_app, main

__all__ = ["build_app", "main"]
