"""How a failed send is retried: exponential backoff with jitter, then dead."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter; after `max_attempts` failures a row is dead."""

    max_attempts: int = 8
    base_delay_s: float = 2.0
    max_delay_s: float = 900.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** max(attempt - 1, 0))
        # Half fixed, half random: spread retries of a burst without ever retrying at once.
        return ceiling / 2 + rng.random() * ceiling / 2
