"""Throughput with the compile dimensions vs without: two LLM-free campaigns, same budget and seed.

(a) ``--compile-settings bandit``: each generated program under a compile-settings arm drawn by
    Thompson sampling (dynamic shapes, a second size, fullgraph, Inductor flags);
(b) ``--compile-settings as-written``: each program under its own header only.

Both start from the same few seed programs (so the seed phase, identical in both, is short) and
report programs judged per minute over the generated rounds, bug candidates and optimizations
triggered; the ratio a/b is the cost of the dimensions in throughput.  Run:

    .venv/bin/python bench/compile_dimensions.py [--minutes 5] [--seeds 12] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def campaign(directory: Path, seeds: Path, mode: str, minutes: float, jobs: int) -> dict[str, float]:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "fuzzfox", "campaign",
            "--campaign", str(directory),
            "--seeds", str(seeds),
            "--llm", "none",
            "--generators", "mutate=1,synth=1",
            "--oracle", "values",
            "--compile-settings", mode,
            "--minutes", str(minutes),
            "--jobs", str(jobs),
            "--seed", "0",
        ],
        check=False,
        capture_output=True,
        cwd=ROOT,
    )  # fmt: skip
    wall = time.monotonic() - started
    stats = json.loads((directory / "stats.json").read_text())
    db = sqlite3.connect(directory / "fuzzfox.sqlite")
    first, last, generated = db.execute(
        "SELECT MIN(r.finished), MAX(r.finished), COUNT(*) FROM runs r "
        "JOIN programs p ON p.id = r.program_id WHERE p.origin != 'seed'"
    ).fetchone()
    span = (last - first) / 60 if generated and last > first else float("nan")
    return {
        "wall_min": wall / 60,
        "generated_judged": generated,
        "generated_per_min": generated / span if span == span and span > 0 else 0.0,
        "bug_candidates": stats["bug_candidates"],
        "unique_bugs": stats["unique_bugs"],
        "optimizations": stats["optimizations_triggered"],
        "invalid": stats["invalid_runs"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=5.0, help="budget of each campaign (default 5)")
    parser.add_argument("--seeds", type=int, default=12, help="seed programs, the first N of the corpus")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fuzzfox-bench-dims-") as scratch:
        seeds = Path(scratch) / "seeds"
        seeds.mkdir()
        for path in sorted((ROOT / "corpus" / "torch-inductor").glob("*.py"))[: args.seeds]:
            shutil.copy(path, seeds / path.name)
        results = {}
        for mode in ("bandit", "as-written"):
            results[mode] = campaign(Path(scratch) / mode, seeds, mode, args.minutes, args.jobs)
            print(f"{mode}: {results[mode]}", flush=True)
    a, b = results["bandit"], results["as-written"]
    print(f"{'':14}{'bandit':>12}{'as-written':>12}")
    for key in (
        "generated_judged",
        "generated_per_min",
        "bug_candidates",
        "unique_bugs",
        "optimizations",
        "invalid",
    ):
        print(f"{key:<20}{a[key]:>10.1f}{b[key]:>12.1f}")
    if b["generated_per_min"]:
        print(
            f"throughput a/b = {a['generated_per_min'] / b['generated_per_min']:.2f} (generated programs/min)"
        )


if __name__ == "__main__":
    main()
