"""How long a card takes to draw (target: under 50 ms), and its size.

Prints figures; asserts nothing. Each card is drawn `--runs` times after one warm-up
(fonts loaded), as an adapter would draw it for each /progress or weekly post:

    .venv/bin/python benchmarks/bench_cards.py [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from bot.cards import render_card
from bot.cards.fonts import dejavu_dir
from bot.replies import BoardCardRow, LeaderboardCard, ProgressCard

PROGRESS = ProgressCard(
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
    recent=[(day * 37) % 150 - 1 for day in range(28)],
    last_day=date(2027, 3, 1),
)
BOARD = LeaderboardCard(
    title="Leaderboard, last week",
    subtitle="from Monday 2027-02-22",
    rows=[
        BoardCardRow(
            rank=rank,
            name=f"Member number {rank} with a long name",
            minutes=900 - 60 * rank,
            streak=rank,
        )
        for rank in range(1, 11)
    ],
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    print(
        f"font: {'DejaVu Sans (' + str(dejavu_dir()) + ')' if dejavu_dir() else 'Pillow bundled'}"
    )
    for name, card in (("progress", PROGRESS), ("leaderboard (10 rows)", BOARD)):
        size = len(render_card(card))  # warm-up: fonts loaded once
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            render_card(card)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"{name:22} median {statistics.median(times):5.1f} ms  p99 {p99:5.1f} ms  "
            f"max {times[-1]:5.1f} ms  PNG {size / 1024:.1f} kB  ({runs} runs)"
        )


if __name__ == "__main__":
    main()
