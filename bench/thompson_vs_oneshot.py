"""Does the feedback loop help?  Thompson-sampled examples vs the one-shot seed, same budget.

For each optimization, two LLM-only campaigns run from the same seed programs, the same random
seed and the same program budget; they differ in one option only:

- ``--example-selection thompson``: each prompt shows k programs drawn by Thompson sampling from
  the optimization's pool, which grows with every new triggering program (the feedback loop);
- ``--example-selection seeds``: each prompt shows the hand-written seed program(s), every round
  (one-shot, no feedback).

Round 0 is the same prompt in both arms (the pool holds only the seeds), so the arms diverge
only through feedback.  Printed per optimization and in total: programs judged, valid, how many
generated programs triggered the optimization, and how many of those were new by normalized AST
(what enters the pool); then the ratio feedback / one-shot.

    .venv/bin/python bench/thompson_vs_oneshot.py                      # embedded 1.5B model
    .venv/bin/python bench/thompson_vs_oneshot.py --programs 12 --llm http://host:8000/v1 --model m

Campaign directories are kept under ``--out`` (resumable: rerunning finishes what is missing).
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OPTIMIZATIONS = {
    "joint_graph.pointless_permute_pair": "pointless_permute_pair.py",
    "joint_graph.pointless_view": "pointless_view.py",
    "joint_graph.pointless_convert": "pointless_convert.py",
}
ARMS = ("thompson", "seeds")


def run_arm(args: argparse.Namespace, optimization: str, seed_file: Path, arm: str) -> Path:
    directory = args.out / f"{optimization}-{arm}"
    command = [
        sys.executable, "-m", "fuzzfox", "campaign", "--campaign", str(directory),
        "--seeds", str(seed_file), "--optimizations", optimization, "--example-selection", arm,
        "--generators", "llm=1", "--analyze", "never", "--llm", args.llm,
        "--programs", str(args.programs), "--batch", str(args.batch), "--examples", str(args.examples),
        "--seed", str(args.seed), "--jobs", str(args.jobs),
    ]  # fmt: skip
    if args.model:
        command += ["--model", args.model]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode not in (0, 1):  # 1: bug candidates found, still a finished campaign
        sys.exit(f"campaign failed ({result.returncode}): {result.stderr[-2000:]}")
    print(f"  {arm:8s} {optimization}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    return directory


def measure(directory: Path, optimization: str) -> dict[str, int]:
    db = sqlite3.connect(directory / "fuzzfox.sqlite")
    generated = "programs.origin != 'seed'"

    def one(sql: str, *parameters: str) -> int:
        return int(db.execute(sql, parameters).fetchone()[0] or 0)

    counts = {
        "judged": one(f"SELECT COUNT(*) FROM runs JOIN programs ON programs.id = runs.program_id "
                      f"WHERE {generated}"),
        "asked": one("SELECT SUM(produced) FROM batches WHERE optimization = ?", optimization),
        "triggered": one(f"SELECT COUNT(DISTINCT runs.program_id) FROM runs "
                         f"JOIN triggers ON triggers.run_id = runs.id "
                         f"JOIN programs ON programs.id = runs.program_id "
                         f"WHERE {generated} AND triggers.optimization = ?", optimization),
        "new_in_pool": one(f"SELECT COUNT(*) FROM pool JOIN programs ON programs.id = pool.program_id "
                           f"WHERE {generated} AND pool.optimization = ?", optimization),
    }  # fmt: skip
    db.close()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--llm", default="embedded", help="as `fuzzfox campaign --llm` (default: embedded)")
    parser.add_argument("--model", help="model name at the --llm URL")
    parser.add_argument("--programs", type=int, default=24, help="programs judged per arm and optimization")
    parser.add_argument("--batch", type=int, default=4, help="programs per round")
    parser.add_argument("--examples", type=int, default=3, help="k examples per prompt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--optimizations",
        default=",".join(DEFAULT_OPTIMIZATIONS),
        help="comma-separated ids; each one's seed is corpus/torch-inductor/<short name>.py",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench-thompson")
    args = parser.parse_args()

    rows: list[tuple[str, dict[str, int], dict[str, int]]] = []
    for optimization in args.optimizations.split(","):
        seed_name = DEFAULT_OPTIMIZATIONS.get(optimization, optimization.split(".")[-1] + ".py")
        seed_file = ROOT / "corpus" / "torch-inductor" / seed_name
        if not seed_file.exists():
            sys.exit(f"no seed program {seed_file} for {optimization}")
        results = {arm: measure(run_arm(args, optimization, seed_file, arm), optimization) for arm in ARMS}
        rows.append((optimization, results["thompson"], results["seeds"]))

    print(f"{args.programs} programs per arm and optimization, batch {args.batch}, k={args.examples}, "
          f"seed {args.seed}, llm {args.llm}{' ' + args.model if args.model else ''}")  # fmt: skip
    header = f"{'optimization':40s} {'arm':9s} {'asked':>6s} {'judged':>6s} {'trig':>5s} {'new':>5s}"
    print(header)
    totals = {arm: {"asked": 0, "judged": 0, "triggered": 0, "new_in_pool": 0} for arm in ARMS}
    for optimization, thompson, seeds in rows:
        for arm, counts in (("thompson", thompson), ("seeds", seeds)):
            for key in totals[arm]:
                totals[arm][key] += counts[key]
            print(f"{optimization:40s} {arm:9s} {counts['asked']:6d} {counts['judged']:6d} "
                  f"{counts['triggered']:5d} {counts['new_in_pool']:5d}")  # fmt: skip
    for arm in ARMS:
        t = totals[arm]
        print(
            f"{'total':40s} {arm:9s} {t['asked']:6d} {t['judged']:6d} "
            f"{t['triggered']:5d} {t['new_in_pool']:5d}"
        )

    def ratio(key: str) -> str:
        baseline = totals["seeds"][key]
        if not baseline:
            return "n/a (one-shot found none)"
        return f"{totals['thompson'][key] / baseline:.2f}x"

    print(
        f"feedback / one-shot: triggering programs {ratio('triggered')}, "
        f"new pool entries {ratio('new_in_pool')}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
