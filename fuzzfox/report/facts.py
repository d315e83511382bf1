"""The rows every format shows (campaign figures, one bug's facts), computed once for all renderers."""

from __future__ import annotations

import pandas as pd

from fuzzfox.report.coverage import Coverage
from fuzzfox.report.data import BugEntry, Summary
from fuzzfox.report.fmt import duration, number, percent, when
from fuzzfox.triage.severity import SEVERITY, severity_label

MEMBERS_SHOWN = 20


def summary_rows(summary: Summary) -> list[tuple[str, str]]:
    outcomes = ", ".join(
        f"{summary.outcomes.get(name, 0)} {name}" for name in ("pass", "bug", "dropped", "invalid")
    )
    versions = ", ".join(f"{target} ({version})" for target, version in summary.targets.items()) or "-"
    generated = (
        f"{summary.generated} generated, {summary.valid} valid ({percent(summary.valid_pct)})"
        if summary.generated is not None
        else "none generated: the programs were given to `fuzzfox run`"
    )
    mean = summary.judge_seconds / summary.runs if summary.runs else None
    llm = summary.llm
    split = (
        f" ({llm.prompt_tokens} prompt + {llm.completion_tokens} completion)"
        if llm.prompt_tokens is not None
        else " (total from stats.json)"
    )
    total = summary.optimizations_total
    coverage = f"{summary.optimizations_triggered} of {total if total is not None else '?'}"
    if total:
        coverage += f" ({100.0 * summary.optimizations_triggered / total:.1f}%)"
    return [
        ("state", summary.state),
        ("sandbox isolation", summary.isolation or "not recorded (a store older than the record)"),
        ("targets (framework versions)", versions),
        ("backends compared with eager", ", ".join(summary.backends) or "-"),
        ("started", when(summary.started)),
        ("last run", when(summary.last_run)),
        ("wall time", duration(summary.wall_seconds)),
        ("programs in the store", str(summary.programs)),
        ("generation", generated),
        ("judged", f"{summary.runs} runs: {outcomes}"),
        ("runnable without a compiler", percent(summary.runnable_pct)),
        (
            "throughput",
            f"{number(summary.programs_per_minute)} programs/min over the wall time; "
            f"{number(mean)} s in the sandbox per program"
            if summary.runs
            else "no runs yet",
        ),
        (
            "LLM",
            f"{llm.calls} calls ({llm.cached_calls} from the replay cache), {llm.tokens} tokens{split}, "
            f"cost {llm.cost:.4f}"
            if llm.calls or llm.tokens
            else "no LLM calls",
        ),
        ("optimizations triggered", coverage),
        (
            "bugs",
            f"{summary.outcomes.get('bug', 0)} candidates in {summary.clusters} clusters"
            + (f", {summary.unclustered} not clustered yet" if summary.unclustered else ""),
        ),
    ]


def coverage_line(cover: Coverage) -> str:
    total = f" of {cover.total}" if cover.total is not None else ""
    share = f" ({100.0 * cover.triggered_count / cover.total:.1f}%)" if cover.total else ""
    outside = ""
    if cover.outside_catalog:
        named = ", ".join(cover.outside_catalog[:3]) + (", ..." if len(cover.outside_catalog) > 3 else "")
        outside = f", and {len(cover.outside_catalog)} the catalog does not list ({named})"
    return f"Triggered {cover.triggered_count}{total} optimizations{share}{outside}; {cover.source}."


def bug_rows(bug: BugEntry) -> list[tuple[str, str]]:
    cluster, signature = bug.cluster, bug.cluster.signature
    minimized = cluster.minimized
    size = (
        f"{minimized.statements_before} → {minimized.statements_after} statements, "
        f"{minimized.tokens_before} → {minimized.tokens_after} tokens "
        f"({'verified' if minimized.verified else 'not verified'}, {minimized.seconds:.0f} s)"
        if minimized is not None
        else "not minimized"
    )
    return [
        ("signature", signature.key()),
        ("severity", f"{severity_label(signature.symptom)} (of {len(SEVERITY)}: {_kinds()})"),
        ("symptom", signature.symptom),
        ("stage", signature.stage or "-"),
        ("backend", signature.backend or "-"),
        ("exception", signature.exception_type or "-"),
        ("message (normalized)", signature.message or "-"),
        ("top frames", " ← ".join(signature.frames) or "-"),
        ("optimizations reached", ", ".join(signature.optimizations) or "-"),
        ("ops", ", ".join(signature.ops) or "-"),
        ("members", str(len(cluster.members))),
        ("first seen", when(cluster.first_seen)),
        ("last seen", when(cluster.last_seen)),
        ("reproduced", f"{cluster.reproduced}/{cluster.attempts}" if cluster.attempts else "not re-run yet"),
        ("size before → after minimization", size),
        ("framework", f"{bug.target} {bug.version}"),
        ("reproducer", bug.script_path),
    ]


def _kinds() -> str:
    return ", ".join(f"{rank} {kind}" for rank, (kind, _) in enumerate(SEVERITY, 1))


def rechecks_frame(bug: BugEntry) -> pd.DataFrame:
    return pd.DataFrame(
        [(when(r.when), r.framework_version, r.status, r.detail) for r in bug.cluster.rechecks],
        columns=["when", "framework version", "status", "detail"],
    )


def members_frame(bug: BugEntry) -> pd.DataFrame:
    members = sorted(bug.cluster.members, key=lambda m: m.seen)[:MEMBERS_SHOWN]
    return pd.DataFrame(
        [
            (
                m.program_id[:12]
                + (" (representative)" if m.program_id == bug.cluster.representative else ""),
                m.run_id,
                when(m.seen),
                m.optimization or "-",
                m.origin or "-",
            )
            for m in members
        ],
        columns=["program", "run", "seen", "written for", "origin"],
    )
