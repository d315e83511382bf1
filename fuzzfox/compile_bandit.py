"""Which compile settings a generated torch program is judged under, learned by Thompson sampling.

Each arm is a set of header pairs (``# compile:`` and ``# config:``, see
``oracles.torch.compile_settings``): static shapes as written, ``dynamic=True``, a second call on a new
size, marked dims, data-dependent capture, ``fullgraph``, and Inductor flags that are valid on CPU
(``cpp_wrapper``, ``freezing``, fusion and layout knobs).  Every generated program gets the arm with the
highest draw from its Beta(alpha, beta); after judging, the arm gets alpha += 1 when the program
showed something new (:class:`Novelty`), else beta += 1 (an invalid program, say a graph break
under ``fullgraph``, is a miss).  Kept in the campaign's SQLite store, so a
resumed campaign goes on with what it learned.  Settings are part of the program's header: the
store, the reports and the reproducers show them, and triage bisects them.
"""

from __future__ import annotations

import random
import sqlite3

from fuzzfox.program import Program, format_settings, parse_settings, with_header
from fuzzfox.stats import bug_timeline, signature_of_bug
from oracles.verdict import Outcome, Verdict

# arm -> the header pairs it adds, by field
ARMS: dict[str, dict[str, dict[str, object]]] = {
    "as-written": {},
    "dynamic": {"compile": {"dynamic": True}},
    "dynamic+resize": {"compile": {"dynamic": True, "resize": True}},
    "marked+resize": {"compile": {"dynamic": "marked", "resize": True}},
    "resize": {"compile": {"resize": True}},
    "data-dependent": {
        "compile": {"dynamic": True, "capture_scalar_outputs": True, "capture_dynamic_output_shape_ops": True}
    },
    "fullgraph": {"compile": {"fullgraph": True}},
    "cpp_wrapper": {"config": {"cpp_wrapper": True}},
    "freezing": {"config": {"freezing": True}},
    "fusion-knobs": {"config": {"aggressive_fusion": True, "epilogue_fusion": False}},
    "layout-knobs": {"config": {"force_layout_optimization": True, "keep_output_stride": False}},
}
# Not an arm: max_autotune.  On CPU it benchmarks GEMM templates at compile time (seconds to
# minutes a program on 2 cores), and the bandit rewards findings per program, not per second.
TARGETS = frozenset({"torch-inductor"})

SCHEMA = """
CREATE TABLE IF NOT EXISTS compile_arms (arm TEXT PRIMARY KEY, alpha REAL NOT NULL, beta REAL NOT NULL);
CREATE TABLE IF NOT EXISTS program_arms (program_id TEXT PRIMARY KEY, arm TEXT NOT NULL);
"""


def with_settings(program: Program, pairs: dict[str, dict[str, object]]) -> Program:
    """The program with ``pairs`` merged into its header fields (the arm's value wins)."""
    fields = {}
    for field, added in pairs.items():
        fields[field] = format_settings({**parse_settings(program.metadata.get(field, "")), **added})
    return with_header(program, **fields) if fields else program


class CompileBandit:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.db.executescript(SCHEMA)
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO compile_arms VALUES (?, 1.0, 1.0)", [(arm,) for arm in ARMS]
            )

    def assign(self, program: Program, rng: random.Random) -> Program:
        """The program under the arm with the highest Thompson draw (remembered for ``credit``)."""
        posteriors = self.db.execute("SELECT arm, alpha, beta FROM compile_arms").fetchall()
        arm = max(sorted(posteriors), key=lambda row: rng.betavariate(row[1], row[2]))[0]
        assigned = with_settings(program, ARMS[arm])
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO program_arms VALUES (?, ?)", (assigned.id, arm))
        return assigned

    def credit(self, program_id: str, success: bool) -> None:
        row = self.db.execute("SELECT arm FROM program_arms WHERE program_id = ?", (program_id,)).fetchone()
        if row is None:
            return
        column = "alpha" if success else "beta"
        with self.db:
            self.db.execute(f"UPDATE compile_arms SET {column} = {column} + 1 WHERE arm = ?", (row[0],))

    def table(self) -> list[tuple[str, int, int]]:
        """(arm, successes, misses) so far."""
        rows = self.db.execute("SELECT arm, alpha, beta FROM compile_arms ORDER BY arm").fetchall()
        return [(arm, int(alpha - 1), int(beta - 1)) for arm, alpha, beta in rows]


class Novelty:
    """What the compile bandit rewards: an optimization no earlier run triggered, or a bug whose
    provisional signature no earlier run showed.  A family found again earns nothing, or one
    false-positive family would pull the bandit to the settings that keep showing it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.triggered = {row[0] for row in db.execute("SELECT DISTINCT optimization FROM triggers")}
        self.bugs = {signature for _, signature in bug_timeline(db)}

    def is_new(self, verdict: Verdict) -> bool:
        new_triggers = set(verdict.triggers) - self.triggered
        self.triggered |= new_triggers
        if verdict.outcome is not Outcome.BUG:
            return bool(new_triggers)
        signature = signature_of_bug(verdict)
        new_bug = signature not in self.bugs
        self.bugs.add(signature)
        return new_bug or bool(new_triggers)
