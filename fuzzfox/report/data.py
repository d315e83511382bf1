"""Read a campaign directory into plain data: the renderers never touch the store.

Sources: the SQLite store (programs, runs, verdicts, triggers, configs, the feedback tables when
the campaign loop made it, and the triage tables through ``fuzzfox.triage.clusters``),
``llm.sqlite`` for LLM accounting, ``stats.json`` for the campaign's state, and ``plot.csv`` for
the timeline.  A store made by ``fuzzfox run`` has no stats.json, plot.csv or feedback tables;
every figure then comes from the store itself.  Nothing the campaign recorded is changed.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from fuzzfox.llm.cache import LLMCache
from fuzzfox.report.coverage import Coverage, coverage
from fuzzfox.report.fmt import when
from fuzzfox.report.issue import issue_body
from fuzzfox.report.reproducer import ReproducerSpec, reproducer_script
from fuzzfox.stats import PLOT_FILE, STATS_FILE, bug_timeline, generator_table
from fuzzfox.store import DATABASE

if TYPE_CHECKING:
    from fuzzfox.triage.clusters import Cluster

UNCLUSTERED_SHOWN = 50


class ReportError(ValueError):
    """A directory that is not a readable campaign: reported in one line."""


@dataclasses.dataclass
class LLMUse:
    calls: int
    cached_calls: int  # answered from the replay cache
    tokens: int
    prompt_tokens: int | None  # None: only the total is known (from stats.json)
    completion_tokens: int | None
    cost: float


@dataclasses.dataclass
class Summary:
    campaign: str  # the directory, as given
    state: str  # from stats.json, or what kind of store it is
    targets: dict[str, str]  # target -> framework version its runs recorded
    backends: list[str]
    started: float | None
    last_run: float | None
    generated: int | None  # programs the generators produced (None: programs were given, not generated)
    valid: int | None  # of those, how many parsed as programs
    programs: int  # programs in the store
    runs: int
    outcomes: dict[str, int]  # pass / bug / dropped / invalid
    judge_seconds: float  # sandbox time summed over runs
    llm: LLMUse
    optimizations_triggered: int
    optimizations_total: int | None
    clusters: int
    unclustered: int
    isolation: str | None  # how far the sandbox shut programs in ("full", "partial (...)")

    @property
    def wall_seconds(self) -> float | None:
        if self.started is None or self.last_run is None:
            return None
        return max(self.last_run - self.started, 0.0)

    @property
    def valid_pct(self) -> float | None:
        return (
            round(100.0 * self.valid / self.generated, 1)
            if self.generated and self.valid is not None
            else None
        )

    @property
    def runnable_pct(self) -> float | None:
        """Judged programs that run without a compiler (every outcome but ``invalid``)."""
        return (
            round(100.0 * (self.runs - self.outcomes.get("invalid", 0)) / self.runs, 1) if self.runs else None
        )

    @property
    def programs_per_minute(self) -> float | None:
        wall = self.wall_seconds
        return round(60.0 * self.runs / wall, 2) if wall else None


@dataclasses.dataclass
class Timeline:
    """Step series over minutes since the campaign started."""

    minutes: list[float]
    optimizations: list[int]
    bugs: list[int]
    source: str


@dataclasses.dataclass
class BugEntry:
    cluster: Cluster
    target: str
    version: str
    settings: dict[str, Any]  # of the run that recorded the representative
    provenance: str  # minimized or original, in words
    script: str  # the standalone reproducer
    script_path: str  # relative to the report directory
    issue: str  # issue-ready Markdown


@dataclasses.dataclass
class ReportData:
    name: str
    generated_at: float
    summary: Summary
    coverage: Coverage
    timeline: Timeline
    origins: pd.DataFrame  # programs, runs and outcomes per origin (seed, llm, mutate, ...)
    generators: pd.DataFrame  # per generator of the campaign loop (empty for a `fuzzfox run` store)
    bugs: list[BugEntry]
    unclustered: pd.DataFrame  # bug candidates triage has not put in a cluster yet
    # ``bugs`` is ranked by fuzzfox.triage.severity: wrong results, crashes, status, timeouts;
    # within a kind most members first, then first seen.
    notes: list[str]


def gather(campaign: Path) -> ReportData:
    from fuzzfox.triage.clusters import load_clusters
    from fuzzfox.triage.severity import ranked

    db = open_store(campaign)
    try:
        notes: list[str] = []
        stats = _read_stats(campaign, notes)
        configs = _configs(db)
        target = next(iter(configs.values()), {}).get("target") or stats.get("target")
        cover = coverage(db, target, stats.get("optimizations_total"))
        clusters = ranked(load_clusters(campaign))  # most severe kind first, as triage lists them
        clustered_runs = {m.run_id for c in clusters for m in c.members}
        unclustered = _unclustered(db, clustered_runs)
        if len(unclustered):
            notes.append(
                f"{len(unclustered)} bug candidate(s) are not in a cluster yet: run `fuzzfox triage "
                f"{campaign}` to group, re-run and minimize them."
            )
        summary = _summary(db, campaign, stats, configs, cover, len(clusters), len(unclustered))
        bugs = [_bug_entry(db, cluster) for cluster in clusters]
        timeline = _timeline(campaign, db, clusters, summary.started)
        return ReportData(
            name=campaign.resolve().name,
            generated_at=time.time(),
            summary=summary,
            coverage=cover,
            timeline=timeline,
            origins=_origins(db),
            generators=pd.DataFrame(generator_table(db) if _has_table(db, "batches") else []),
            bugs=bugs,
            unclustered=unclustered.head(UNCLUSTERED_SHOWN),
            notes=notes,
        )
    except sqlite3.DatabaseError as error:
        raise ReportError(f"{campaign / DATABASE} is not a readable fuzzfox store: {error}") from None
    finally:
        db.close()


def open_store(campaign: Path) -> sqlite3.Connection:
    if not campaign.is_dir():
        raise ReportError(f"no such campaign directory: {campaign}")
    path = campaign / DATABASE
    if not path.is_file():
        raise ReportError(f"{campaign} is not a campaign directory (no {DATABASE})")
    db = sqlite3.connect(path, timeout=30)
    try:
        has_runs = _has_table(db, "runs")
    except sqlite3.DatabaseError as error:
        db.close()
        raise ReportError(f"{path} is not a readable fuzzfox store: {error}") from None
    if not has_runs:
        db.close()
        raise ReportError(f"{path} is not a fuzzfox store (no runs table)")
    return db


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )


def _scalar(db: sqlite3.Connection, query: str, *args: Any) -> Any:
    row = db.execute(query, args).fetchone()
    return row[0] if row else None


def _read_stats(campaign: Path, notes: list[str]) -> dict[str, Any]:
    path = campaign / STATS_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        notes.append(f"{STATS_FILE} could not be read ({error}); figures come from the store")
        return {}


def _configs(db: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Run configurations by key: target, settings, framework version."""
    return {key: json.loads(text) for key, text in db.execute("SELECT key, description FROM configs")}


def _summary(
    db: sqlite3.Connection,
    campaign: Path,
    stats: dict[str, Any],
    configs: dict[str, dict[str, Any]],
    cover: Coverage,
    clusters: int,
    unclustered: int,
) -> Summary:
    runs, judge_seconds, last_run = db.execute(
        "SELECT COUNT(*), SUM(seconds), MAX(finished) FROM runs"
    ).fetchone()
    programs, first_program = db.execute("SELECT COUNT(*), MIN(created) FROM programs").fetchone()
    started = first_program
    isolation = None
    if _has_table(db, "campaign_meta"):
        created = _scalar(db, "SELECT value FROM campaign_meta WHERE key = 'created'")
        started = float(created) if created else started
        isolation = _scalar(db, "SELECT value FROM campaign_meta WHERE key = 'isolation'") or None
    generated = valid = None
    if _has_table(db, "batches"):
        generated, valid = db.execute(
            "SELECT COALESCE(SUM(produced), 0), COALESCE(SUM(valid), 0) FROM batches"
        ).fetchone()
    backends: list[str] = []
    for description in configs.values():
        backends += [b for b in description.get("settings", {}).get("backends", []) if b not in backends]
    state = stats.get("state") or "no stats.json: a store written by `fuzzfox run`, figures from the store"
    if stats.get("ended_because"):
        state += f" ({stats['ended_because']})"
    if stats.get("updated"):
        state += f"; stats.json of {when(stats['updated'])}"
    return Summary(
        campaign=str(campaign),
        state=state,
        targets={d.get("target", "?"): d.get("version", "?") for d in configs.values()},
        backends=backends,
        started=started,
        last_run=last_run,
        generated=generated,
        valid=valid,
        programs=programs,
        runs=runs,
        outcomes=dict(db.execute("SELECT outcome, COUNT(*) FROM runs GROUP BY outcome").fetchall()),
        judge_seconds=judge_seconds or 0.0,
        llm=_llm_use(campaign, stats),
        optimizations_triggered=cover.triggered_count,
        optimizations_total=cover.total,
        clusters=clusters,
        unclustered=unclustered,
        isolation=isolation,
    )


def _llm_use(campaign: Path, stats: dict[str, Any]) -> LLMUse:
    """From the campaign's LLM call log when there is one, else what stats.json last said."""
    path = campaign / "llm.sqlite"
    if not path.exists():
        return LLMUse(
            calls=stats.get("llm_calls", 0),
            cached_calls=stats.get("llm_cached_calls", 0),
            tokens=stats.get("llm_tokens", 0),
            prompt_tokens=None,
            completion_tokens=None,
            cost=stats.get("llm_cost", 0.0),
        )
    cache = LLMCache(path)
    try:
        totals = cache.totals()
    finally:
        cache.close()
    return LLMUse(
        calls=totals.calls,
        cached_calls=totals.cache_hits,
        tokens=totals.prompt_tokens + totals.completion_tokens,
        prompt_tokens=totals.prompt_tokens,
        completion_tokens=totals.completion_tokens,
        cost=totals.cost,
    )


def _origins(db: sqlite3.Connection) -> pd.DataFrame:
    rows = db.execute(
        "SELECT CASE p.origin WHEN '' THEN '(none)' ELSE p.origin END, COUNT(DISTINCT p.id), COUNT(r.id), "
        "COALESCE(SUM(r.outcome = 'pass'), 0), COALESCE(SUM(r.outcome = 'bug'), 0), "
        "COALESCE(SUM(r.outcome = 'dropped'), 0), COALESCE(SUM(r.outcome = 'invalid'), 0) "
        "FROM programs p LEFT JOIN runs r ON r.program_id = p.id GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    return pd.DataFrame(rows, columns=["origin", "programs", "runs", "pass", "bug", "dropped", "invalid"])


def _unclustered(db: sqlite3.Connection, clustered_runs: set[int]) -> pd.DataFrame:
    rows = db.execute(
        "SELECT r.id, r.program_id, p.origin, r.symptom, r.stage, r.backend, v.summary FROM runs r "
        "JOIN programs p ON p.id = r.program_id JOIN verdicts v ON v.run_id = r.id "
        "WHERE r.outcome = 'bug' ORDER BY r.finished"
    ).fetchall()
    kept = [(run, program[:12], *rest) for run, program, *rest in rows if run not in clustered_runs]
    return pd.DataFrame(kept, columns=["run", "program", "origin", "symptom", "stage", "backend", "summary"])


def _bug_entry(db: sqlite3.Connection, cluster: Cluster) -> BugEntry:
    members = cluster.members
    run_id = next((m.run_id for m in members if m.program_id == cluster.representative), members[0].run_id)
    row = db.execute(
        "SELECT c.description FROM runs r JOIN configs c ON c.key = r.config_key WHERE r.id = ?", (run_id,)
    ).fetchone()
    description = json.loads(row[0]) if row else {}
    settings = description.get("settings", {})
    target, version = description.get("target", ""), description.get("version", "?")
    minimized = cluster.minimized
    if minimized is not None:
        source = minimized.source
        provenance = (
            f"minimized by triage from {minimized.statements_before} to {minimized.statements_after} "
            f"statements ({minimized.tokens_before} to {minimized.tokens_after} tokens), "
            + ("verified in a fresh sandbox" if minimized.verified else "not verified")
        )
    else:
        source = _scalar(db, "SELECT source FROM programs WHERE id = ?", cluster.representative) or ""
        provenance = f"the original program {cluster.representative[:12]} (not minimized)"
    file_name = re.sub(r"[^A-Za-z0-9_.-]", "_", cluster.id) + ".py"
    signature = cluster.signature
    spec = ReproducerSpec(
        bug_id=cluster.id,
        file_name=file_name,
        title=signature.title(),
        source=source,
        provenance=provenance,
        target=target,
        backend=signature.backend or cluster.verdict.backend or "",
        version=version,
        settings=settings,
        gradients=signature.symptom == "wrong_gradient",
        draw=cluster.verdict.draw,
    )
    script = reproducer_script(spec)
    return BugEntry(
        cluster=cluster,
        target=target,
        version=version,
        settings=settings,
        provenance=provenance,
        script=script,
        script_path=f"bugs/{file_name}",
        issue=issue_body(
            cluster, script=script, file_name=file_name, target=target, version=version, settings=settings
        ),
    )


def _timeline(
    campaign: Path, db: sqlite3.Connection, clusters: list[Cluster], started: float | None
) -> Timeline:
    plot = campaign / PLOT_FILE
    if plot.exists():
        with plot.open(newline="") as handle:
            rows = [r for r in csv.DictReader(handle) if r.get("unix_time")]
        if rows:
            start = min(float(rows[0]["unix_time"]), started or float("inf"))
            return Timeline(
                minutes=[(float(r["unix_time"]) - start) / 60.0 for r in rows],
                optimizations=[int(r["optimizations_triggered"]) for r in rows],
                bugs=[int(r["unique_bugs"]) for r in rows],
                source=f"{PLOT_FILE} (one row per minute; unique bugs as counted live)",
            )
    trigger_times = [
        t
        for (t,) in db.execute(
            "SELECT MIN(r.finished) FROM triggers t JOIN runs r ON r.id = t.run_id GROUP BY t.optimization"
        )
    ]
    if clusters:
        bug_times = [c.first_seen for c in clusters]
        bugs_source = "first sighting of each bug cluster"
    else:
        bug_times = [t for t, _ in bug_timeline(db)]
        bugs_source = "first sighting of each provisional bug signature"
    last_run = _scalar(db, "SELECT MAX(finished) FROM runs")
    return _steps(trigger_times, bug_times, started, last_run, f"the store ({bugs_source})")


def _steps(
    trigger_times: list[float], bug_times: list[float], started: float | None, end: float | None, source: str
) -> Timeline:
    """Cumulative counts at every event, from the campaign's start to its last run."""
    events = sorted([(t, "optimization") for t in trigger_times] + [(t, "bug") for t in bug_times])
    if started is None or end is None:
        return Timeline([], [], [], source)
    minutes, optimizations, bugs = [0.0], [0], [0]
    for moment, kind in events:
        minutes.append(max(moment - started, 0.0) / 60.0)
        optimizations.append(optimizations[-1] + (kind == "optimization"))
        bugs.append(bugs[-1] + (kind == "bug"))
    minutes.append(max(end - started, 0.0) / 60.0)
    optimizations.append(optimizations[-1])
    bugs.append(bugs[-1])
    return Timeline(minutes, optimizations, bugs, source)
