"""Bug clusters in the campaign store: one entry per bug, however many programs hit it.

Every run recorded with outcome ``bug`` is a candidate; ``assign`` puts each candidate not yet in
a cluster into the cluster whose signature is the same bug (``signature.same_bug``), or founds a
new one.  It is incremental: run it again after more fuzzing and only the new candidates move.

A cluster keeps the signature it was founded with, except that a silent mismatch's ops and
optimizations are unknown (empty) until its representative is minimized, or named as a known
bug (its regression program's, :meth:`ClusterStore.record_known_bug`): then they become what
survived minimization, or what the regression program needs, and members that no longer fit
(``detach_strays``) go back to the unassigned pool for the next ``assign``.  Until a cluster is
first re-run, a smaller candidate that joins it becomes its representative (a smaller reproducer
is cheaper to minimize and read).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from fuzzfox.program import Program
from fuzzfox.store import DATABASE, Store
from fuzzfox.targets import TARGETS
from fuzzfox.triage.signature import Signature, is_silent, same_bug, signature_of
from oracles.verdict import Verdict

SCHEMA = """
CREATE TABLE IF NOT EXISTS clusters (
    id TEXT PRIMARY KEY,
    signature TEXT NOT NULL,
    representative TEXT NOT NULL,
    config_key TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reproduced INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cluster_members (
    run_id INTEGER PRIMARY KEY,
    cluster_id TEXT NOT NULL REFERENCES clusters(id),
    assigned REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS cluster_members_by_cluster ON cluster_members (cluster_id);
CREATE TABLE IF NOT EXISTS minimized (
    cluster_id TEXT PRIMARY KEY REFERENCES clusters(id),
    source TEXT NOT NULL,
    statements_before INTEGER NOT NULL,
    statements_after INTEGER NOT NULL,
    tokens_before INTEGER NOT NULL,
    tokens_after INTEGER NOT NULL,
    verified INTEGER NOT NULL,
    seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS known_bugs (
    cluster_id TEXT PRIMARY KEY REFERENCES clusters(id),
    path TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rechecks (
    id INTEGER PRIMARY KEY,
    cluster_id TEXT NOT NULL REFERENCES clusters(id),
    checked REAL NOT NULL,
    framework_version TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL
);
"""

# Only programs of a registered target can be re-run and minimized in the sandbox.
_TARGET_PROGRAM = f"programs.target IN ({', '.join(repr(name) for name in TARGETS)})"


class NotACampaignError(ValueError):
    """The directory holds no campaign store."""


@dataclasses.dataclass
class Member:
    program_id: str
    run_id: int
    seen: float
    optimization: str
    origin: str


@dataclasses.dataclass
class Minimized:
    source: str
    statements_before: int
    statements_after: int
    tokens_before: int
    tokens_after: int
    verified: bool
    seconds: float


@dataclasses.dataclass
class Recheck:
    when: float
    framework_version: str
    status: str  # "fixed" | "still failing" | "changed"
    detail: str


@dataclasses.dataclass
class KnownLabel:
    """The regression program (``corpus/regressions/``) whose bug a cluster is."""

    path: str
    description: str


@dataclasses.dataclass
class Cluster:
    id: str
    signature: Signature
    members: list[Member]
    first_seen: float
    last_seen: float
    reproduced: int  # re-runs of the representative that showed the signature
    attempts: int
    representative: str  # program id
    verdict: Verdict  # the representative's verdict
    minimized: Minimized | None
    rechecks: list[Recheck]
    known_bug: KnownLabel | None = None


@dataclasses.dataclass
class AssignResult:
    assigned: int  # candidates put into a cluster by this call
    new_clusters: int
    clusters: int  # clusters in the store afterwards


@dataclasses.dataclass
class _Known:
    id: str
    signature: Signature
    size: int  # the representative's source length
    open: bool  # not re-run yet: a smaller member may still become the representative


def founding_signature(signature: Signature) -> Signature:
    """A new cluster's signature: a silent mismatch's ops and optimizations are unknown until minimized."""
    if is_silent(signature):
        return dataclasses.replace(signature, ops=(), optimizations=())
    return signature


class ClusterStore:
    """The cluster tables of one campaign store."""

    def __init__(self, campaign: Path) -> None:
        if not (campaign / DATABASE).is_file():
            raise NotACampaignError(f"{campaign} is not a campaign directory (no {DATABASE} in it)")
        self.campaign = campaign
        self._store = Store(campaign)
        self.db = self._store.db
        self.db.executescript(SCHEMA)
        self.db.commit()

    def __enter__(self) -> ClusterStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._store.close()

    def bug_runs(self) -> int:
        """Bug runs of target programs: crosscheck cases (target ``crosscheck``) have their own replay."""
        return self.db.execute(
            "SELECT COUNT(*) FROM runs JOIN programs ON programs.id = runs.program_id "
            f"WHERE runs.outcome = 'bug' AND {_TARGET_PROGRAM}"
        ).fetchone()[0]

    def run_count(self) -> int:
        return self._store.run_count()

    # -- assignment --------------------------------------------------------------------

    def assign(self) -> AssignResult:
        """Put every bug run that is in no cluster into one (see the module docstring)."""
        assigned = founded = 0
        with self.db:
            self.db.execute("DELETE FROM cluster_members WHERE run_id NOT IN (SELECT id FROM runs)")
            known = self._known()
            rows = self.db.execute(
                "SELECT runs.id, runs.program_id, runs.config_key, verdicts.verdict, programs.source "
                "FROM runs JOIN verdicts ON verdicts.run_id = runs.id "
                "JOIN programs ON programs.id = runs.program_id "
                "WHERE runs.outcome = 'bug' AND runs.id NOT IN (SELECT run_id FROM cluster_members) "
                f"AND {_TARGET_PROGRAM} ORDER BY runs.finished, runs.id"
            ).fetchall()
            for run_id, program_id, key, verdict_json, source in rows:
                signature = signature_of(Verdict.from_json(verdict_json), source)
                cluster = _best_match(signature, known)
                if cluster is None:
                    cluster = self._found(signature, program_id, key, verdict_json, source)
                    known.append(cluster)
                    founded += 1
                elif cluster.open and len(source) < cluster.size:
                    self.db.execute(
                        "UPDATE clusters SET representative = ?, config_key = ?, verdict = ? WHERE id = ?",
                        (program_id, key, verdict_json, cluster.id),
                    )
                    cluster.size = len(source)
                self.db.execute(
                    "INSERT INTO cluster_members VALUES (?, ?, ?)", (run_id, cluster.id, time.time())
                )
                assigned += 1
        return AssignResult(assigned, founded, len(known))

    def _known(self) -> list[_Known]:
        rows = self.db.execute(
            "SELECT clusters.id, clusters.signature, LENGTH(programs.source), clusters.attempts "
            "FROM clusters JOIN programs ON programs.id = clusters.representative "
            "ORDER BY clusters.created, clusters.id"
        )
        return [
            _Known(cid, Signature.from_dict(json.loads(text)), size, attempts == 0)
            for cid, text, size, attempts in rows
        ]

    def _found(
        self, signature: Signature, program_id: str, key: str, verdict_json: str, source: str
    ) -> _Known:
        founding = founding_signature(signature)
        seed = f"{founding.key()}:{program_id}"
        cluster_id = hashlib.sha256(seed.encode()).hexdigest()[:10]
        while self.db.execute("SELECT 1 FROM clusters WHERE id = ?", (cluster_id,)).fetchone():
            seed += "+"
            cluster_id = hashlib.sha256(seed.encode()).hexdigest()[:10]
        self.db.execute(
            "INSERT INTO clusters (id, signature, representative, config_key, verdict, created) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (cluster_id, json.dumps(founding.to_dict()), program_id, key, verdict_json, time.time()),
        )
        return _Known(cluster_id, founding, len(source), True)

    def detach_strays(self, cluster_id: str, fits: Callable[[Signature, Verdict], bool] | None = None) -> int:
        """Take members that no longer fit the cluster's (refined) signature, or that ``fits`` (a
        member's signature and verdict) rejects, out; returns how many."""
        signature, representative = self._signature_and_representative(cluster_id)
        rows = self.db.execute(
            "SELECT runs.id, runs.program_id, verdicts.verdict, programs.source FROM cluster_members "
            "JOIN runs ON runs.id = cluster_members.run_id JOIN verdicts ON verdicts.run_id = runs.id "
            "JOIN programs ON programs.id = runs.program_id WHERE cluster_members.cluster_id = ?",
            (cluster_id,),
        ).fetchall()

        def fitting(verdict: Verdict, source: str) -> bool:
            observed = signature_of(verdict, source)
            return fits(observed, verdict) if fits is not None else same_bug(observed, signature)

        strays = [
            (run_id,)
            for run_id, program_id, verdict_json, source in rows
            if program_id != representative and not fitting(Verdict.from_json(verdict_json), source)
        ]
        with self.db:
            self.db.executemany("DELETE FROM cluster_members WHERE run_id = ?", strays)
        return len(strays)

    def merge_same_bugs(self) -> int:
        """Fold each minimized cluster into the oldest minimized one that is the same bug by their
        refined signatures; returns how many were folded.

        Two clusters can be founded before either is minimized and turn out one bug: a member the
        first one detached (its program had ops the bug does not need) founds the second, whose
        minimized reproducer then needs the same ops and optimizations as the first's (one of
        freezing's qlinear bugs came out as two clusters with the same title this way)."""
        rows = self.db.execute(
            "SELECT clusters.id, clusters.signature FROM clusters "
            "JOIN minimized ON minimized.cluster_id = clusters.id ORDER BY clusters.created, clusters.id"
        ).fetchall()
        kept: list[tuple[str, Signature]] = []
        folded = 0
        with self.db:
            for cluster_id, text in rows:
                signature = Signature.from_dict(json.loads(text))
                into = next((kept_id for kept_id, known in kept if same_bug(signature, known)), None)
                if into is None:
                    kept.append((cluster_id, signature))
                    continue
                self._fold(cluster_id, into)
                folded += 1
        return folded

    def _fold(self, cluster_id: str, into: str) -> None:
        """Move a cluster's members into another and drop it (inside the caller's transaction)."""
        self.db.execute("UPDATE cluster_members SET cluster_id = ? WHERE cluster_id = ?", (into, cluster_id))
        for table in ("minimized", "rechecks", "known_bugs"):
            self.db.execute(f"DELETE FROM {table} WHERE cluster_id = ?", (cluster_id,))
        self.db.execute("DELETE FROM clusters WHERE id = ?", (cluster_id,))

    def record_known_bug(self, cluster_id: str, label: KnownLabel, known: Signature) -> str:
        """Label the cluster with the known bug it shows; a cluster already labelled with it (the
        oldest) takes its members instead.  Returns the cluster that now holds them.

        A silent mismatch's cluster takes the ops and optimizations of ``known`` (the regression
        program's signature) as minimization would have given it: left unknown (empty), the
        cluster would go on taking every wrong value at the same place, other bugs too."""
        row = self.db.execute(
            "SELECT known_bugs.cluster_id FROM known_bugs "
            "JOIN clusters ON clusters.id = known_bugs.cluster_id "
            "WHERE known_bugs.path = ? AND known_bugs.cluster_id != ? ORDER BY clusters.created LIMIT 1",
            (label.path, cluster_id),
        ).fetchone()
        with self.db:
            if row is not None:
                self._fold(cluster_id, row[0])
                return row[0]
            self.db.execute(
                "INSERT OR REPLACE INTO known_bugs VALUES (?, ?, ?)",
                (cluster_id, label.path, label.description),
            )
            signature, _ = self._signature_and_representative(cluster_id)
            if is_silent(signature):
                refined = dataclasses.replace(signature, ops=known.ops, optimizations=known.optimizations)
                text = json.dumps(refined.to_dict())
                self.db.execute("UPDATE clusters SET signature = ? WHERE id = ?", (text, cluster_id))
        return cluster_id

    def _signature_and_representative(self, cluster_id: str) -> tuple[Signature, str]:
        text, representative = self.db.execute(
            "SELECT signature, representative FROM clusters WHERE id = ?", (cluster_id,)
        ).fetchone()
        return Signature.from_dict(json.loads(text)), representative

    # -- results of reproduction, minimization and rechecks ----------------------------

    def record_reproduction(self, cluster_id: str, reproduced: int, attempts: int) -> None:
        with self.db:
            self.db.execute(
                "UPDATE clusters SET reproduced = ?, attempts = ? WHERE id = ?",
                (reproduced, attempts, cluster_id),
            )

    def record_minimized(self, cluster_id: str, minimized: Minimized, signature: Signature) -> None:
        """Store the minimized reproducer and the signature refined from it."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO minimized VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cluster_id,
                    minimized.source,
                    minimized.statements_before,
                    minimized.statements_after,
                    minimized.tokens_before,
                    minimized.tokens_after,
                    int(minimized.verified),
                    minimized.seconds,
                ),
            )
            self.db.execute(
                "UPDATE clusters SET signature = ? WHERE id = ?",
                (json.dumps(signature.to_dict()), cluster_id),
            )

    def add_recheck(self, cluster_id: str, recheck: Recheck) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO rechecks (cluster_id, checked, framework_version, status, detail) "
                "VALUES (?, ?, ?, ?, ?)",
                (cluster_id, recheck.when, recheck.framework_version, recheck.status, recheck.detail),
            )

    # -- reading -----------------------------------------------------------------------

    def config_key(self, cluster_id: str) -> str:
        """The run settings the representative's verdict was recorded under."""
        return self.db.execute("SELECT config_key FROM clusters WHERE id = ?", (cluster_id,)).fetchone()[0]

    def program(self, program_id: str) -> Program:
        source, metadata, path = self.db.execute(
            "SELECT source, metadata, path FROM programs WHERE id = ?", (program_id,)
        ).fetchone()
        return Program(source, json.loads(metadata), path)

    def clusters(self) -> list[Cluster]:
        """Every cluster, oldest first sighting first."""
        members = self._members()
        minimized = self._minimized()
        rechecks = self._rechecks()
        rows = self.db.execute("SELECT cluster_id, path, description FROM known_bugs")
        known = {cid: KnownLabel(path, description) for cid, path, description in rows}
        found = []
        for cid, signature, representative, verdict, reproduced, attempts, created in self.db.execute(
            "SELECT id, signature, representative, verdict, reproduced, attempts, created FROM clusters"
        ).fetchall():
            own = members.get(cid, [])
            seen = [m.seen for m in own] or [created]
            found.append(
                Cluster(
                    id=cid,
                    signature=Signature.from_dict(json.loads(signature)),
                    members=own,
                    first_seen=min(seen),
                    last_seen=max(seen),
                    reproduced=reproduced,
                    attempts=attempts,
                    representative=representative,
                    verdict=Verdict.from_json(verdict),
                    minimized=minimized.get(cid),
                    rechecks=rechecks.get(cid, []),
                    known_bug=known.get(cid),
                )
            )
        return sorted(found, key=lambda c: (c.first_seen, c.id))

    def _members(self) -> dict[str, list[Member]]:
        members: dict[str, list[Member]] = {}
        for cid, program_id, run_id, seen, optimization, origin in self.db.execute(
            "SELECT cluster_members.cluster_id, runs.program_id, runs.id, runs.finished, "
            "programs.optimization, programs.origin FROM cluster_members "
            "JOIN runs ON runs.id = cluster_members.run_id JOIN programs ON programs.id = runs.program_id "
            "ORDER BY runs.finished, runs.id"
        ):
            members.setdefault(cid, []).append(Member(program_id, run_id, seen, optimization, origin))
        return members

    def _minimized(self) -> dict[str, Minimized]:
        rows = self.db.execute(
            "SELECT cluster_id, source, statements_before, statements_after, tokens_before, tokens_after, "
            "verified, seconds FROM minimized"
        )
        return {
            cid: Minimized(source, before, after, tokens_before, tokens_after, bool(verified), seconds)
            for cid, source, before, after, tokens_before, tokens_after, verified, seconds in rows
        }

    def _rechecks(self) -> dict[str, list[Recheck]]:
        rechecks: dict[str, list[Recheck]] = {}
        for cid, when, version, status, detail in self.db.execute(
            "SELECT cluster_id, checked, framework_version, status, detail FROM rechecks ORDER BY checked, id"
        ):
            rechecks.setdefault(cid, []).append(Recheck(when, version, status, detail))
        return rechecks


def _best_match(signature: Signature, known: list[_Known]) -> _Known | None:
    """The cluster a candidate belongs to: an exact message first, then the most specific, then the oldest."""
    matches = [cluster for cluster in known if same_bug(signature, cluster.signature)]
    if not matches:
        return None
    return max(
        matches,
        key=lambda c: (
            c.signature.message == signature.message,
            len(c.signature.ops) + len(c.signature.optimizations),
        ),
    )


def assign(campaign: Path) -> AssignResult:
    """Cluster every recorded bug candidate of the campaign that is in no cluster yet."""
    with ClusterStore(campaign) as store:
        return store.assign()


def load_clusters(campaign: Path) -> list[Cluster]:
    """The campaign's clusters (from DIR/fuzzfox.sqlite), oldest first sighting first."""
    with ClusterStore(campaign) as store:
        return store.clusters()
