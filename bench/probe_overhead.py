"""The trigger probe's cost on compile: Inductor compile+run seconds with the probe vs without.

Each program runs in forked children of one warm worker-like parent, as in a campaign: first
once untimed (so gcc's kernels are cached and both sides measure the Python part of the
compile, which is what the probe slows), then with and without the probe, alternating.
Run:  .venv/bin/python bench/probe_overhead.py [--repeats N] [PATH ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzfox.program import Program, discover, load_program  # noqa: E402
from fuzzfox.targets.torch.target import WORKER_ENVIRONMENT  # noqa: E402

INDUCTOR_ONLY = {"backends": ["inductor"], "eager_reruns": 0}


def in_child(target, program: Program, probe: bool) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """(inductor seconds, triggers seen) of one run in a forked child."""
    from oracles.phases import PhaseLog

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        saved, target.probe = target.probe, (target.probe if probe else None)
        verdict = target.run_program(program, INDUCTOR_ONLY, PhaseLog())
        target.probe = saved
        inductor = next(m.seconds for m in verdict.modes if m.mode == "inductor")
        os.write(write, json.dumps([inductor, len(verdict.triggers)]).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 4096):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    seconds, triggers = json.loads(data)
    return seconds, triggers


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "corpus" / "torch-inductor"])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    os.environ.update(WORKER_ENVIRONMENT)
    from fuzzfox.targets.torch.target import TorchInductorTarget

    target = TorchInductorTarget()
    target.prepare_worker({"probe": True})
    programs = [load_program(p, "torch-inductor") for p in discover(args.paths)]
    with_probe, without, reached = [], [], 0
    for program in programs:
        in_child(target, program, probe=False)  # compiles and caches the gcc kernels
        for _ in range(args.repeats):
            seconds, triggers = in_child(target, program, probe=True)
            with_probe.append(seconds)
            reached += triggers
            without.append(in_child(target, program, probe=False)[0])
    total_with, total_without = sum(with_probe), sum(without)
    ratios = [a / b for a, b in zip(with_probe, without, strict=True) if b > 0]
    print(
        f"{len(programs)} programs x {args.repeats}: inductor compile+run {total_without:.1f} s without "
        f"the probe, {total_with:.1f} s with it ({reached} triggers recorded)"
    )
    print(
        f"overhead ratio (total) = {total_with / total_without:.2f}; median per program = "
        f"{statistics.median(ratios):.2f}  (FACTS: coverage on fx_passes costs 1.5-1.9x)"
    )


if __name__ == "__main__":
    main()
