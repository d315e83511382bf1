"""How often the pattern-directed generator's programs run eagerly and reach what they aim at.

For every CPU optimization of the installed torch's catalog that the generator can write, it
writes ``--variants`` programs (the canonical one first), judges them all in the sandbox under
the real trigger probe (values oracle, aot_eager and inductor, recorded inputs), and prints by
source file: optimizations in the catalog, writable, programs, programs that ran eagerly, and
optimizations reached by at least one of their own programs.
Run:  .venv/bin/python bench/pattern_reach.py [--variants K] [--jobs N] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzfox.generation.pattern_directed import can_write, pattern_programs  # noqa: E402
from fuzzfox.sandbox.isolation import Limits  # noqa: E402
from fuzzfox.sandbox.pool import PoolConfig, default_cache_dir, run_programs  # noqa: E402
from fuzzfox.targets import get_target  # noqa: E402
from fuzzfox.whitebox.catalog import load_catalog  # noqa: E402

RAN_EAGERLY = ("pass", "bug")  # invalid: the program fails eagerly; dropped: flaky eagerly


def print_row(name: str, row: collections.Counter) -> None:
    numbers = (row["catalog"], row["writable"], row["programs"], row["ran"], row["reached"])
    print(f"{name:<28} " + " ".join(f"{n:>8}" for n in numbers))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=1, help="programs per optimization (default: 1)")
    parser.add_argument("--jobs", type=int, default=2, help="sandbox workers (default: 2)")
    parser.add_argument("--only", default="", help="optimizations whose id contains this")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write each program and its verdict here")
    args = parser.parse_args()

    catalog = [o for o in load_catalog(get_target("torch-inductor"), default_cache_dir()) if o.cpu]
    by_file: dict[str, list] = collections.defaultdict(list)
    for optimization in catalog:
        by_file[Path(optimization.file).name].append(optimization)
    written = {
        o.id: pattern_programs(o, args.seed, args.variants)
        for o in catalog
        if args.only in o.id and can_write(o)
    }
    programs = [p for ps in written.values() for p in ps]
    print(f"{len(programs)} programs for {len(written)} optimizations, {args.jobs} jobs", flush=True)
    started = time.monotonic()
    config = PoolConfig(
        "torch-inductor",
        {"backends": ["aot_eager", "inductor"], "inductor_config": {}, "input_draws": 0},
        jobs=args.jobs,
        limits=Limits(timeout_s=120.0),
    )
    verdicts = {program.id: verdict for program, verdict in run_programs(config, programs)}
    print(f"judged in {time.monotonic() - started:.0f} s\n")
    print(
        f"{'file':<28} "
        + " ".join(f"{h:>8}" for h in ("catalog", "writable", "programs", "eager ok", "reached"))
    )
    totals = collections.Counter()
    for name, optimizations in sorted(by_file.items(), key=lambda item: -len(item[1])):
        ids = [o.id for o in optimizations if o.id in written]
        mine = [(ident, p) for ident in ids for p in written[ident]]
        ran = sum(1 for _, p in mine if verdicts[p.id].outcome.value in RAN_EAGERLY)
        reached = sum(1 for ident in ids if any(ident in verdicts[p.id].triggers for p in written[ident]))
        row = collections.Counter(
            catalog=len(optimizations), writable=len(ids), programs=len(mine), ran=ran, reached=reached
        )
        totals.update(row)
        if args.only and not ids:
            continue
        print_row(name, row)
    print_row("all", totals)
    outcomes = collections.Counter(v.outcome.value for v in verdicts.values())
    print(f"\noutcomes: {dict(outcomes)}")
    if args.out:
        save(args.out, written, verdicts)
    return 0


def save(out: Path, written: dict[str, list], verdicts: dict) -> None:
    """One folder per outcome; each program beside its verdict's explanation."""
    for ident, programs in written.items():
        for number, program in enumerate(programs):
            verdict = verdicts[program.id]
            folder = out / verdict.outcome.value
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{ident.replace('#', '_').replace('.', '_')}_{number}"
            (folder / f"{stem}.py").write_text(program.source)
            (folder / f"{stem}.txt").write_text(verdict.explain() + f"\ntriggers: {verdict.triggers}\n")


if __name__ == "__main__":
    sys.exit(main())
