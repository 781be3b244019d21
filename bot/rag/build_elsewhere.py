"""Build the /ask index in a separate process, so the bot's event loop never waits.

Embedding ~2,000 documents and adding them to Chroma holds the GIL for up to half a
second at a time (benchmarks/bench_first_answer.py measured a 564 ms stall of a
10 ms ticker): in `pathbot run` that is a Slack ack or a Discord heartbeat kept
waiting. `pathbot index build` in a child process does the same work on another core;
the bot then only loads the finished index. An index that is already up to date
makes the child a quick no-op.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.rag.errors import RagError
from bot.rag.index import BuildReport


async def build_in_subprocess(curriculum: Path, data_dir: Path) -> BuildReport:
    """The child's report: `rebuilt` says whether it built or found the index up to date."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.rag.build_elsewhere import child_main; child_main()",
        str(curriculum),
        str(data_dir),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        output, errors = await child.communicate()
    except asyncio.CancelledError:
        child.kill()
        await child.wait()
        raise
    if child.returncode != 0:
        lines = [line for line in errors.decode(errors="replace").splitlines() if line.strip()]
        raise RagError(f"building the index failed: {lines[-1] if lines else child.returncode}")
    return BuildReport(**json.loads(output.decode().strip().splitlines()[-1]))


def child_main() -> None:
    """In the child: build (or find up to date) the embedded index; print the report."""
    from bot.rag.service import AskService  # the heavy imports happen here, not in the bot

    curriculum, data_dir = (Path(arg) for arg in sys.argv[1:3])
    service = AskService(curriculum_path=curriculum, data_dir=data_dir)
    try:
        report = asyncio.run(service.ensure_loaded())
    except RagError as error:
        print(str(error), file=sys.stderr)
        raise SystemExit(1) from None
    print(json.dumps(asdict(report)))
