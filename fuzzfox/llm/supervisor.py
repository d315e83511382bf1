"""The embedded server kept alive for as long as a campaign or an analysis runs.

Before every request the client asks ``ensure_up``.  A server found dead is reported in one line
(its exit status or signal and what that means), then restarted on the same port after a backoff
that doubles with each crash; ``max_crashes`` crashes within ``window_s`` mark it down for the
rest of the run, with the reason.  While it is down, or waiting for its restart, ``ensure_up``
raises ``LLMEndpointDown`` at once: the caller goes on without the LLM instead of waiting on
connection retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fuzzfox.llm.client import LLMEndpointDown, LLMMarkedDown
from fuzzfox.llm.server import EmbeddedCrashed, EmbeddedServer, describe_exit

Note = Callable[[str], None]


class SupervisedServer:
    def __init__(
        self,
        server: EmbeddedServer,
        note: Note = lambda _: None,
        *,
        backoff_s: float = 5.0,
        max_backoff_s: float = 120.0,
        max_crashes: int = 4,
        window_s: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.server = server
        self.note = note
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.max_crashes = max_crashes
        self.window_s = window_s
        self.clock = clock
        self.crashes: list[float] = []
        self.last_cause = ""
        self.down_reason = ""  # set once it is marked down for good
        self.restart_at: float | None = None
        self.restarts = 0

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def start(self) -> None:
        """The first start; a server that dies while starting counts as a crash, not an error."""
        try:
            self.server.start()
        except EmbeddedCrashed as error:
            self._crashed(error.cause)

    def stop(self) -> None:
        self.server.stop()

    def ensure_up(self) -> None:
        if self.down_reason:
            raise LLMMarkedDown(self.down_reason)
        status = self.server.exit_status()
        if status is not None:
            self._crashed(describe_exit(status))
        if self.down_reason:
            raise LLMMarkedDown(self.down_reason)
        if self.restart_at is None:
            return
        wait = self.restart_at - self.clock()
        if wait > 0:
            raise LLMEndpointDown(f"the embedded LLM server {self.last_cause}; restarting in {wait:.0f} s")
        self.restart_at = None
        self.note("restarting the embedded LLM server")
        try:
            self.server.start()
        except EmbeddedCrashed as error:
            self._crashed(error.cause)
            raise LLMEndpointDown(f"the embedded LLM server {error.cause}") from None
        self.restarts += 1
        self.note(f"the embedded LLM server is back (restart {self.restarts})")

    def _crashed(self, cause: str) -> None:
        self.server.stop()  # reaps the dead process (or its half-started group)
        now = self.clock()
        self.crashes = [t for t in self.crashes if now - t < self.window_s] + [now]
        self.last_cause = cause
        if len(self.crashes) >= self.max_crashes:
            self.restart_at = None
            self.down_reason = (
                f"the embedded LLM server is marked down after {len(self.crashes)} crashes in "
                f"{self.window_s / 60:.0f} min; last: {cause}"
            )
            self.note(self.down_reason)
            return
        delay = min(self.max_backoff_s, self.backoff_s * 2 ** (len(self.crashes) - 1))
        self.restart_at = now + delay
        self.note(f"the embedded LLM server {cause}; restarting in {delay:.0f} s")

    def state(self) -> dict[str, Any]:
        if self.down_reason:
            state = "down"
        elif self.restart_at is not None:
            state = "restarting"
        else:
            state = "up"
        return {
            "state": state,
            "restarts": self.restarts,
            "crashes": len(self.crashes),
            "cause": self.last_cause,
        }
