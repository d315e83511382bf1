"""The model writes while the sandbox workers judge: LLM jobs run on one thread of their own.

A campaign round used to generate and then judge, so while the model wrote the workers waited and
while programs compiled the model waited (a 20-minute default campaign on 2 cores judged 185
programs against 763 without the model).  Here a job (a callable that asks the model and parses
its answer) is handed to a thread and the campaign goes on judging; it collects what finished at
its next round.  At most ``depth`` jobs are queued, running or finished and not yet collected, so
the model never runs far ahead of what the campaign chose to give it (its share of the CPU is the
campaign's decision, not the queue's).

The thread owns nothing of the campaign's state: a job's result is handed back and stored by the
campaign's own thread.  A job that raises hands back its error.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")
Tag = TypeVar("Tag")


@dataclasses.dataclass(frozen=True)
class Finished(Generic[Tag, Result]):
    tag: Tag  # what the campaign needs to store the result (which batch, which repair)
    result: Result | None
    error: Exception | None
    seconds: float  # wall time the job took on the thread


class Pipeline(Generic[Tag, Result]):
    """A bounded queue of jobs run in order on one daemon thread."""

    def __init__(self, depth: int = 1, name: str = "llm-writer") -> None:
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self.depth = depth
        self._jobs: collections.deque[tuple[Tag, Callable[[], Result]]] = collections.deque()
        self._done: list[Finished[Tag, Result]] = []
        self._running = 0
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def room(self) -> int:
        """Jobs that may still be submitted now."""
        with self._changed:
            return max(0, self.depth - len(self._jobs) - self._running - len(self._done))

    def writing(self) -> bool:
        """A job queued or running: the model is at work."""
        with self._changed:
            return bool(self._jobs or self._running)

    def busy(self) -> bool:
        """Anything queued, running, or finished and not collected."""
        with self._changed:
            return bool(self._jobs or self._running or self._done)

    def submit(self, tag: Tag, job: Callable[[], Result]) -> None:
        with self._changed:
            if self._closed:
                raise RuntimeError("the pipeline is closed")
            if len(self._jobs) + self._running + len(self._done) >= self.depth:
                raise RuntimeError(f"the pipeline is full ({self.depth} jobs)")
            self._jobs.append((tag, job))
            self._changed.notify_all()

    def collect(self) -> list[Finished[Tag, Result]]:
        """The jobs finished since the last call, oldest first; never waits."""
        with self._changed:
            done, self._done = self._done, []
            return done

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a finished job; whether one is there to collect."""
        with self._changed:
            self._changed.wait_for(lambda: bool(self._done) or self._closed, timeout)
            return bool(self._done)

    def close(self, timeout: float = 5.0) -> None:
        """Drop queued jobs and stop; a job still running is abandoned (its thread is a daemon, and
        a model call ends when its endpoint is closed)."""
        with self._changed:
            self._closed = True
            self._jobs.clear()
            self._changed.notify_all()
        self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._jobs) or self._closed)
                if self._closed:
                    return
                tag, job = self._jobs.popleft()
                self._running += 1
            started = time.monotonic()
            result: Result | None = None
            error: Exception | None = None
            try:
                result = job()
            except Exception as raised:  # handed back to the campaign's thread, which decides
                error = raised
            finished = Finished(tag, result, error, time.monotonic() - started)
            with self._changed:
                self._running -= 1
                if not self._closed:
                    self._done.append(finished)
                self._changed.notify_all()
