"""From process start to the first answered /ask, and what the event loop feels meanwhile.

Prints figures; asserts nothing (targets: under 5 s to the first answer from a new
container whose image carries the index, under 300 MB resident).

1. **First answer, index built** (what a container whose image carries the index sees):
   `pathbot ask QUESTION` as a new process: wall time and peak resident memory.
2. **First answer, nothing built**: the same on an empty data directory (it builds first).
3. **Event-loop lag during the warm-up**: `AskService.warm_up()` on an empty data
   directory inside a running loop, with a 10 ms ticker measuring how late it wakes:
   the stall a Slack ack or a Discord heartbeat would see while the index builds.

    .venv/bin/python benchmarks/bench_first_answer.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "what should I read for HNSW?"
PATHBOT = str(Path(sys.executable).with_name("pathbot"))


def _ask(data_dir: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `pathbot ask` process."""
    env = {**os.environ, "PATHBOT_DATA_DIR": str(data_dir)}
    began = time.perf_counter()
    # A fresh child per run, so ru_maxrss of RUSAGE_CHILDREN is this child's peak when
    # it is the largest so far; run it in its own Python to isolate it.
    code = (
        "import resource, subprocess, sys; "
        f"r = subprocess.run([{PATHBOT!r}, 'ask', {QUESTION!r}], capture_output=True); "
        "sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
        "sys.exit(r.returncode)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - began, int(out.stdout) / 1024


async def _loop_lag(data_dir: Path) -> tuple[float, float, float, int]:
    from bot.config import load_settings
    from bot.rag.service import AskService

    service = AskService.from_settings(load_settings(data_dir=data_dir))
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    began = time.perf_counter()
    ticking = asyncio.create_task(ticker())
    await service.warm_up()
    took = time.perf_counter() - began
    done.set()
    await ticking
    ordered = sorted(lags)
    p99 = ordered[int(len(ordered) * 0.99)] if ordered else 0.0
    return took, max(lags, default=0.0), p99, len(lags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "built"
        subprocess.run(
            [PATHBOT, "index", "build"],
            env={**os.environ, "PATHBOT_DATA_DIR": str(built)},
            check=True,
            capture_output=True,
        )
        runs = [_ask(built) for _ in range(args.runs)]
        walls = [wall for wall, _ in runs]
        print(
            f"first answer, index built: {statistics.median(walls):.2f} s median of {args.runs}"
            f" (min {min(walls):.2f}, max {max(walls):.2f}); peak RSS "
            f"{max(rss for _, rss in runs):.0f} MB"
        )
        wall, rss = _ask(Path(tmp) / "empty")
        print(f"first answer, nothing built: {wall:.2f} s; peak RSS {rss:.0f} MB")
        took, worst, p99, ticks = asyncio.run(_loop_lag(Path(tmp) / "lag"))
        print(
            f"warm-up (building) in a running loop: {took:.1f} s; a 10 ms ticker woke "
            f"{ticks} times, late by at most {worst * 1000:.0f} ms (p99 {p99 * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
