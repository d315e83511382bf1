"""Re-run, minimize and recheck cluster representatives in the sandbox.

``triage`` clusters the campaign's bug candidates, re-runs each new cluster's representative
``reruns`` times (each run a fresh forked sandbox child, under the settings its verdict was
recorded with), minimizes the ones that reproduced, and records everything in the store.
Minimizing a silent mismatch, or naming it after a known bug, tells which ops the bug needs;
members without them are detached and clustered again, so this repeats until nothing moves.
Each round peels one bug off a chain: members detached together found one cluster whose ops are
unknown again (a fault campaign's wrong values at one place held four bugs, and the injected one
was detached in the third round, left in no cluster when triage stopped there).  A round that
goes on has detached a member, which joins a cluster whose ops are known or founds one, so the
rounds are bounded by the candidates.

``recheck`` re-runs every cluster's reproducer (minimized if there is one) on the installed
framework and records whether the bug is fixed, still failing, or changed into another one.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from fuzzfox.program import Program, parse_program
from fuzzfox.runner import UsageError
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import LocalPool, PoolConfig
from fuzzfox.targets import get_target
from fuzzfox.triage.clusters import Cluster, ClusterStore, KnownLabel, Minimized, Recheck
from fuzzfox.triage.known import KnownBugs
from fuzzfox.triage.minimize import minimize
from fuzzfox.triage.signature import Signature, is_silent, program_ops, reproduces, signature_of
from oracles.verdict import Outcome, Verdict

PROGRESS_EVERY_S = 10.0
FIXED, STILL_FAILING, CHANGED = "fixed", "still failing", "changed"

Note = Callable[[str], None]


@dataclasses.dataclass
class TriageOptions:
    reruns: int = 3
    minimize: bool = True
    budget_tests: int = 200
    budget_seconds: float = 600.0
    jobs: int = 1
    known_bugs: bool = True  # name clusters of the regression programs' bugs instead of minimizing them


@dataclasses.dataclass
class RunSettings:
    """What a reproducer runs under: the target, its settings, and the sandbox limits."""

    target: str
    settings: dict[str, Any]
    limits: Limits

    def pool_key(self) -> str:
        return json.dumps([self.target, self.settings, dataclasses.asdict(self.limits)], sort_keys=True)


def recorded_settings(db: sqlite3.Connection, key: str) -> RunSettings:
    """The settings runs under config ``key`` were recorded with (store ``configs`` table)."""
    row = db.execute("SELECT description FROM configs WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise UsageError(f"the store has no run settings under key {key}")
    description = json.loads(row[0])
    return RunSettings(description["target"], description["settings"], recorded_limits(db))


def recorded_limits(db: sqlite3.Connection) -> Limits:
    """The campaign's per-program limits if a campaign recorded them (``fuzzfox run`` does not)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'campaign_meta'").fetchone():
        return Limits()
    row = db.execute("SELECT value FROM campaign_meta WHERE key = 'options'").fetchone()
    options = json.loads(row[0]) if row else {}
    defaults = Limits()
    return Limits(
        timeout_s=float(options.get("timeout", defaults.timeout_s)),
        memory_bytes=int(float(options.get("memory_gb", defaults.memory_bytes / (1 << 30))) * (1 << 30)),
    )


class Pools:
    """Sandbox pools started on first use, one per distinct run settings, reused until closed."""

    def __init__(self, jobs: int, log_dir: Path, note: Note) -> None:
        self.jobs = jobs
        self.log_dir = log_dir
        self.note = note
        self._pools: dict[str, LocalPool] = {}

    def __enter__(self) -> Pools:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for pool in self._pools.values():
            if error is None:
                pool.close()
            else:
                pool.kill()

    def judge(self, run: RunSettings, programs: list[Program]) -> list[Verdict]:
        """Verdicts in the programs' order (a program may appear more than once)."""
        pool = self._pools.get(run.pool_key()) or self._start(run)
        verdicts: dict[str, list[Verdict]] = {}
        for program, verdict in pool.run(programs):
            verdicts.setdefault(program.id, []).append(verdict)
        return [verdicts[program.id].pop() for program in programs]

    def _start(self, run: RunSettings) -> LocalPool:
        if reason := get_target(run.target).missing_reason():
            raise UsageError(reason)
        backends = ",".join(run.settings.get("backends", [])) or "default backends"
        self.note(f"starting {self.jobs} sandbox worker(s): {run.target} with {backends}")
        pool = LocalPool(PoolConfig(run.target, run.settings, self.jobs, run.limits, log_dir=self.log_dir))
        pool.start()
        self._pools[run.pool_key()] = pool
        return pool


def _shows(verdict: Verdict, program: Program, expected: Signature) -> bool:
    return verdict.is_bug and reproduces(signature_of(verdict, program.source), expected)


# -- triage -----------------------------------------------------------------------------


def triage(campaign: Path, options: TriageOptions, note: Note) -> list[Cluster]:
    """Cluster, re-run and minimize the campaign's bug candidates; returns every cluster."""
    with ClusterStore(campaign) as store, Pools(options.jobs, campaign / "logs", note) as pools:
        known = KnownBugs(pools.judge, note)
        if not store.bug_runs():
            others = store.db.execute("SELECT COUNT(*) FROM runs WHERE outcome = 'bug'").fetchone()[0]
            if others:
                raise UsageError(
                    f"the {others} bug candidate(s) in {campaign} are crosscheck cases, which triage "
                    "does not re-run: each one's replay script is in DIR/programs "
                    "(`fuzzfox report` lists them)"
                )
            raise UsageError(f"no bug candidates recorded in {campaign} ({store.run_count()} runs)")
        for _ in range(store.bug_runs() + 1):
            result = store.assign()
            note(
                f"{result.assigned} new candidates clustered ({result.new_clusters} new clusters, "
                f"{result.clusters} in all)"
            )
            clusters = store.clusters()
            _reproduce(store, pools, [c for c in clusters if c.attempts == 0], options.reruns, note)
            if not options.minimize:
                break
            detached = 0
            for cluster in store.clusters():
                if cluster.minimized is not None or cluster.reproduced == 0 or cluster.known_bug:
                    continue
                strays = _label_known_bug(store, known, cluster, note) if options.known_bugs else None
                if strays is not None:
                    detached += strays
                    continue
                detached += _minimize(store, pools, cluster, options, note)
            if merged := store.merge_same_bugs():
                note(f"{merged} minimized clusters are the same bug as an older one: folded into it")
            if not detached:
                break
            note(f"{detached} members no longer fit their minimized cluster: clustering them again")
        return store.clusters()


def _reproduce(store: ClusterStore, pools: Pools, clusters: list[Cluster], reruns: int, note: Note) -> None:
    """Re-run each representative ``reruns`` times; record how many runs showed its signature."""
    by_settings: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        by_settings.setdefault(store.config_key(cluster.id), []).append(cluster)
    for key, group in by_settings.items():
        run = recorded_settings(store.db, key)
        programs = {c.id: store.program(c.representative) for c in group}
        note(f"re-running {len(group)} representative(s) {reruns} times each")
        batch = [programs[c.id] for c in group for _ in range(reruns)]
        verdicts = pools.judge(run, batch)
        for index, cluster in enumerate(group):
            mine = verdicts[index * reruns : (index + 1) * reruns]
            shown = sum(_shows(v, programs[cluster.id], cluster.signature) for v in mine)
            store.record_reproduction(cluster.id, shown, reruns)
            note(f"cluster {cluster.id}: reproduced {shown}/{reruns} ({cluster.signature.title()[:80]})")


def _label_known_bug(store: ClusterStore, known: KnownBugs, cluster: Cluster, note: Note) -> int | None:
    """Label the cluster with the regression program whose bug its representative shows and
    detach the members that do not show it (an unminimized silent cluster took every wrong value
    at its place: in a fault campaign, a bundle of OpInfo calls holding the injected avg_pool
    fault sat in the cluster of pattern 20's known masked_fill bug).  Returns how many members
    were detached, None if the cluster shows no known bug."""
    run = recorded_settings(store.db, store.config_key(cluster.id))
    observed = signature_of(cluster.verdict, store.program(cluster.representative).source)
    found = known.match(run, observed, cluster.verdict.searchable_text())
    if found is None:
        return None
    holder = store.record_known_bug(cluster.id, KnownLabel(found.path, found.description), found.signature)
    bug = found

    def shows_it(member: Signature, verdict: Verdict) -> bool:
        return bug.shown_by(member, verdict.searchable_text())

    strays = store.detach_strays(holder, shows_it)
    folded = f", folded into cluster {holder}" if holder != cluster.id else ""
    detached = f"; {strays} member(s) that do not show it detached" if strays else ""
    note(f"cluster {cluster.id}: the known bug {found.path}: not minimized{folded}{detached}")
    return strays


def _minimize(
    store: ClusterStore,
    pools: Pools,
    cluster: Cluster,
    options: TriageOptions,
    note: Note,
) -> int:
    """Minimize the representative while the bug holds; store it; returns members detached."""
    run = recorded_settings(store.db, store.config_key(cluster.id))
    program = store.program(cluster.representative)
    seen: dict[str, Verdict] = {}
    last_note = time.monotonic()

    def still_fails(candidates: list[Program]) -> list[bool]:
        nonlocal last_note
        verdicts = pools.judge(run, candidates)
        seen.update((p.id, v) for p, v in zip(candidates, verdicts, strict=True))
        if time.monotonic() - last_note > PROGRESS_EVERY_S:
            note(f"cluster {cluster.id}: minimizing, candidates tried: {len(seen)}")
            last_note = time.monotonic()
        return [_shows(v, p, cluster.signature) for p, v in zip(candidates, verdicts, strict=True)]

    note(f"cluster {cluster.id}: minimizing (budget {options.budget_tests} tests)")
    result = minimize(
        program, still_fails, budget_tests=options.budget_tests, budget_seconds=options.budget_seconds
    )
    minimized = Minimized(
        source=result.program.source,
        statements_before=result.statements_before,
        statements_after=result.statements_after,
        tokens_before=result.tokens_before,
        tokens_after=result.tokens_after,
        verified=result.verified,
        seconds=result.seconds,
    )
    verdict = seen.get(result.program.id, cluster.verdict)
    store.record_minimized(cluster.id, minimized, refined_signature(cluster, result.program.source, verdict))
    note(
        f"cluster {cluster.id}: {result.statements_before} -> {result.statements_after} statements, "
        f"{result.tokens_before} -> {result.tokens_after} tokens in {result.tests} tests, "
        f"{result.seconds:.0f}s{'' if result.verified else ' (not verified)'}"
    )
    return store.detach_strays(cluster.id)


def refined_signature(cluster: Cluster, minimized_source: str, minimized_verdict: Verdict) -> Signature:
    """A silent mismatch's signature after minimization: the ops of the minimized program and the
    optimizations both it and the representative triggered.  Crash signatures stay as they are."""
    if not is_silent(cluster.signature):
        return cluster.signature
    triggered = set(cluster.verdict.triggers) & set(minimized_verdict.triggers)
    return dataclasses.replace(
        cluster.signature, ops=program_ops(minimized_source), optimizations=tuple(sorted(triggered))
    )


# -- recheck ----------------------------------------------------------------------------


def reproducer(store: ClusterStore, cluster: Cluster) -> Program:
    """The minimized program if there is one, else the representative."""
    representative = store.program(cluster.representative)
    if cluster.minimized is None:
        return representative
    return parse_program(cluster.minimized.source, representative.path, representative.target)


def classify(verdicts: list[Verdict], program: Program, expected: Signature) -> tuple[str, str]:
    """(status, detail) of a recheck from the reproducer's re-runs."""
    shown = sum(_shows(v, program, expected) for v in verdicts)
    if shown:
        return STILL_FAILING, f"{shown}/{len(verdicts)} runs show it"
    if all(v.outcome is Outcome.PASS for v in verdicts):
        return FIXED, f"{len(verdicts)}/{len(verdicts)} runs pass"
    other = next(v for v in verdicts if v.outcome is not Outcome.PASS)
    if other.is_bug:
        return CHANGED, f"now {signature_of(other, program.source).title()}"
    return CHANGED, f"now {other.outcome.value}: {other.summary[:150]}"


def recheck(
    campaign: Path, backends: list[str] | None, reruns: int, jobs: int, note: Note
) -> list[tuple[Cluster, Recheck]]:
    """Re-run every cluster's reproducer on the installed framework and record the outcome.

    ``backends`` replaces the recorded backends (e.g. the correct backend for a bug found with a
    faulty one); otherwise each reproducer runs under the settings its bug was found with.
    """
    with ClusterStore(campaign) as store, Pools(jobs, campaign / "logs", note) as pools:
        clusters = store.clusters()
        if not clusters:
            raise UsageError(f"no bug clusters in {campaign}: run `fuzzfox triage {campaign}` first")
        by_settings: dict[str, tuple[RunSettings, list[Cluster]]] = {}
        for cluster in clusters:
            run = recorded_settings(store.db, store.config_key(cluster.id))
            if backends:
                run.settings = {**run.settings, "backends": backends}
            by_settings.setdefault(run.pool_key(), (run, []))[1].append(cluster)
        results: list[tuple[Cluster, Recheck]] = []
        for run, group in by_settings.values():
            version = get_target(run.target).version()
            programs = [reproducer(store, c) for c in group]
            note(f"re-running {len(group)} reproducer(s) {reruns} time(s) each on {run.target} {version}")
            verdicts = pools.judge(run, [p for p in programs for _ in range(reruns)])
            for index, (cluster, program) in enumerate(zip(group, programs, strict=True)):
                status, detail = classify(
                    verdicts[index * reruns : (index + 1) * reruns], program, cluster.signature
                )
                if backends:
                    detail += f" (backends {','.join(backends)})"
                outcome = Recheck(time.time(), version, status, detail)
                store.add_recheck(cluster.id, outcome)
                results.append((cluster, outcome))
                note(f"cluster {cluster.id}: {status}")
        return results
