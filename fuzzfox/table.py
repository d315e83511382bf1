"""The verdict table printed at the end of a run (pandas)."""

from __future__ import annotations

from collections import Counter

from fuzzfox.runner import ProgramResult
from fuzzfox.whitebox.optimization import Optimization
from oracles.verdict import Verdict

SUMMARY_WIDTH = 70


def _ratio(verdict: Verdict) -> str:
    compiled, eager = verdict.rmse_compiled_vs_fp64, verdict.rmse_eager_vs_fp64
    if compiled is None or eager is None:
        return ""
    return f"{compiled / eager:.3g}" if eager else "inf"


def verdict_table(results: list[ProgramResult]) -> str:
    import pandas as pd

    rows = []
    for result in results:
        v = result.verdict
        summary = v.summary.splitlines()[0] if v.summary else ""
        rows.append(
            {
                "program": result.program.name,
                "outcome": v.outcome.value,
                "symptom": v.symptom.value if v.symptom else "",
                "stage": v.stage.value if v.stage else "",
                "backend": v.backend or "",
                "blame": v.blame or "",
                "max_abs_err": f"{v.max_abs_err:.3g}" if v.max_abs_err is not None else "",
                "rmse_ratio": _ratio(v),
                "triggers": len(v.triggers),
                "seconds": f"{v.seconds:.1f}" + ("*" if result.reused else ""),
                "summary": summary[:SUMMARY_WIDTH],
            }
        )
    frame = pd.DataFrame(rows)
    with pd.option_context(
        "display.max_rows", None, "display.max_colwidth", SUMMARY_WIDTH, "display.width", 250
    ):
        return frame.to_string(index=False)


def outcome_line(results: list[ProgramResult]) -> str:
    counts = Counter(r.verdict.outcome.value for r in results)
    parts = [f"{counts.get(name, 0)} {name}" for name in ("pass", "bug", "dropped", "invalid")]
    reused = sum(r.reused for r in results)
    tail = f" ({reused} taken from the store, marked *)" if reused else ""
    return f"{len(results)} programs: {', '.join(parts)}{tail}"


def optimizations_table(optimizations: list[Optimization], counts: dict[str, int]) -> str:
    import pandas as pd

    frame = pd.DataFrame(
        [
            {
                "id": o.id,
                "kind": o.kind,
                "pass": o.pass_name,
                "location": o.location,
                "cpu": "yes" if o.cpu else "no",
                "triggered": counts.get(o.id, 0),
            }
            for o in optimizations
        ]
    )
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 80, "display.width", 250):
        return frame.to_string(index=False)


def coverage_by_file(optimizations: list[Optimization], counts: dict[str, int]) -> str:
    """Per source file of the CPU-reachable optimizations, then per kind: how many a campaign
    triggered."""
    import pandas as pd

    reachable = [o for o in optimizations if o.cpu]
    names = _short_names({o.file for o in reachable})
    by_file: dict[str, list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    for optimization in reachable:
        hit = 1 if counts.get(optimization.id) else 0
        for rows, key in ((by_file, names[optimization.file]), (by_kind, f"kind: {optimization.kind}")):
            row = rows.setdefault(key, [0, 0])
            row[0] += hit
            row[1] += 1
    total = [sum(row[0] for row in by_file.values()), sum(row[1] for row in by_file.values())]
    ordered = [
        *sorted(by_file.items(), key=lambda item: (-item[1][1], item[0])),
        *sorted(by_kind.items(), key=lambda item: (-item[1][1], item[0])),
        ("all", total),
    ]
    frame = pd.DataFrame(
        [
            {"file": name, "triggered": hit, "on CPU": of, "%": f"{100 * hit / of:.0f}" if of else "-"}
            for name, (hit, of) in ordered
        ]
    )
    return frame.to_string(index=False)


def _short_names(files: set[str]) -> dict[str, str]:
    """Each file by the fewest trailing path parts that no other file ends with
    (``quantization.py``, but ``_refs/__init__.py`` beside ``_refs/nn/functional/__init__.py``)."""
    names = {}
    for file in files:
        parts = file.split("/")
        for count in range(1, len(parts) + 1):
            tail = "/".join(parts[-count:])
            if not any(other != file and ("/" + other).endswith("/" + tail) for other in files):
                break
        names[file] = tail
    return names
