"""What a campaign has handed to its sandbox workers and not heard back about yet.

A campaign does not wait for a round's slowest program before it starts the next: a worker that
finishes asks for its next program at once (:meth:`fuzzfox.sandbox.pool.LocalPool.run`), and the
campaign draws it with what it knows then.  So several batches are open at a time; this keeps
which programs are out, which batch waits for which verdicts, and hands a batch back once its
last verdict came (its feedback is then written: :meth:`fuzzfox.feedback.Feedback.close_batch`).
"""

from __future__ import annotations

from collections.abc import Iterable

from fuzzfox.feedback import Batch


class InFlight:
    def __init__(self) -> None:
        self.running: set[str] = set()  # program ids handed to a worker, no verdict yet
        self._open: dict[int, tuple[Batch, set[str]]] = {}  # batch id -> it, its ids without a verdict
        self.seeds: set[str] = set()  # ids of seed programs handed out (judged, not fed back as a batch)
        self.new: dict[str, bool] = {}  # program id -> its verdict showed something new

    def __len__(self) -> int:
        return len(self.running)

    def open(self, batch: Batch, without_verdict: Iterable[str]) -> bool:
        """Wait for ``batch``'s programs that have no verdict yet; False if none is left."""
        waiting = set(without_verdict)
        if not waiting:
            return False
        self._open[batch.id] = (batch, waiting)
        return True

    def start(self, program_id: str, seed: bool = False) -> None:
        self.running.add(program_id)
        if seed:
            self.seeds.add(program_id)

    def optimizations(self) -> list[str]:
        """What the open batches aim at: a draw for another batch leaves them out."""
        return sorted({batch.optimization for batch, _ in self._open.values()})

    def finish(self, program_id: str, new: bool) -> list[Batch]:
        """A verdict came for ``program_id``: the batches it completed."""
        self.running.discard(program_id)
        self.new[program_id] = new
        done = []
        for batch, waiting in list(self._open.values()):
            waiting.discard(program_id)
            if not waiting:
                del self._open[batch.id]
                done.append(batch)
        return done
