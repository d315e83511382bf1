"""Does the LLM earn its place?  The same campaign budget with and without the model, side by side.

Runs ``fuzzfox campaign`` twice on the unpatched framework with the same minutes, seed and
workers, once with ``--llm none`` (the pattern writer, mutation, synthesis) and once with the
model (``--llm embedded`` by default: the model's threads share the machine with the sandbox
workers), and prints per arm: programs judged, runnable % of generated programs, the model's
first answers and how many of them run without a compiler with and without the repair round,
its repairs (of its own answers and of the pattern writer's misses) and how many of those run,
how many of all its outputs run and reached the optimization they were written for,
new optimizations (reached by generated programs, not by the seed corpus), unique bug
signatures, and programs and new optimizations per CPU-hour (the budget times the machine's
cores, all of which the campaign has).  With ``--fault ID`` (repeatable) it also runs
``bench/faults/run.py run`` for both arms and adds the faults found.

Each arm is resumable: an arm whose ``result.json`` exists is not run again (delete it to redo).

    python bench/llm_vs_free.py run --minutes 30 --seed 0 --out runs/llm-vs-free
    python bench/llm_vs_free.py report runs/llm-vs-free
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FAULTS = ROOT / "bench" / "faults" / "run.py"
RESULT = "result.json"
COLUMNS = (
    ("programs judged", "programs_judged"),
    ("runnable % (all generated)", "runnable_pct"),
    ("LLM first answers", "llm_answers"),
    ("LLM runnable % (no repair)", "llm_runnable_pct"),
    ("LLM runnable % (with repair)", "llm_runnable_with_repair_pct"),
    ("LLM repairs (all)", "llm_repairs"),
    ("  of the pattern writer's misses", "llm_repairs_of_misses"),
    ("  runnable %", "llm_repairs_runnable_pct"),
    ("LLM outputs runnable %", "llm_outputs_runnable_pct"),
    ("LLM outputs that reached their target", "llm_reached"),
    ("new optimizations", "new_optimizations"),
    ("unique bug signatures", "unique_bugs"),
    ("faults found", "faults_found"),
    ("programs / CPU-hour", "programs_per_cpu_hour"),
    ("new optimizations / CPU-hour", "new_optimizations_per_cpu_hour"),
)


def scalar(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0] or 0)


def runnable(db: sqlite3.Connection, generator_like: str) -> tuple[int, int]:
    """(outputs, outputs that ran without a compiler) of the batches whose generator is LIKE this:
    valid programs less those judged invalid, as `fuzzfox status` counts them."""
    where = f"WHERE b.generator LIKE '{generator_like}'"
    produced = scalar(db, f"SELECT SUM(produced) FROM batches b {where}")
    valid = scalar(db, f"SELECT SUM(valid) FROM batches b {where}")
    invalid = scalar(
        db,
        "SELECT COUNT(*) FROM batches b JOIN batch_programs bp ON bp.batch_id = b.id "
        f"JOIN runs r ON r.program_id = bp.program_id {where} AND r.outcome = 'invalid'",
    )
    return produced, valid - invalid


def repairs_that_ran(db: sqlite3.Connection, parent_origins: str) -> int:
    """Repaired programs that ran without a compiler, whose failed parent's origin is in the SQL
    list ``parent_origins`` (a repair that is no program has no parent, and did not run)."""
    return scalar(
        db,
        "SELECT COUNT(*) FROM programs c JOIN programs p ON p.id = c.parent "
        "JOIN runs r ON r.program_id = c.id WHERE c.origin LIKE 'llm-repair:%' "
        f"AND r.outcome != 'invalid' AND {parent_origins}",
    )


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def measure(campaign: Path, minutes: float, faults_found: str) -> dict[str, Any]:
    """The columns of one arm, from its campaign store and stats."""
    db = sqlite3.connect(campaign / "fuzzfox.sqlite")
    try:
        produced, ran = runnable(db, "%")
        answers, answers_ran = runnable(db, "llm:%")
        repairs, repairs_ran = runnable(db, "llm-repair:%")
        own_repairs_ran = repairs_that_ran(db, "p.origin LIKE 'llm:%'")
        of_misses = scalar(
            db,
            "SELECT COUNT(*) FROM programs c JOIN programs p ON p.id = c.parent "
            "WHERE c.origin LIKE 'llm-repair:%' AND p.origin IN ('pattern', 'opinfo')",
        )
        reached_own = scalar(
            db,
            "SELECT COUNT(DISTINCT p.id) FROM programs p JOIN runs r ON r.program_id = p.id "
            "JOIN triggers t ON t.run_id = r.id AND t.optimization = p.optimization "
            "WHERE p.origin LIKE 'llm%'",
        )
        seeds = scalar(
            db,
            "SELECT COUNT(DISTINCT t.optimization) FROM triggers t JOIN runs r ON r.id = t.run_id "
            "JOIN programs p ON p.id = r.program_id WHERE p.origin = 'seed'",
        )
        reached = scalar(db, "SELECT COUNT(DISTINCT optimization) FROM triggers")
        judged = scalar(db, "SELECT COUNT(*) FROM runs")
    finally:
        db.close()
    stats = json.loads((campaign / "stats.json").read_text())
    cpu_hours = minutes / 60 * (os.cpu_count() or 1)
    return {
        "minutes": minutes,
        "cores": os.cpu_count(),
        "programs_judged": judged,
        "runnable_pct": percent(ran, produced),
        "llm_answers": answers,
        "llm_runnable_pct": percent(answers_ran, answers),
        # A repair is asked for one failed answer, so each one that runs makes one more answer run.
        "llm_runnable_with_repair_pct": percent(min(answers, answers_ran + own_repairs_ran), answers),
        "llm_repairs": repairs,
        "llm_repairs_of_misses": of_misses,
        "llm_repairs_runnable_pct": percent(repairs_ran, repairs),
        "llm_outputs_runnable_pct": percent(answers_ran + repairs_ran, answers + repairs),
        "llm_reached": reached_own,
        "new_optimizations": reached - seeds,
        "unique_bugs": stats.get("unique_bugs", 0),
        "faults_found": faults_found,
        "programs_per_cpu_hour": round(judged / cpu_hours, 1),
        "new_optimizations_per_cpu_hour": round((reached - seeds) / cpu_hours, 1),
        "llm_tokens": stats.get("llm_tokens", 0),
        "generator_yield": stats.get("generator_yield", []),
    }


def run_arm(name: str, llm: str, args: argparse.Namespace) -> dict[str, Any]:
    where = args.out / name
    if (where / RESULT).exists():
        print(f"llm_vs_free: {name}: done before, kept ({where / RESULT})", file=sys.stderr)
        return json.loads((where / RESULT).read_text())
    where.mkdir(parents=True, exist_ok=True)
    campaign = where / "campaign"
    command = [
        sys.executable, "-m", "fuzzfox", "campaign", "--campaign", str(campaign), "--llm", llm,
        "--minutes", str(args.minutes), "--seed", str(args.seed), "--jobs", str(args.jobs),
    ]  # fmt: skip
    print(f"llm_vs_free: {name}: {' '.join(command[2:])}", file=sys.stderr, flush=True)
    started = time.monotonic()
    with (where / "campaign.log").open("w") as log:
        code = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT).returncode
    if code not in (0, 1):
        raise SystemExit(f"llm_vs_free: {name}: fuzzfox campaign exited {code}; see {where / 'campaign.log'}")
    found = run_faults(name, llm, args)
    result = {"arm": name, "llm": llm, "seed": args.seed, "jobs": args.jobs}
    result.update(measure(campaign, args.minutes, found), wall_s=round(time.monotonic() - started, 1))
    (where / RESULT).write_text(json.dumps(result, indent=2) + "\n")
    return result


def run_faults(name: str, llm: str, args: argparse.Namespace) -> str:
    """'found/run' of the faults given, or '-' without any."""
    if not args.fault:
        return "-"
    out = args.out / f"faults-{name}"
    command = [sys.executable, str(FAULTS), "run", "--minutes", str(args.minutes), "--seed", str(args.seed),
               "--jobs", str(args.jobs), "--llm", llm, "--out", str(out)]  # fmt: skip
    for fault in args.fault:
        command += ["--fault", fault]
    subprocess.run(command, cwd=ROOT, check=False)
    results = [json.loads(p.read_text()) for p in sorted(out.glob(f"*/{RESULT}"))]
    return f"{sum(bool(r.get('found')) for r in results)}/{len(results)}"


def render(results: list[dict[str, Any]]) -> str:
    names = [r["arm"] for r in results]
    width = max(len(label) for label, _ in COLUMNS)
    lines = [f"{'':<{width}}  " + "  ".join(f"{n:>12}" for n in names)]
    for label, key in COLUMNS:
        lines.append(f"{label:<{width}}  " + "  ".join(f"{r.get(key, '-')!s:>12}" for r in results))
    first = results[0]
    lines.append(
        f"\n{first['minutes']:g} min per arm, seed {first['seed']}, {first['jobs']} sandbox workers, "
        f"{first['cores']} cores; LLM of the second arm: {results[-1]['llm']}"
    )
    for r in results:
        if r.get("generator_yield"):
            found = ", ".join(f"{n} {g} in {s:.0f} s ({b} batches)" for n, b, g, s in r["generator_yield"])
            lines.append(f"{r['arm']}: generators found new: {found}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run both arms (resumable), then print the table")
    run.add_argument("--minutes", type=float, required=True, help="campaign budget of each arm")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--jobs", type=int, default=2, help="sandbox workers of both arms (default: 2)")
    run.add_argument("--llm", default="embedded", help="the LLM arm's --llm (default: embedded)")
    run.add_argument("--fault", action="append", metavar="ID", help="also run this fault for both arms")
    run.add_argument("--out", type=Path, required=True, metavar="DIR")
    report = commands.add_parser("report", help="print the table of arms already run")
    report.add_argument("out", type=Path, metavar="DIR")
    args = parser.parse_args()
    if args.command == "run":
        results = [run_arm("llm-free", "none", args), run_arm("llm", args.llm, args)]
    else:
        results = [json.loads((args.out / n / RESULT).read_text()) for n in ("llm-free", "llm")
                   if (args.out / n / RESULT).exists()]  # fmt: skip
        if not results:
            raise SystemExit(f"llm_vs_free: no arm results under {args.out}")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
