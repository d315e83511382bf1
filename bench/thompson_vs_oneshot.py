"""Does the feedback loop help?  Thompson-sampled examples vs the one-shot seed, same budget.

For each optimization, two LLM-only campaigns run from the same seed program, the same random
seed and the same number of LLM requests (rounds); they differ in one option only:

- ``--example-selection thompson``: each prompt shows k programs drawn by Thompson sampling from
  the optimization's pool, which grows with every new triggering program (the feedback loop);
- ``--example-selection seeds``: each prompt shows the seed program, every round (one-shot, no
  feedback).

Round 0 is the same prompt in both arms (the pool holds only the seed), so the arms diverge only
through feedback.  Both arms get the same number of rounds (``--programs / --batch``), so the same
number of programs asked of the LLM; an output that is not a program counts as a miss, as it does
for the posteriors.  Optimizations are never retired here (``patience`` is set out of reach), so
neither arm stops early.

Printed per optimization and in total: programs asked, valid, judged, how many generated programs
triggered the optimization, how many of those were new by normalized AST (what enters the pool),
how many distinct structures they have (normalized AST with every number literal made 0 as well:
a copy of an example with other sizes is not a new structure), and how many distinct
optimizations the generated programs reached.  Then the ratio feedback /
one-shot and a one-sided Fisher exact test on triggering programs per program asked (pooled
over optimizations): p is the chance of a gain at least this large if feedback did not help.

    .venv/bin/python bench/thompson_vs_oneshot.py                      # embedded 1.5B model
    .venv/bin/python bench/thompson_vs_oneshot.py --programs 12 --llm http://host:8000/v1 --model m

Campaign directories are kept under ``--out``; rerunning with the same options runs only the
rounds an arm is missing.
"""

from __future__ import annotations

import argparse
import ast
import math
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from fuzzfox.generation.shape import program_shape

ROOT = Path(__file__).resolve().parent.parent
# optimization -> its seed program in corpus/torch-inductor (each seed triggers its optimization)
DEFAULT_OPTIMIZATIONS = {
    "joint_graph.pointless_permute_pair": "pointless_permute_pair.py",
    "joint_graph.pointless_view": "pointless_view.py",
    "joint_graph.pointless_convert": "pointless_convert.py",
    "joint_graph.pointless_view_pair": "pointless_view_pair.py",
    "post_grad.cat_slice_cat": "cat_slice_cat.py",
    "joint_graph.scatter_upon_const_tensor": "scatter_upon_const_tensor.py",
}
SEED_FILES = {**DEFAULT_OPTIMIZATIONS, "post_grad.pointless_cumsum_replacement": "pointless_cumsum.py"}
ARMS = ("thompson", "seeds")
COUNTS = ("asked", "valid", "judged", "triggered", "new_in_pool", "structures", "reached")
NEVER_RETIRE = "patience = 1000000\n"


def finished_rounds(directory: Path) -> int:
    database = directory / "fuzzfox.sqlite"
    if not database.exists():
        return 0
    db = sqlite3.connect(database)
    try:
        return int(db.execute("SELECT COUNT(*) FROM batches WHERE finished IS NOT NULL").fetchone()[0])
    except sqlite3.OperationalError:  # the campaign died before its first round
        return 0
    finally:
        db.close()


def run_arm(args: argparse.Namespace, optimization: str, seed_file: Path, arm: str, rounds: int) -> Path:
    """Run (or finish) one arm's campaign until it has ``rounds`` finished rounds."""
    directory = args.out / f"{optimization}-{arm}"
    config = args.out / "bench.toml"
    config.write_text(NEVER_RETIRE)
    started = time.monotonic()
    while (done := finished_rounds(directory)) < rounds:
        command = [
            sys.executable, "-m", "fuzzfox", "campaign", "--campaign", str(directory),
            "--config", str(config), "--seeds", str(seed_file), "--optimizations", optimization,
            "--example-selection", arm, "--generators", "llm=1", "--analyze", "never",
            "--llm", args.llm, "--programs", str((rounds - done) * args.batch),
            "--batch", str(args.batch), "--examples", str(args.examples),
            "--seed", str(args.seed), "--jobs", str(args.jobs),
        ]  # fmt: skip
        if args.model:
            command += ["--model", args.model]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if result.returncode not in (0, 1):  # 1: bug candidates found, still a finished campaign
            sys.exit(f"campaign failed ({result.returncode}): {result.stderr[-2000:]}")
        if finished_rounds(directory) == done:
            sys.exit(f"campaign {directory} made no progress: {result.stderr[-2000:]}")
    print(f"  {arm:8s} {optimization}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    return directory


class _ZeroNumbers(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        is_number = isinstance(node.value, (int, float, complex)) and not isinstance(node.value, bool)
        return ast.Constant(0) if is_number else node


def structure(source: str) -> str:
    """The program's normalized-AST hash with every number literal replaced by 0."""
    return program_shape(ast.unparse(_ZeroNumbers().visit(ast.parse(source))))


def measure(directory: Path, optimization: str, rounds: int) -> dict[str, int]:
    """Counts over the campaign's first ``rounds`` rounds (its generated programs only)."""
    db = sqlite3.connect(directory / "fuzzfox.sqlite")
    in_rounds = (
        "SELECT batch_programs.program_id FROM batch_programs "
        "JOIN batches ON batches.id = batch_programs.batch_id WHERE batches.round < :rounds"
    )
    parameters = {"rounds": rounds, "optimization": optimization}

    def one(sql: str) -> int:
        return int(db.execute(sql, parameters).fetchone()[0] or 0)

    counts = {
        "asked": one("SELECT SUM(produced) FROM batches WHERE round < :rounds"),
        "valid": one("SELECT SUM(valid) FROM batches WHERE round < :rounds"),
        "judged": one(f"SELECT COUNT(DISTINCT program_id) FROM runs WHERE program_id IN ({in_rounds})"),
        "triggered": one(f"SELECT COUNT(DISTINCT runs.program_id) FROM runs "
                         f"JOIN triggers ON triggers.run_id = runs.id "
                         f"WHERE runs.program_id IN ({in_rounds}) AND triggers.optimization = :optimization"),
        "new_in_pool": one(f"SELECT COUNT(*) FROM pool WHERE optimization = :optimization "
                           f"AND program_id IN ({in_rounds})"),
        "reached": one(f"SELECT COUNT(DISTINCT triggers.optimization) FROM runs "
                       f"JOIN triggers ON triggers.run_id = runs.id WHERE runs.program_id IN ({in_rounds})"),
    }  # fmt: skip
    triggering = db.execute(
        f"SELECT source FROM programs WHERE id IN ({in_rounds}) AND id IN (SELECT runs.program_id "
        f"FROM runs JOIN triggers ON triggers.run_id = runs.id WHERE triggers.optimization = :optimization)",
        parameters,
    )
    counts["structures"] = len({structure(source) for (source,) in triggering})
    db.close()
    return counts


def fisher_greater(hits_a: int, total_a: int, hits_b: int, total_b: int) -> float:
    """One-sided Fisher exact p: P(arm a gets >= hits_a of all hits | the margins), under no effect."""
    hits = hits_a + hits_b
    total = total_a + total_b
    denominator = math.comb(total, hits)
    upper = min(hits, total_a)
    tail = sum(math.comb(total_a, k) * math.comb(total_b, hits - k) for k in range(hits_a, upper + 1))
    return tail / denominator


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--llm", default="embedded", help="as `fuzzfox campaign --llm` (default: embedded)")
    parser.add_argument("--model", help="model name at the --llm URL")
    parser.add_argument("--programs", type=int, default=32, help="programs asked per arm and optimization")
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
    rounds = max(1, args.programs // args.batch)
    args.out.mkdir(parents=True, exist_ok=True)

    rows: list[tuple[str, dict[str, dict[str, int]]]] = []
    for optimization in args.optimizations.split(","):
        seed_file = (
            ROOT
            / "corpus"
            / "torch-inductor"
            / SEED_FILES.get(optimization, optimization.split(".")[-1] + ".py")
        )
        if not seed_file.exists():
            sys.exit(f"no seed program {seed_file} for {optimization}")
        results = {
            arm: measure(run_arm(args, optimization, seed_file, arm, rounds), optimization, rounds)
            for arm in ARMS
        }
        rows.append((optimization, results))

    print(f"{rounds} rounds of {args.batch} programs per arm and optimization, k={args.examples}, "
          f"seed {args.seed}, llm {args.llm}{' ' + args.model if args.model else ''}")  # fmt: skip
    print(f"{'optimization':40s} {'arm':9s} " + " ".join(f"{c[:7]:>7s}" for c in COUNTS))
    totals = {arm: dict.fromkeys(COUNTS, 0) for arm in ARMS}
    for optimization, results in rows:
        for arm in ARMS:
            for key in COUNTS:
                totals[arm][key] += results[arm][key]
            print(f"{optimization:40s} {arm:9s} " + " ".join(f"{results[arm][c]:7d}" for c in COUNTS))
    for arm in ARMS:
        print(f"{'total':40s} {arm:9s} " + " ".join(f"{totals[arm][c]:7d}" for c in COUNTS))

    def ratio(key: str) -> str:
        baseline = totals["seeds"][key]
        return f"{totals['thompson'][key] / baseline:.2f}x" if baseline else "n/a (one-shot found none)"

    feedback, one_shot = totals["thompson"], totals["seeds"]
    wins = sum(r["thompson"]["triggered"] > r["seeds"]["triggered"] for _, r in rows)
    losses = sum(r["thompson"]["triggered"] < r["seeds"]["triggered"] for _, r in rows)
    p_value = fisher_greater(
        feedback["triggered"], feedback["asked"], one_shot["triggered"], one_shot["asked"]
    )
    print(
        f"feedback / one-shot: triggering programs {ratio('triggered')} "
        f"({feedback['triggered']}/{feedback['asked']} vs "
        f"{one_shot['triggered']}/{one_shot['asked']} asked), "
        f"new pool entries {ratio('new_in_pool')}, structures {ratio('structures')}; "
        f"optimizations where feedback found more: {wins}, "
        f"fewer: {losses}, of {len(rows)}"
    )
    print(f"one-sided Fisher exact p (feedback triggers more per program asked) = {p_value:.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
