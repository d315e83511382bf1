"""What the gradient oracle costs a campaign: programs per minute with values only vs values+grads.

The same programs, through the same sandbox pool (one worker, as a campaign's job), judged once
with ``oracles=[values]`` and once with ``oracles=[values, grads]``; the Inductor kernel cache is
emptied before each arm (so neither profits from kernels the other compiled) while Inductor's
precompiled header, built by a warm-up before the clock starts, is kept for both. Also counts what each arm
found (bug candidates), so the price can be set against what it buys.

    .venv/bin/python bench/oracle_cost.py [--target torch-inductor] [--limit N] [PATH ...]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzfox.program import discover, load_program  # noqa: E402
from fuzzfox.sandbox.isolation import Limits  # noqa: E402
from fuzzfox.sandbox.pool import PoolConfig, run_programs  # noqa: E402


def judge(target: str, programs: list, oracles: list[str], cache: Path) -> tuple[float, Counter]:
    config = PoolConfig(
        target, {"oracles": oracles, "eager_reruns": 2}, jobs=1, limits=Limits(timeout_s=300), cache_dir=cache
    )
    started = time.monotonic()
    outcomes = Counter(verdict.outcome.value for _, verdict in run_programs(config, programs))
    return time.monotonic() - started, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, help="programs (default: the target's seed corpus)")
    parser.add_argument("--target", default="torch-inductor", choices=("torch-inductor", "jax-xla", "tf-xla"))
    parser.add_argument("--limit", type=int, default=16, help="programs to judge (default: %(default)s)")
    args = parser.parse_args()
    paths = args.paths or [ROOT / "corpus" / args.target]
    programs = [load_program(p, args.target) for p in discover(paths)][: args.limit]
    with tempfile.TemporaryDirectory(prefix="fuzzfox-oracle-cost-") as scratch:
        cache = Path(scratch)
        judge(args.target, programs[:1], ["values"], cache)  # builds the precompiled header in cache/tmp
        results = {}
        for arm in (["values"], ["values", "grads"]):
            name = ",".join(arm)
            shutil.rmtree(cache / "inductor", ignore_errors=True)
            seconds, outcomes = judge(args.target, programs, arm, cache)
            results[name] = seconds
            print(
                f"{name:<13} {len(programs)} programs in {seconds:6.1f} s = "
                f"{60 * len(programs) / seconds:5.1f}/min  outcomes {dict(outcomes)}",
                flush=True,
            )
    ratio = results["values"] / results["values,grads"]
    print(f"{args.target}: values+grads runs at {ratio:.2f}x the throughput of values only")


if __name__ == "__main__":
    main()
