"""The JSON report (``report.json``): the same content for tools; strict JSON (no NaN/Infinity)."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pandas as pd

from fuzzfox.report.data import BugEntry, ReportData
from fuzzfox.triage.severity import kind_of, severity

SCHEMA_VERSION = 1


def _plain(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python, non-finite floats to strings ("inf", "nan")."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict(orient="records")


def _bug(bug: BugEntry) -> dict[str, Any]:
    cluster, signature = bug.cluster, bug.cluster.signature
    return {
        "id": cluster.id,
        "title": signature.title(),
        "kind": kind_of(signature.symptom),
        "severity": severity(signature.symptom),  # 1 most severe; "bugs" is in this order
        "signature": {**dataclasses.asdict(signature), "key": signature.key()},
        "members": [dataclasses.asdict(m) for m in cluster.members],
        "first_seen": cluster.first_seen,
        "last_seen": cluster.last_seen,
        "reproduced": cluster.reproduced,
        "attempts": cluster.attempts,
        "representative": cluster.representative,
        "verdict": cluster.verdict.to_dict(),
        "minimized": dataclasses.asdict(cluster.minimized) if cluster.minimized else None,
        "rechecks": [dataclasses.asdict(r) for r in cluster.rechecks],
        "target": bug.target,
        "framework_version": bug.version,
        "settings": bug.settings,
        "program": bug.provenance,
        "reproducer_path": bug.script_path,
        "reproducer": bug.script,
        "issue_markdown": bug.issue,
    }


def render_json(data: ReportData) -> str:
    summary = data.summary
    report = {
        "fuzzfox_report": SCHEMA_VERSION,
        "name": data.name,
        "generated_at": data.generated_at,
        "summary": {
            **dataclasses.asdict(summary),
            "wall_seconds": summary.wall_seconds,
            "valid_pct": summary.valid_pct,
            "runnable_pct": summary.runnable_pct,
            "programs_per_minute": summary.programs_per_minute,
        },
        "origins": _records(data.origins),
        "generators": _records(data.generators),
        "coverage": {
            "triggered": data.coverage.triggered_count,
            "total": data.coverage.total,
            "source": data.coverage.source,
            "by_pass": _records(data.coverage.by_pass),
            "optimizations": _records(data.coverage.triggered),
        },
        "timeline": dataclasses.asdict(data.timeline),
        "bugs": [_bug(bug) for bug in data.bugs],
        "unclustered": _records(data.unclustered),
        "notes": data.notes,
    }
    return json.dumps(_plain(report), indent=2, allow_nan=False) + "\n"
