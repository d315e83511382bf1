"""Whether a campaign may ask its LLM now: it never dies of an LLM that is unavailable.

A failed call (endpoint down, 429 storm, 5xx, garbled answers, an embedded server restarting)
marks the LLM down; it is tried again after a backoff that doubles from ``backoff_s`` up to
``max_backoff_s``, and a call that succeeds marks it up.  An LLM marked down for good (an
embedded server that kept crashing) is never tried again in this run.  The campaign runs its
LLM-free generators meanwhile, and shows the state in ``stats.json``, ``fuzzfox status`` and the
live view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class LLMAvailability:
    def __init__(
        self,
        backoff_s: float = 15.0,
        max_backoff_s: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.clock = clock
        self.down_since: float | None = None
        self.reason = ""
        self.failures = 0  # in a row
        self.next_try = 0.0
        self.for_good = False
        self.outages = 0

    @property
    def up(self) -> bool:
        return self.down_since is None

    def usable(self) -> bool:
        return self.up or (not self.for_good and self.clock() >= self.next_try)

    def seconds_to_next_try(self) -> float:
        return max(0.0, self.next_try - self.clock())

    def failed(self, reason: str, for_good: bool = False) -> float:
        """Mark it down; the seconds until the next try (inf when down for good)."""
        now = self.clock()
        if self.down_since is None:
            self.down_since = now
            self.outages += 1
        self.reason = reason
        self.failures += 1
        self.for_good = self.for_good or for_good
        if self.for_good:
            return float("inf")
        delay = min(self.max_backoff_s, self.backoff_s * 2 ** (self.failures - 1))
        self.next_try = now + delay
        return delay

    def succeeded(self) -> float | None:
        """Mark it up; how long it was down, or None if it was up."""
        down_for = None if self.down_since is None else self.clock() - self.down_since
        self.down_since = None
        self.failures = 0
        self.reason = ""
        return down_for

    def describe(self) -> str:
        if self.up:
            return "up"
        since = time.strftime("%H:%M:%S", time.localtime(self.down_since))
        if self.for_good:
            return f"down since {since} ({self.reason}); not retried in this run"
        return f"down since {since} ({self.reason}); next try in {self.seconds_to_next_try():.0f} s"

    def as_stats(self) -> dict[str, Any]:
        return {
            "llm_state": "up" if self.up else "down",
            "llm_down_since": self.down_since,
            "llm_down_reason": self.reason or None,
            "llm_outages": self.outages,
            "llm_status": self.describe(),
        }
