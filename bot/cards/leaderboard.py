"""The leaderboard card: the top ten with their hours and streaks."""

from __future__ import annotations

from bot.cards.drawing import (
    ACCENT,
    BACKGROUND,
    MEDALS,
    MUTED,
    PAD,
    PANEL,
    TEXT,
    WARM,
    WIDTH,
    canvas,
    fit,
    png,
)
from bot.cards.fonts import font
from bot.replies import LeaderboardCard
from bot.services.hours import hours_text

_ROW = 52
_TOP = 100
#: Room for the widest place ("10,000") in its badge.
_NAME_LEFT = PAD + 92


def render_leaderboard(card: LeaderboardCard) -> bytes:
    rows = card.rows[:10]
    height = _TOP + max(len(rows), 1) * _ROW + PAD
    image, draw = canvas(height)
    right = WIDTH - PAD
    title_font = font(28, bold=True)
    draw.text((PAD, 24), fit(draw, card.title, title_font, right - PAD), font=title_font, fill=TEXT)
    subtitle = fit(draw, card.subtitle, font(16), right - PAD)
    draw.text((PAD, 62), subtitle, font=font(16), fill=MUTED)
    if not rows:
        draw.text((PAD, _TOP + 8), "No hours on the board yet.", font=font(20), fill=MUTED)
        return png(image)
    top_minutes = max(max(row.minutes for row in rows), 1)
    hours_left = right - 230
    for index, row in enumerate(rows):
        y = _TOP + index * _ROW
        rank = f"{row.rank:,}"
        rank_font = font(18 if len(rank) <= 3 else 15, bold=True)
        badge_width = max(40.0, draw.textlength(rank, font=rank_font) + 20)
        badge = (PAD, y, PAD + badge_width, y + 40)
        draw.rounded_rectangle(badge, radius=20, fill=MEDALS.get(row.rank, PANEL))
        ink = BACKGROUND if row.rank in MEDALS else TEXT
        draw.text((PAD + badge_width / 2, y + 20), rank, font=rank_font, fill=ink, anchor="mm")
        name = fit(draw, row.name, font(20), hours_left - _NAME_LEFT - 16)
        draw.text((_NAME_LEFT, y + 2), name, font=font(20), fill=TEXT)
        bar = (hours_left - _NAME_LEFT - 16) * row.minutes / top_minutes
        draw.rounded_rectangle(
            (_NAME_LEFT, y + 32, _NAME_LEFT + max(bar, 4), y + 38), radius=3, fill=ACCENT
        )
        hours = hours_text(row.minutes)
        draw.text((right - 110, y + 6), hours, font=font(22, bold=True), fill=TEXT, anchor="ra")
        streak = fit(draw, f"{row.streak:,} d" if row.streak else "–", font(18), 96)
        draw.text((right, y + 8), streak, font=font(18), fill=WARM, anchor="ra")
    return png(image)
