"""Feedback: per-optimization pools of triggering programs, Thompson sampling, scheduling.

WhiteFox's loop, kept in the campaign's SQLite store so a killed campaign resumes with the
same pools and posteriors:

- every optimization has a pool of programs that triggered it, deduplicated by normalized AST
  (``program_shape``), each with a Beta(alpha, beta) posterior of "a prompt showing me yields
  programs that trigger this optimization";
- examples for a prompt are the top-k of one draw theta ~ Beta(alpha, beta) per pool program;
- after a batch is judged, each example it showed gets alpha += the batch's outputs that
  triggered the optimization and beta += the rest (an output that does not parse counts as a
  miss: a prompt that yields garbage is a worse prompt);
- any judged program that triggered an optimization enters that optimization's pool, whatever
  the optimization it was written for.

Scheduling spends where triggers are still rare and where nobody has looked yet: an optimization
is drawn with weight 1 / sqrt(1 + its triggering programs) / (1 + its newest batches in a row that
added nothing), so one never tried comes before one tried in vain, and it is retired once
``patience`` batches in a row aimed at it added nothing new to its pool (saturated, or out of
reach of the generators).
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence

from fuzzfox.generation.shape import program_shape
from fuzzfox.program import Program

PRIOR_ALPHA = 1.0
PRIOR_BETA = 1.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS pool (
    optimization TEXT NOT NULL,
    program_id TEXT NOT NULL REFERENCES programs(id),
    shape TEXT NOT NULL,
    alpha REAL NOT NULL,
    beta REAL NOT NULL,
    added REAL NOT NULL,
    PRIMARY KEY (optimization, program_id),
    UNIQUE (optimization, shape)
);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    round INTEGER NOT NULL UNIQUE,
    optimization TEXT NOT NULL,
    generator TEXT NOT NULL,
    examples TEXT NOT NULL,
    produced INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    created REAL NOT NULL,
    judged INTEGER,
    triggered INTEGER,
    new_in_pool INTEGER,
    finished REAL
);
CREATE TABLE IF NOT EXISTS batch_programs (
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    program_id TEXT NOT NULL REFERENCES programs(id),
    PRIMARY KEY (batch_id, program_id)
);
CREATE TABLE IF NOT EXISTS rejects (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    category TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL
);
"""


@dataclasses.dataclass(frozen=True)
class PoolEntry:
    program_id: str
    alpha: float
    beta: float


@dataclasses.dataclass(frozen=True)
class Batch:
    id: int
    round: int
    optimization: str
    generator: str
    examples: tuple[str, ...]
    program_ids: tuple[str, ...]
    produced: int


@dataclasses.dataclass(frozen=True)
class BatchOutcome:
    triggered: int  # programs of the batch that triggered its optimization
    new_in_pool: dict[str, int]  # optimization -> programs newly added to its pool


class Feedback:
    """Pools, posteriors and batches, in the campaign's SQLite connection."""

    def __init__(self, db: sqlite3.Connection, patience: int = 4) -> None:
        self.db = db
        self.patience = patience
        self.db.executescript(SCHEMA)
        self.db.commit()

    # -- pools -------------------------------------------------------------------------

    def pool(self, optimization: str) -> list[PoolEntry]:
        rows = self.db.execute(
            "SELECT program_id, alpha, beta FROM pool WHERE optimization = ? ORDER BY added, program_id",
            (optimization,),
        )
        return [PoolEntry(*row) for row in rows]

    def _seed_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM programs WHERE origin = 'seed'")}

    def pool_sizes(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT optimization, COUNT(*) FROM pool GROUP BY optimization"))

    def _add_to_pool(self, optimization: str, program: Program) -> bool:
        """True if the program is new to the pool (by normalized AST)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO pool VALUES (?, ?, ?, ?, ?, ?)",
            (optimization, program.id, program_shape(program.source), PRIOR_ALPHA, PRIOR_BETA, time.time()),
        )
        return cursor.rowcount == 1

    def seed(self, judged: Iterable[tuple[Program, Sequence[str]]]) -> dict[str, int]:
        """Put programs into the pools of the optimizations they triggered; new entries per pool."""
        added: dict[str, int] = {}
        with self.db:
            for program, triggers in judged:
                for optimization in triggers:
                    if self._add_to_pool(optimization, program):
                        added[optimization] = added.get(optimization, 0) + 1
        return added

    def draw_examples(
        self, optimization: str, k: int, rng: random.Random, selection: str = "thompson"
    ) -> list[str]:
        """Thompson sampling: one theta ~ Beta(alpha, beta) per pool program, the top k.

        ``selection="seeds"`` is the one-shot baseline: the seed programs of the pool, in the order
        they were added, whatever the posteriors say.
        """
        if selection == "seeds":
            return [e.program_id for e in self.pool(optimization) if e.program_id in self._seed_ids()][:k]
        scored = [(rng.betavariate(e.alpha, e.beta), e.program_id) for e in self.pool(optimization)]
        scored.sort(key=lambda pair: pair[0], reverse=True)
        return [program_id for _, program_id in scored[:k]]

    # -- batches -----------------------------------------------------------------------

    def rounds_done(self) -> int:
        """Rounds begun so far; the next round's number (rounds are numbered from 0)."""
        row = self.db.execute("SELECT MAX(round) FROM batches").fetchone()
        return 0 if row[0] is None else row[0] + 1

    def open_batch(
        self,
        round_number: int,
        optimization: str,
        generator: str,
        examples: Sequence[str],
        programs: Sequence[Program],
        rejects: Sequence[tuple[str, str, str]],
    ) -> Batch:
        """Record a generated batch (its programs must already be in the store) in one transaction.

        ``rejects`` are (category, reason, source) of outputs that were not programs.
        """
        ids = tuple(dict.fromkeys(p.id for p in programs))
        produced = len(programs) + len(rejects)
        with self.db:
            batch_id = self.db.execute(
                "INSERT INTO batches (round, optimization, generator, examples, produced, valid, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    round_number,
                    optimization,
                    generator,
                    json.dumps(list(examples)),
                    produced,
                    len(programs),
                    time.time(),
                ),
            ).lastrowid
            assert batch_id is not None
            self.db.executemany("INSERT INTO batch_programs VALUES (?, ?)", [(batch_id, i) for i in ids])
            self.db.executemany(
                "INSERT INTO rejects (batch_id, category, reason, source) VALUES (?, ?, ?, ?)",
                [(batch_id, *reject) for reject in rejects],
            )
        return Batch(batch_id, round_number, optimization, generator, tuple(examples), ids, produced)

    def unfinished_batches(self) -> list[Batch]:
        """Batches generated but not yet fed back (a campaign stopped between the two)."""
        rows = self.db.execute(
            "SELECT id, round, optimization, generator, examples, produced FROM batches "
            "WHERE finished IS NULL ORDER BY round"
        ).fetchall()
        batches = []
        for batch_id, round_number, optimization, generator, examples, produced in rows:
            ids = tuple(
                r[0]
                for r in self.db.execute(
                    "SELECT program_id FROM batch_programs WHERE batch_id = ? ORDER BY rowid", (batch_id,)
                )
            )
            batches.append(
                Batch(
                    batch_id,
                    round_number,
                    optimization,
                    generator,
                    tuple(json.loads(examples)),
                    ids,
                    produced,
                )
            )
        return batches

    def close_batch(self, batch: Batch, judged: Sequence[tuple[Program, Sequence[str]]]) -> BatchOutcome:
        """Update the examples' posteriors and the pools from the judged batch, in one transaction."""
        triggered = sum(batch.optimization in triggers for _, triggers in judged)
        misses = batch.produced - triggered
        new_in_pool: dict[str, int] = {}
        with self.db:
            self.db.executemany(
                "UPDATE pool SET alpha = alpha + ?, beta = beta + ? "
                "WHERE optimization = ? AND program_id = ?",
                [(triggered, misses, batch.optimization, example) for example in batch.examples],
            )
            for program, triggers in judged:
                for optimization in triggers:
                    if self._add_to_pool(optimization, program):
                        new_in_pool[optimization] = new_in_pool.get(optimization, 0) + 1
            self.db.execute(
                "UPDATE batches SET judged = ?, triggered = ?, new_in_pool = ?, finished = ? WHERE id = ?",
                (len(judged), triggered, new_in_pool.get(batch.optimization, 0), time.time(), batch.id),
            )
        return BatchOutcome(triggered, new_in_pool)

    # -- scheduling --------------------------------------------------------------------

    def _fruitless_streaks(self) -> dict[str, int]:
        """Per optimization aimed at, its newest finished batches in a row that added nothing to its
        pool (counted up to ``patience``)."""
        rows = self.db.execute(
            "SELECT optimization, new_in_pool FROM batches WHERE finished IS NOT NULL ORDER BY round DESC"
        )
        streaks: dict[str, int] = {}
        ended: set[str] = set()
        for optimization, new in rows:
            if optimization in ended:
                continue
            streak = streaks.setdefault(optimization, 0)
            if new or streak >= self.patience:
                ended.add(optimization)
            else:
                streaks[optimization] = streak + 1
        return streaks

    def retired(self) -> set[str]:
        """Optimizations whose last ``patience`` finished batches added nothing to their pool."""
        return {o for o, streak in self._fruitless_streaks().items() if streak >= self.patience}

    def aimed_at(self, generator: str | None = None) -> set[str]:
        """Optimizations some batch (finished or not) was generated for, by ``generator`` if named."""
        if generator is None:
            return {row[0] for row in self.db.execute("SELECT DISTINCT optimization FROM batches")}
        query = "SELECT DISTINCT optimization FROM batches WHERE generator = ?"
        return {row[0] for row in self.db.execute(query, (generator,))}

    def choose_optimization(
        self,
        candidates: Sequence[str],
        rng: random.Random,
        exclude: Iterable[str] = (),
        visited_kin: Mapping[str, int] | None = None,
        reach: Mapping[str, int] | None = None,
    ) -> str | None:
        """Rare and untried first: weight 1/sqrt(1 + pool size)/(1 + fruitless streak), divided by
        1 + the candidate's ``visited_kin`` (how many optimizations sharing its code were visited
        already) and times its ``reach`` (how many optimizations its visit makes calls of, 1 where
        not given); None when every candidate not in ``exclude`` is retired."""
        streaks = self._fruitless_streaks()
        excluded = set(exclude)
        active = [o for o in candidates if o not in excluded and streaks.get(o, 0) < self.patience]
        if not active:
            return None
        sizes = self.pool_sizes()
        kin, visits = visited_kin or {}, reach or {}
        weights = [
            visits.get(o, 1) / math.sqrt(1 + sizes.get(o, 0)) / (1 + streaks.get(o, 0)) / (1 + kin.get(o, 0))
            for o in active
        ]
        return rng.choices(active, weights=weights, k=1)[0]
