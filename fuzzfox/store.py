"""One SQLite file per campaign directory: programs, runs, verdicts.

Write-ahead logging, and one transaction per finished run: a run is recorded whole or not at
all, so a campaign killed at any instant resumes by running exactly what has no run yet.
Programs are content-addressed (id = sha256 of the source) and also written as files under
``DIR/programs/`` so a person can open them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fuzzfox.program import Program
from oracles.verdict import Verdict

SCHEMA = """
CREATE TABLE IF NOT EXISTS programs (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    optimization TEXT NOT NULL,
    origin TEXT NOT NULL,
    parent TEXT NOT NULL,
    path TEXT,
    metadata TEXT NOT NULL,
    source TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    program_id TEXT NOT NULL REFERENCES programs(id),
    config_key TEXT NOT NULL,
    finished REAL NOT NULL,
    seconds REAL NOT NULL,
    outcome TEXT NOT NULL,
    symptom TEXT,
    stage TEXT,
    backend TEXT,
    UNIQUE (program_id, config_key)
);
CREATE TABLE IF NOT EXISTS verdicts (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id),
    summary TEXT NOT NULL,
    verdict TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS triggers (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    optimization TEXT NOT NULL,
    PRIMARY KEY (run_id, optimization)
);
CREATE TABLE IF NOT EXISTS configs (
    key TEXT PRIMARY KEY,
    description TEXT NOT NULL
);
"""
DATABASE = "fuzzfox.sqlite"


def config_key(description: dict[str, Any]) -> str:
    """What makes two runs of a program comparable: target, settings, framework versions."""
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()[:16]


class Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        # Only the campaign's user may read it: sandboxed programs run as another uid.
        directory.chmod(0o700)
        (directory / "programs").mkdir(exist_ok=True)
        self.db = sqlite3.connect(directory / DATABASE, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def add_programs(self, programs: Iterable[Program]) -> None:
        with self.db:
            for program in programs:
                self._add_program(program)

    def _add_program(self, program: Program) -> None:
        file = self.directory / "programs" / f"{program.id}.py"
        if not file.exists():
            partial = file.with_suffix(".partial")
            partial.write_text(program.source)
            partial.rename(file)
        self.db.execute(
            "INSERT OR IGNORE INTO programs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                program.id,
                program.target,
                program.optimization,
                program.metadata.get("origin", ""),
                program.metadata.get("parent", ""),
                program.path,
                json.dumps(program.metadata),
                program.source,
                time.time(),
            ),
        )

    def add_config(self, key: str, description: dict[str, Any]) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO configs VALUES (?, ?)", (key, json.dumps(description, sort_keys=True))
            )

    def record(self, program: Program, key: str, verdict: Verdict) -> None:
        """Store one finished run, its verdict and triggers in one transaction (replacing an older one)."""
        with self.db:
            for (old,) in self.db.execute(
                "SELECT id FROM runs WHERE program_id = ? AND config_key = ?", (program.id, key)
            ).fetchall():
                for table in ("triggers", "verdicts"):
                    self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (old,))
                self.db.execute("DELETE FROM runs WHERE id = ?", (old,))
            run_id = self.db.execute(
                "INSERT INTO runs (program_id, config_key, finished, seconds, outcome, symptom, stage, "
                "backend) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    program.id,
                    key,
                    time.time(),
                    verdict.seconds,
                    verdict.outcome.value,
                    verdict.symptom and verdict.symptom.value,
                    verdict.stage and verdict.stage.value,
                    verdict.backend,
                ),
            ).lastrowid
            self.db.execute(
                "INSERT INTO verdicts VALUES (?, ?, ?)", (run_id, verdict.summary, verdict.to_json())
            )
            self.db.executemany(
                "INSERT INTO triggers VALUES (?, ?)", [(run_id, name) for name in verdict.triggers]
            )

    def verdicts(self, key: str, program_ids: Iterable[str]) -> dict[str, Verdict]:
        """Recorded verdicts under ``key`` for the given programs (those that have one)."""
        wanted = list(program_ids)
        found: dict[str, Verdict] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.execute(
                "SELECT runs.program_id, verdicts.verdict FROM runs "
                "JOIN verdicts ON verdicts.run_id = runs.id "
                f"WHERE runs.config_key = ? AND runs.program_id IN ({','.join('?' * len(chunk))})",
                (key, *chunk),
            )
            found.update((program_id, Verdict.from_json(text)) for program_id, text in rows)
        return found

    def trigger_counts(self) -> dict[str, int]:
        """How many recorded runs reached each optimization."""
        rows = self.db.execute("SELECT optimization, COUNT(*) FROM triggers GROUP BY optimization")
        return dict(rows.fetchall())

    def run_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
