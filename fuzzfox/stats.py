"""A campaign's live state, AFL-style: ``DIR/stats.json`` (atomic) and ``DIR/plot.csv`` (per minute).

Every figure is computed from the store, so the files can be rebuilt at any time and a
campaign resumed after ``kill -9`` reports what really happened, not what a counter in a dead
process believed.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from fuzzfox.llm.cache import Totals
from oracles.verdict import Verdict

STATS_FILE = "stats.json"
PLOT_FILE = "plot.csv"
PLOT_COLUMNS = (
    "unix_time",
    "programs_run",
    "valid_pct",
    "optimizations_triggered",
    "bug_candidates",
    "unique_bugs",
    "llm_tokens",
)


@dataclasses.dataclass
class SessionClock:
    """This invocation's start, programs run and last plot row, kept by the campaign loop."""

    started: float = dataclasses.field(default_factory=time.time)
    programs_run: int = 0
    last_plot: float = 0.0


def _scalar(db: sqlite3.Connection, query: str, *args: Any) -> Any:
    row = db.execute(query, args).fetchone()
    return row[0] if row and row[0] is not None else 0


def provisional_signature(symptom: str, stage: str, backend: str, verdict_json: str) -> str:
    """What counts as one bug in the live stats until triage clusters candidates properly:
    symptom, stage, backend and exception type (for a wrong value, the optimizations reached)."""
    verdict = json.loads(verdict_json)
    exception = (verdict.get("exception") or {}).get("type", "")
    reached = ",".join(verdict.get("triggers") or []) if symptom == "wrong_value" else ""
    return "|".join((symptom or "", stage or "", backend or "", exception, reached))


def signature_of_bug(verdict: Verdict) -> str:
    """:func:`provisional_signature` of a verdict not yet read back from the store."""
    symptom = verdict.symptom.value if verdict.symptom else ""
    stage = verdict.stage.value if verdict.stage else ""
    return provisional_signature(symptom, stage, verdict.backend or "", verdict.to_json())


def bug_timeline(db: sqlite3.Connection) -> list[tuple[float, str]]:
    """(first seen, provisional signature) of every distinct bug, oldest first."""
    first: dict[str, float] = {}
    rows = db.execute(
        "SELECT runs.finished, runs.symptom, runs.stage, runs.backend, verdicts.verdict FROM runs "
        "JOIN verdicts ON verdicts.run_id = runs.id WHERE runs.outcome = 'bug' ORDER BY runs.finished"
    )
    for finished, symptom, stage, backend, verdict in rows:
        first.setdefault(provisional_signature(symptom, stage, backend, verdict), finished)
    return sorted((t, s) for s, t in first.items())


def collect(
    db: sqlite3.Connection, clock: SessionClock, optimizations_total: int, llm: Totals, **extra: Any
) -> dict:
    """The live figures of the campaign in ``db`` (LLM calls are accounted in their own cache file)."""
    now = time.time()
    produced = _scalar(db, "SELECT SUM(produced) FROM batches")
    valid = _scalar(db, "SELECT SUM(valid) FROM batches")
    first_triggers = db.execute(
        "SELECT MIN(runs.finished) FROM triggers JOIN runs ON runs.id = triggers.run_id "
        "GROUP BY triggers.optimization"
    ).fetchall()
    bugs = bug_timeline(db)
    last_trigger = max((t for (t,) in first_triggers), default=None)
    last_bug = bugs[-1][0] if bugs else None
    elapsed = max(now - clock.started, 1e-9)
    return {
        "updated": now,
        "session_started": clock.started,
        "session_seconds": round(elapsed, 1),
        "programs_run": _scalar(db, "SELECT COUNT(*) FROM runs"),
        "programs_run_session": clock.programs_run,
        "programs_per_second": round(clock.programs_run / elapsed, 4),
        "rounds": _scalar(db, "SELECT COUNT(*) FROM batches WHERE finished IS NOT NULL"),
        "generated": produced,
        "valid": valid,
        "valid_pct": round(100.0 * valid / produced, 1) if produced else 0.0,
        "invalid_runs": _scalar(db, "SELECT COUNT(*) FROM runs WHERE outcome = 'invalid'"),
        "optimizations_triggered": len(first_triggers),
        "optimizations_total": optimizations_total,
        "bug_candidates": _scalar(db, "SELECT COUNT(*) FROM runs WHERE outcome = 'bug'"),
        "unique_bugs": len(bugs),
        "dropped": _scalar(db, "SELECT COUNT(*) FROM runs WHERE outcome = 'dropped'"),
        "last_new_trigger": last_trigger,
        "seconds_since_new_trigger": round(now - last_trigger, 1) if last_trigger else None,
        "last_new_bug": last_bug,
        "seconds_since_new_bug": round(now - last_bug, 1) if last_bug else None,
        "llm_calls": llm.calls,
        "llm_cached_calls": llm.cache_hits,
        "llm_tokens": llm.prompt_tokens + llm.completion_tokens,
        "llm_cost": round(llm.cost, 6),
        **extra,
    }


def write_stats(directory: Path, stats: dict) -> None:
    """Atomic: a reader sees the old file or the new one, never half of one."""
    partial = directory / (STATS_FILE + ".partial")
    partial.write_text(json.dumps(stats, indent=2, sort_keys=True) + "\n")
    os.replace(partial, directory / STATS_FILE)


def append_plot(directory: Path, stats: dict, clock: SessionClock, every_s: float = 60.0) -> bool:
    """One row per ``every_s``; True if a row was written."""
    now = stats["updated"]
    if now - clock.last_plot < every_s:
        return False
    path = directory / PLOT_FILE
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(PLOT_COLUMNS)
        writer.writerow([round(now)] + [stats[column] for column in PLOT_COLUMNS[1:]])
    clock.last_plot = now
    return True


def read_stats(directory: Path) -> dict:
    path = directory / STATS_FILE
    if not path.exists():
        raise FileNotFoundError(f"no {STATS_FILE} in {directory}: not a campaign directory, or never started")
    return json.loads(path.read_text())


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s ago" if hours else f"{minutes}m {secs:02d}s ago"


def render(stats: dict) -> str:
    """The status block a person reads (``fuzzfox status`` and the live view)."""
    state = stats.get("state", "?")
    if state == "stopped" and stats.get("ended_because"):
        state = f"stopped: {stats['ended_because']}"
    rows = [
        ("state", f"{state} (pid {stats.get('pid', '?')})"),
        ("run time (this session)", f"{stats['session_seconds'] / 60:.1f} min"),
        (
            "programs run",
            f"{stats['programs_run']} ({stats['programs_run_session']} this session, "
            f"{stats['programs_per_second'] * 60:.1f}/min)",
        ),
        ("rounds", str(stats["rounds"])),
        ("generated / valid", f"{stats['generated']} / {stats['valid']} ({stats['valid_pct']}%)"),
        ("optimizations triggered", f"{stats['optimizations_triggered']} / {stats['optimizations_total']}"),
        ("last new trigger", _ago(stats["seconds_since_new_trigger"])),
        (
            "bug candidates",
            f"{stats['bug_candidates']} ({stats['unique_bugs']} unique, "
            f"{stats['dropped']} dropped by the instability filter)",
        ),
        ("last new bug", _ago(stats["seconds_since_new_bug"])),
        (
            "LLM",
            f"{stats['llm_calls']} calls ({stats['llm_cached_calls']} cached), "
            f"{stats['llm_tokens']} tokens, cost {stats['llm_cost']:.4f}",
        ),
    ]
    if stats.get("llm_status") not in (None, "none"):
        restarts = stats.get("llm_server_restarts") or 0
        rows.append(("llm", stats["llm_status"] + (f" (server restarted {restarts}x)" if restarts else "")))
    if stats.get("isolation"):
        warning = "" if stats["isolation"] == "full" else ": programs are not fully confined"
        rows.append(("sandbox isolation", stats["isolation"] + warning))
    if stats.get("compile_arms"):
        ranked = sorted(stats["compile_arms"], key=lambda arm: (-arm[1], arm[2]))
        tried = [f"{name} {found}/{found + missed}" for name, found, missed in ranked if found + missed]
        rows.append(("compile settings found/tried", ", ".join(tried) or "none tried yet"))
    if stats.get("generator_yield"):
        found = [f"{name} {gains} in {seconds:.0f} s" for name, _, gains, seconds in stats["generator_yield"]]
        rows.append(("generators found new", ", ".join(found)))
    if stats.get("current"):
        rows.append(("now", stats["current"]))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:>{width}} : {value}" for name, value in rows)


def generator_table(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Per generator: batches, outputs, valid, judged runs by outcome, target triggered, pool growth."""
    rows = db.execute(
        "SELECT b.generator, COUNT(DISTINCT b.id), SUM(b.produced), SUM(b.valid), SUM(b.triggered), "
        "SUM(b.new_in_pool) FROM batches b WHERE b.finished IS NOT NULL "
        "GROUP BY b.generator ORDER BY b.generator"
    ).fetchall()
    table = []
    for generator, batches, produced, valid, triggered, new in rows:
        outcomes = dict(
            db.execute(
                "SELECT r.outcome, COUNT(*) FROM batches b JOIN batch_programs bp ON bp.batch_id = b.id "
                "JOIN runs r ON r.program_id = bp.program_id "
                "WHERE b.generator = ? AND b.finished IS NOT NULL GROUP BY r.outcome",
                (generator,),
            )
        )
        table.append(
            {
                "generator": generator,
                "rounds": batches,
                "generated": produced or 0,
                "valid %": round(100.0 * (valid or 0) / produced, 1) if produced else 0.0,
                "runnable %": round(100.0 * (valid - outcomes.get("invalid", 0)) / produced, 1)
                if produced
                else 0.0,
                "triggered target": triggered or 0,
                "new in pools": new or 0,
                "bug": outcomes.get("bug", 0),
                "dropped": outcomes.get("dropped", 0),
            }
        )
    return table


def optimization_table(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Per optimization a campaign aimed at: rounds, outputs, valid %, outputs that triggered it,
    pool size, and rounds since its pool last grew (the scheduler retires it at ``patience``)."""
    pools = dict(db.execute("SELECT optimization, COUNT(*) FROM pool GROUP BY optimization"))
    rows = db.execute(
        "SELECT optimization, COUNT(*), SUM(produced), SUM(valid), SUM(triggered) FROM batches "
        "WHERE finished IS NOT NULL GROUP BY optimization ORDER BY COUNT(*) DESC, optimization"
    ).fetchall()
    table = []
    for optimization, rounds, produced, valid, triggered in rows:
        recent = db.execute(
            "SELECT new_in_pool FROM batches WHERE optimization = ? AND finished IS NOT NULL "
            "ORDER BY round DESC",
            (optimization,),
        )
        since_growth = 0
        for (new,) in recent:
            if new:
                break
            since_growth += 1
        table.append(
            {
                "optimization": optimization,
                "rounds": rounds,
                "generated": produced or 0,
                "valid %": round(100.0 * (valid or 0) / produced, 1) if produced else 0.0,
                "triggered it": triggered or 0,
                "pool": pools.get(optimization, 0),
                "rounds since pool grew": since_growth,
            }
        )
    return table


def triggered_by_origin(db: sqlite3.Connection) -> tuple[int, int]:
    """(optimizations the seed corpus triggered, optimizations the whole campaign triggered)."""
    seeds = _scalar(
        db,
        "SELECT COUNT(DISTINCT t.optimization) FROM triggers t JOIN runs r ON r.id = t.run_id "
        "JOIN programs p ON p.id = r.program_id WHERE p.origin = 'seed'",
    )
    return seeds, _scalar(db, "SELECT COUNT(DISTINCT optimization) FROM triggers")
