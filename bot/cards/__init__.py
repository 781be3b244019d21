"""Progress and leaderboard cards: PNG pictures of a reply's figures (Pillow)."""

from bot.cards.render import card_filename, render_card

__all__ = ["card_filename", "render_card"]
