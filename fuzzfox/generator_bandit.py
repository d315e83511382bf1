"""Which generator writes the next batch, learned from what each one found per second spent.

Generators differ by orders of magnitude in cost and yield: the pattern-directed writer's first
visit of an optimization is one quick program that usually reaches it, a mutation batch is four
compiles near programs that already reached theirs, an op-graph synthesis batch four compiles of
hypothesis-drawn graphs, an LLM batch seconds to minutes of the model's time before any compile.
So a round draws its generator by Thompson sampling on each one's *yield per second*: a batch's
gain is its programs that showed something new (:class:`~fuzzfox.compile_bandit.Novelty`: an
optimization no earlier run triggered, or a bug whose provisional signature no earlier run
showed), its cost the seconds it took to write plus the seconds its programs took to judge.  Each
generator's rate has a Gamma(PRIOR_GAINS + gains, PRIOR_SECONDS + seconds) posterior; the draw
times the generator's ``--generators`` weight is its score, and the highest usable score wins.  A
generator whose work runs out (no optimization left without programs for the pattern writer) is
simply not usable; one that stops finding anything is drawn less and less, but never ruled out.

Kept in the campaign's SQLite store, so a resumed campaign goes on with what it learned.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Mapping

PRIOR_GAINS = 1.0
PRIOR_SECONDS = 10.0  # an optimistic prior (one find per 10 s): an untried generator gets tried

SCHEMA = """
CREATE TABLE IF NOT EXISTS generator_yield (
    generator TEXT PRIMARY KEY, gains REAL NOT NULL, seconds REAL NOT NULL, batches INTEGER NOT NULL
);
"""


class GeneratorBandit:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.db.executescript(SCHEMA)

    def choose(self, usable: Mapping[str, float], rng: random.Random) -> str | None:
        """The usable generator (name -> positive weight) with the highest drawn rate x weight."""
        if not usable:
            return None
        spent = {
            row[0]: (row[1], row[2])
            for row in self.db.execute("SELECT generator, gains, seconds FROM generator_yield")
        }
        best, best_score = None, -1.0
        for name in sorted(usable):
            gains, seconds = spent.get(name, (0.0, 0.0))
            rate = rng.gammavariate(PRIOR_GAINS + gains, 1.0 / (PRIOR_SECONDS + seconds))
            if rate * usable[name] > best_score:
                best, best_score = name, rate * usable[name]
        return best

    def credit(self, generator: str, gains: int, seconds: float) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO generator_yield VALUES (?, ?, ?, 1) ON CONFLICT (generator) DO UPDATE SET "
                "gains = gains + excluded.gains, seconds = seconds + excluded.seconds, batches = batches + 1",
                (generator, float(gains), max(0.0, seconds)),
            )

    def table(self) -> list[tuple[str, int, int, float]]:
        """(generator, batches, gains, seconds) so far."""
        rows = self.db.execute(
            "SELECT generator, batches, gains, seconds FROM generator_yield ORDER BY generator"
        )
        return [(name, int(batches), int(gains), float(seconds)) for name, batches, gains, seconds in rows]
