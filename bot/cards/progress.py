"""The progress card: the path as a bar of weeks with this one marked, this week's
hours against the target, and the streak with a heat-strip of the last 28 days."""

from __future__ import annotations

from PIL import ImageDraw

from bot.cards.drawing import (
    ACCENT,
    GOOD,
    HEAT,
    MUTED,
    PAD,
    PANEL,
    TEXT,
    WARM,
    WIDTH,
    canvas,
    fit,
    png,
    width_of,
)
from bot.cards.fonts import font
from bot.replies import ProgressCard
from bot.services.hours import hours_text

HEIGHT = 380
_CELL, _GAP = 18, 5


def render_progress(card: ProgressCard) -> bytes:
    image, draw = canvas(HEIGHT)
    right = WIDTH - PAD
    week_label = f"Week {card.week} of {card.total_weeks}" if card.week else ""
    label_font = font(20)
    label_width = width_of(draw, week_label, label_font)
    draw.text((right, 36), week_label, font=label_font, fill=MUTED, anchor="ra")
    name = fit(draw, card.name, font(30, bold=True), right - PAD - label_width - 24)
    draw.text((PAD, 28), name, font=font(30, bold=True), fill=TEXT)

    draw.text(
        (PAD, 84), fit(draw, f"Path: {card.path}", font(20), right - PAD), font=font(20), fill=TEXT
    )
    _path_bar(draw, card, 116)

    low, high = card.week_target
    target = hours_text(low) if low == high else f"{hours_text(low)}–{hours_text(high)}"
    this_week = f"This week: {hours_text(card.week_minutes)} of {target}"
    draw.text((PAD, 162), this_week, font=font(20), fill=TEXT)
    _hours_bar(draw, card, 194)

    draw.text((PAD, 236), str(card.streak), font=font(44, bold=True), fill=WARM)
    longest = f"longest {card.longest} day{'' if card.longest == 1 else 's'}"
    draw.text((PAD, 292), f"day streak · {longest}", font=font(18), fill=MUTED)
    grid_left = right - 7 * (_CELL + _GAP) + _GAP
    pace = fit(draw, card.pace, font(18), grid_left - PAD - 24)
    draw.text((PAD, 330), pace, font=font(18), fill=TEXT)
    draw.text((grid_left, 236), "last 28 days", font=font(14), fill=MUTED)
    _heat_strip(draw, card.recent, grid_left, 258)
    return png(image)


def _path_bar(draw: ImageDraw.ImageDraw, card: ProgressCard, top: int) -> None:
    weeks = max(card.total_weeks, 1)
    gap = 4
    span = (WIDTH - 2 * PAD - gap * (weeks - 1)) / weeks
    filled_to = PAD + (WIDTH - 2 * PAD) * card.percent / 100
    for index in range(weeks):
        left = PAD + index * (span + gap)
        box = (left, top, left + span, top + 24)
        draw.rounded_rectangle(box, radius=4, fill=PANEL)
        done = min(max(filled_to - left, 0), span)
        if done >= 1:
            draw.rounded_rectangle((left, top, left + done, top + 24), radius=4, fill=ACCENT)
        if card.week == index + 1:  # where the member is now
            draw.rounded_rectangle(box, radius=4, outline=WARM, width=3)


def _hours_bar(draw: ImageDraw.ImageDraw, card: ProgressCard, top: int) -> None:
    low, high = card.week_target
    scale_max = max(high * 1.25, card.week_minutes, 60)
    width = WIDTH - 2 * PAD

    def x(minutes: float) -> float:
        return PAD + width * min(minutes, scale_max) / scale_max

    draw.rounded_rectangle((PAD, top, PAD + width, top + 20), radius=10, fill=PANEL)
    # The target range, as a lighter band the bar should reach.
    draw.rectangle((x(low), top, x(high), top + 20), fill=(58, 66, 86, 255))
    if card.week_minutes > 0:
        colour = GOOD if card.week_minutes >= low else ACCENT
        draw.rounded_rectangle(
            (PAD, top, max(x(card.week_minutes), PAD + 20), top + 20), radius=10, fill=colour
        )


def _heat_strip(draw: ImageDraw.ImageDraw, recent: list[int], left: int, top: int) -> None:
    cells = ([0] * (28 - len(recent)) + recent)[-28:]
    for index, minutes in enumerate(cells):
        row, column = divmod(index, 7)
        x0, y0 = left + column * (_CELL + _GAP), top + row * (_CELL + _GAP)
        draw.rounded_rectangle((x0, y0, x0 + _CELL, y0 + _CELL), radius=4, fill=_shade(minutes))


def _shade(minutes: int) -> tuple[int, int, int, int]:
    if minutes == 0:
        return PANEL
    if minutes < 0:  # a check-in without hours
        return HEAT[0]
    return HEAT[min(1 + minutes // 60, 3)]
