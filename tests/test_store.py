"""The store: content-addressed programs, one run per (program, settings), nothing orphaned."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fuzzfox.store import Store
from oracles.verdict import Outcome, Verdict
from tests.conftest import program


def test_record_replaces_a_run_and_its_triggers_without_orphans(tmp_path: Path) -> None:
    store = Store(tmp_path)
    subject = program("relu_linear.py")
    store.add_programs([subject, subject])
    store.record(subject, "k", Verdict(Outcome.PASS, "first", triggers=["a.x", "b.y"]))
    store.record(subject, "k", Verdict(Outcome.BUG, "second", triggers=["a.x"]))
    store.record(subject, "other-settings", Verdict(Outcome.PASS, "third", triggers=["c.z"]))
    assert store.verdicts("k", [subject.id])[subject.id].summary == "second"
    assert store.trigger_counts() == {"a.x": 1, "c.z": 1}
    store.close()
    with sqlite3.connect(tmp_path / "fuzzfox.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM programs").fetchone() == (1,)
        assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)
        assert db.execute("SELECT COUNT(*) FROM verdicts").fetchone() == (2,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert (tmp_path / "programs" / f"{subject.id}.py").read_text() == subject.source
