"""A card's PNG and its file name, whichever card it is."""

from __future__ import annotations

from bot.cards.leaderboard import render_leaderboard
from bot.cards.progress import render_progress
from bot.replies import LeaderboardCard, ProgressCard


def render_card(card: ProgressCard | LeaderboardCard) -> bytes:
    if isinstance(card, ProgressCard):
        return render_progress(card)
    return render_leaderboard(card)


def card_filename(card: ProgressCard | LeaderboardCard) -> str:
    return f"{card.kind}.png"
