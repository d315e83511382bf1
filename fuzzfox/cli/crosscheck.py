"""``fuzzfox crosscheck``: the same ops in torch, JAX and TensorFlow, values and gradients compared.

With ``--campaign DIR`` each case (entry, seed, draw) is stored as a program whose source is a
small generated script that replays it (target ``crosscheck``, optimization = the entry name),
and its verdict as a run under a config keyed by the frameworks and their versions: the existing
programs/runs/verdicts tables, no new table.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections import Counter
from pathlib import Path
from typing import Any

from fuzzfox.cli.args import EXIT_BUGS, EXIT_CLEAN, comma_list, note
from oracles.cross_backend import FAULTS, Case, FrameworkRun, base_framework, crosscheck
from oracles.equivalences import FRAMEWORKS, select
from oracles.verdict import Outcome, Verdict

TARGET_OF_FRAMEWORK = {"torch": "torch-inductor", "jax": "jax-xla", "tf": "tf-xla"}
SUMMARY_WIDTH = 90

CROSSCHECK_EPILOG = f"""\
Each framework runs eagerly, in its own child process, in float32 and float64: the value f(x)
and the gradient of sum(w * f(x)).  float64 results must agree pairwise (the odd one out of three
is blamed); then a framework whose float32 result is clearly further from the float64 consensus
than every other framework's is blamed (oracles.compare's rule).  Backend "a vs b" means two
disagree and nothing decides between them.  Test-only faulty frameworks: {", ".join(FAULTS)}.

examples:
  fuzzfox crosscheck
  fuzzfox crosscheck --ops softmax,layer_norm --frameworks torch,jax --draws 5 --seed 1
  fuzzfox crosscheck --draws 3 --campaign runs/cross
"""


def add_commands(commands: Any) -> None:
    command = commands.add_parser(
        "crosscheck",
        help="compare the same ops across torch, JAX and TensorFlow (values and gradients)",
        description="Run every op of the equivalence catalogue (oracles/equivalences.py) in each "
        "framework and compare values and reverse-mode gradients.",
        epilog=CROSSCHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "--ops", type=comma_list, default=[], metavar="A,B", help="catalogue entries (default: all)"
    )
    command.add_argument(
        "--frameworks",
        type=comma_list,
        default=list(FRAMEWORKS),
        metavar="A,B",
        help="frameworks to compare (default: %(default)s); missing ones are skipped with the reason",
    )
    command.add_argument("--draws", type=int, default=1, metavar="N", help="input draws per op (default: 1)")
    command.add_argument("--seed", type=int, default=0, metavar="S", help="input seed (default: 0)")
    command.add_argument(
        "--timeout", type=float, default=600.0, metavar="SECONDS", help="per framework child (default: 600)"
    )
    command.add_argument(
        "--campaign", type=Path, metavar="DIR", help="record verdicts in this campaign's store"
    )
    command.set_defaults(handler=functools.partial(command_crosscheck, note=note))


def missing_reason(framework: str) -> str | None:
    """Why a framework (or faulty variant) cannot run here, from its target, without importing it."""
    from fuzzfox.targets import get_target

    return get_target(TARGET_OF_FRAMEWORK[base_framework(framework)]).missing_reason()


def command_crosscheck(args: argparse.Namespace, note: Any) -> int:
    if args.draws < 1:
        raise ValueError("--draws must be at least 1")
    entries = select(args.ops)
    frameworks = []
    for framework in args.frameworks:
        reason = missing_reason(framework)
        if reason:
            note(f"skipping {framework}: {reason}")
        else:
            frameworks.append(framework)
    if len(frameworks) < 2:
        raise ValueError(f"crosscheck needs at least two frameworks; usable here: {frameworks or 'none'}")
    started = time.monotonic()
    results, runs = crosscheck(entries, frameworks, draws=args.draws, seed=args.seed, timeout_s=args.timeout)
    elapsed = time.monotonic() - started
    _print_table(results, frameworks)
    for framework, run in runs.items():
        if run.failure:
            note(f"{framework} failed: {run.failure.message.splitlines()[0] if run.failure.message else ''}")
    counts = Counter(verdict.outcome.value for _, verdict in results)
    print(
        f"{len(results)} cases ({len(entries)} ops x {args.draws} draws), {', '.join(frameworks)}: "
        + ", ".join(f"{counts.get(o.value, 0)} {o.value}" for o in Outcome)
        + f"; {elapsed:.1f} s ("
        + ", ".join(f"{f} {run.seconds:.1f} s" for f, run in runs.items())
        + ")"
    )
    if args.campaign:
        record(args.campaign, results, runs)
        print(f"recorded {len(results)} verdicts in {args.campaign}")
    return EXIT_BUGS if counts.get(Outcome.BUG.value) else EXIT_CLEAN


def _print_table(results: list[tuple[Case, Verdict]], frameworks: list[str]) -> None:
    import pandas as pd

    rows = [
        {
            "op": case.entry.name,
            "draw": case.draw,
            "frameworks": ",".join(frameworks),
            "outcome": verdict.outcome.value,
            "symptom": verdict.symptom.value if verdict.symptom else "",
            "backend": verdict.backend or "",
            "leaf": verdict.leaf or "",
            "max_err": f"{verdict.max_abs_err:.3g}" if verdict.max_abs_err is not None else "",
            "summary": "" if verdict.outcome is Outcome.PASS else verdict.summary[:SUMMARY_WIDTH],
        }
        for case, verdict in results
    ]
    with pd.option_context(
        "display.max_rows", None, "display.max_colwidth", SUMMARY_WIDTH, "display.width", 250
    ):
        print(pd.DataFrame(rows).to_string(index=False))


def replay_source(case: Case, frameworks: list[str]) -> str:
    """A program file (header + script) that reruns one case and exits 1 while it is a bug."""
    return f'''# target: crosscheck
# optimization: {case.entry.name}
# origin: crosscheck
# parent: -
# frameworks: {",".join(frameworks)}
# seed: {case.seed}
# draw: {case.draw}
"""Cross-backend case: catalogue entry {case.entry.name!r}, draw {case.draw} of seed {case.seed}."""
import sys

from oracles.cross_backend import Case, check_cases
from oracles.equivalences import BY_NAME

if __name__ == "__main__":
    case = Case(BY_NAME[{case.entry.name!r}], seed={case.seed}, draw={case.draw})
    [(_, verdict)], _ = check_cases([case], {frameworks!r})
    print(verdict.explain())
    sys.exit(1 if verdict.is_bug else 0)
'''


def record(directory: Path, results: list[tuple[Case, Verdict]], runs: dict[str, FrameworkRun]) -> None:
    from fuzzfox.program import Program
    from fuzzfox.store import Store, config_key

    frameworks = list(runs)
    description = {
        "command": "crosscheck",
        "frameworks": frameworks,
        "versions": {f: run.version for f, run in runs.items()},
    }
    key = config_key(description)
    store = Store(directory)
    try:
        store.add_config(key, description)
        for case, verdict in results:
            metadata = {
                "target": "crosscheck",
                "optimization": case.entry.name,
                "origin": "crosscheck",
                "parent": "-",
                "frameworks": ",".join(frameworks),
                "seed": str(case.seed),
                "draw": str(case.draw),
            }
            program = Program(replay_source(case, frameworks), metadata)
            store.add_programs([program])
            store.record(program, key, verdict)
    finally:
        store.close()
