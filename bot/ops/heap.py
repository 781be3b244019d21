"""The start-up heap, set aside from the cyclic garbage collector.

What `pathbot run` builds before it serves (the modules, the curriculum, the engine,
the metrics) lives as long as the process, yet every full collection walked all of it
again: about 90,000 objects and 30-50 ms on a small VPS, paid by whichever command
happened to trip the collector. Frozen (`gc.freeze`), a full collection walks only
what was made since, about 1 ms, so one organiser's /at-risk over 10,000 members no
longer stalls everyone's check-ins.
"""

from __future__ import annotations

import gc


def settle_heap() -> int:
    """Collect the start-up garbage, then freeze what is left; returns how many objects
    the collector now leaves alone."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
