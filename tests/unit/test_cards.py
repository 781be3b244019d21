"""The cards, decoded and looked at: size, the regions that carry the figures, text that
never runs into its neighbour, readable on Discord's and Slack's light and dark themes."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from bot.cards import render_card
from bot.cards.drawing import (
    ACCENT,
    BACKGROUND,
    GOOD,
    HEAT,
    MEDALS,
    MUTED,
    PAD,
    PANEL,
    TEXT,
    WARM,
    fit,
)
from bot.cards.fonts import font
from bot.cards.leaderboard import _NAME_LEFT
from bot.replies import BoardCardRow, LeaderboardCard, ProgressCard

Colour = tuple[int, int, int, int]


def _progress(**changes: object) -> ProgressCard:
    card = ProgressCard(
        name="Ada Lovelace",
        path="day 57 of 112 (50% done)",
        percent=50,
        week=9,
        total_weeks=16,
        week_minutes=390,
        week_target=(600, 720),
        streak=5,
        longest=12,
        pace="You are 2h30 behind the plan.",
        recent=[0] * 25 + [-1, 30, 150],
        last_day=date(2027, 3, 1),
    )
    return card.model_copy(update=changes)


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image.convert("RGBA")


def _segment_centre(index: int) -> int:
    span = (800 - 2 * PAD - 4 * 15) / 16
    return round(PAD + index * (span + 4) + span / 2)


def test_the_progress_card_shows_the_path_the_week_and_the_streak() -> None:
    image = _image(render_card(_progress()))
    assert image.size == (800, 380)
    assert image.getpixel((0, 0))[3] == 0  # rounded corners: the theme shows through
    assert image.getpixel((400, 370)) == BACKGROUND
    # The path: weeks 1-8 done, week 9 (half the path) marked, the rest to come.
    for week in range(1, 9):
        assert image.getpixel((_segment_centre(week - 1), 128)) == ACCENT, week
    assert image.getpixel((_segment_centre(8), 117)) == WARM  # this week's outline
    for week in range(10, 17):
        assert image.getpixel((_segment_centre(week - 1), 128)) == PANEL, week
    # This week: 6h30 of 10-12 h, below the target: the bar is blue, not green.
    assert image.getpixel((PAD + 30, 204)) == ACCENT
    # The heat-strip: the last three days are a check-in, 30 min and 2h30.
    left, top = 800 - PAD - 7 * 23 + 5, 258
    last_row = [image.getpixel((left + c * 23 + 9, top + 3 * 23 + 9)) for c in range(7)]
    assert last_row[-3:] == [HEAT[0], HEAT[1], HEAT[3]]
    assert last_row[0] == PANEL


def test_a_week_on_target_is_green_and_zero_hours_draw_no_bar() -> None:
    met = _image(render_card(_progress(week_minutes=660)))
    assert met.getpixel((PAD + 30, 204)) == GOOD
    none = _image(render_card(_progress(week_minutes=0, recent=[], streak=0)))
    assert none.getpixel((PAD + 30, 204)) == PANEL


def test_a_very_long_name_stops_before_the_week_label() -> None:
    image = _image(render_card(_progress(name="Wolfeschlegelsteinhausenbergerdorff " * 10)))
    label_left = 800 - PAD - ImageDraw.Draw(image).textlength("Week 9 of 16", font=font(20))
    gap = [
        image.getpixel((x, y))
        for x in range(int(label_left) - 20, int(label_left) - 2)
        for y in range(30, 64)
    ]
    assert set(gap) == {BACKGROUND}


def test_the_leaderboard_card_has_ten_rows_medals_and_room_for_rank_10000() -> None:
    names = ["Ada", "Grace", "Alan", "K" * 300, "Linus", "Barbara", "Edsger", "Don", "Fran", "Meg"]
    rows = [
        BoardCardRow(rank=i + 1, name=n, minutes=700 - 60 * i, streak=i)
        for i, n in enumerate(names)
    ]
    rows[-1] = BoardCardRow(rank=10_000, name="Meg", minutes=0, streak=0)
    image = _image(
        render_card(
            LeaderboardCard(title="Leaderboard, last week", subtitle="from Monday", rows=rows)
        )
    )
    assert image.size == (800, 100 + 10 * 52 + PAD)
    for rank in (1, 2, 3):
        assert image.getpixel((PAD + 3, 100 + (rank - 1) * 52 + 20)) == MEDALS[rank]
    assert image.getpixel((PAD + 3, 100 + 3 * 52 + 20)) == PANEL
    last = 100 + 9 * 52
    # "10,000" fits its badge, which ends before the names begin.
    assert {image.getpixel((_NAME_LEFT - 6, y)) for y in range(last, last + 40)} == {BACKGROUND}
    # Zero hours: a stub of a bar, not nothing and not a full one.
    assert image.getpixel((_NAME_LEFT + 2, last + 35)) == ACCENT
    assert image.getpixel((_NAME_LEFT + 40, last + 35)) == BACKGROUND


def test_an_empty_board_is_a_short_card() -> None:
    image = _image(render_card(LeaderboardCard(title="Leaderboard, this week", rows=[])))
    assert image.size == (800, 100 + 52 + PAD)


def _luminance(colour: Colour) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: Colour, b: Colour) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_reads_on_the_card_whatever_the_theme_around_it() -> None:
    # The card brings its own opaque background, so only its own contrast matters (WCAG).
    assert _contrast(TEXT, BACKGROUND) >= 7
    assert _contrast(MUTED, BACKGROUND) >= 4.5
    assert _contrast(WARM, BACKGROUND) >= 4.5
    # And the card stands apart from both Discord themes (dark #313338, light #ffffff).
    assert _contrast(BACKGROUND, (255, 255, 255, 255)) >= 10


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=40, max_value=700))
def test_fitted_text_never_passes_its_width(text: str, width: int) -> None:
    draw = ImageDraw.Draw(Image.new("RGBA", (10, 10)))
    fitted = fit(draw, text, font(20), width)
    assert draw.textlength(fitted, font=font(20)) <= width
    assert "\n" not in fitted


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=0, max_value=10**6))
def test_any_name_and_hours_draw(name: str, minutes: int) -> None:
    card = _progress(name=name, week_minutes=minutes)
    assert _image(render_card(card)).size == (800, 380)
    board = LeaderboardCard(
        title=name, rows=[BoardCardRow(rank=1, name=name, minutes=minutes, streak=minutes)]
    )
    assert _image(render_card(board)).size == (800, 100 + 52 + PAD)
