"""``fuzzfox run``: judge test programs once under the oracles and print a verdict table."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fuzzfox.cli.args import DEFAULT_TARGET, EXIT_BUGS, EXIT_CLEAN, comma_list, positive_float, positive_int
from fuzzfox.program import Program, ProgramError, discover, load_program, parse_setting
from fuzzfox.runner import ProgramResult, RunOptions, UsageError, check_targets, replay
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.targets import TARGETS
from oracles.boundary import DRAWS
from oracles.judge import DEFAULT_ORACLES, ORACLES

DEFAULT_BACKENDS = "aot_eager,inductor"

RUN_EPILOG = """\
examples:
  fuzzfox run corpus/torch-inductor --jobs 2 --campaign runs/seed
  fuzzfox run prog.py --inductor-config cpp.inject_relu_bug_TESTING_ONLY=accuracy
  fuzzfox run corpus/torch-inductor --backends aot_eager,faulty_sigmoid
  fuzzfox run corpus/torch-inductor --oracle values,grads

outcomes: pass (agrees), bug (a candidate: compiled crashes, hangs, or is further from fp64
than eager), dropped (a mismatch the instability filter explains; the rule is recorded),
invalid (the program fails without any compiler).  Verdicts go to DIR/fuzzfox.sqlite;
running again on the same DIR skips what is recorded.
"""


def add_commands(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="judge test programs under the oracles and print a verdict table",
        description="Run every program under PATH (files or directories, searched for *.py) "
        "through the sandboxed oracles.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="program files or directories of them"
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=min(os.cpu_count() or 1, 4),
        help="programs run in parallel, one sandbox worker each (default: %(default)s)",
    )
    run.add_argument(
        "--campaign",
        type=Path,
        metavar="DIR",
        help="campaign directory holding the store; reuse it to resume (default: a new temporary directory)",
    )
    run.add_argument(
        "--target",
        default=DEFAULT_TARGET,
        choices=sorted(TARGETS),
        help="target for programs whose header names none (default: %(default)s)",
    )
    run.add_argument(
        "--backends",
        default="",
        metavar="A,B",
        help="compiled backends to compare with eager, least compiling first; a "
        "failure seen already in an earlier one is blamed on it "
        f"(default: the target's own: {DEFAULT_BACKENDS} for torch-inductor, xla for jax-xla, "
        "function,xla for tf-xla; testing backends: faulty_sigmoid, faulty_cat_segfault, "
        "faulty_sin_xla, faulty_sigmoid_xla)",
    )
    run.add_argument(
        "--oracle",
        default=",".join(DEFAULT_ORACLES),
        metavar="A,B",
        help="oracles to judge with: values (compiled vs eager outputs), grads (reverse vs forward "
        "mode vs float64 central differences, first and second order, and compiled vs eager "
        "gradients through the last backend); the worse verdict wins (default: %(default)s)",
    )
    run.add_argument(
        "--input-draws",
        type=int,
        default=len(DRAWS),
        choices=range(len(DRAWS) + 1),
        metavar="K",
        help="after its one compile, also run each program on the first K boundary-valued input "
        f"draws ({', '.join(DRAWS)}); 0: the recorded inputs only (default: %(default)s)",
    )
    run.add_argument(
        "--inductor-config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a torch._inductor.config key in every worker (repeatable)",
    )
    run.add_argument(
        "--timeout",
        type=positive_float,
        default=Limits.timeout_s,
        metavar="S",
        help="wall-clock seconds per program before it is a timeout (default: %(default)s)",
    )
    run.add_argument(
        "--memory-gb",
        type=positive_float,
        default=Limits.memory_bytes / (1 << 30),
        metavar="GB",
        help="address-space limit per program (default: %(default)s)",
    )
    run.add_argument(
        "--eager-reruns",
        type=int,
        default=2,
        metavar="N",
        help="extra eager runs to detect non-determinism (default: %(default)s)",
    )
    run.add_argument(
        "--rerun", action="store_true", help="run every program again even if the store has its verdict"
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no per-program progress lines")
    run.add_argument(
        "--no-probe",
        action="store_true",
        help="do not record which optimizations each compile reached (saves the probe's overhead)",
    )
    run.set_defaults(handler=command_run)


def _load_programs(paths: list[Path], default_target: str) -> list[Program]:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    files = discover(paths)
    if not files:
        raise UsageError(f"no program files (*.py) under {', '.join(map(str, paths))}")
    programs, problems = [], []
    for file in files:
        try:
            programs.append(load_program(file, default_target))
        except ProgramError as error:
            problems.append(f"{file}: {error}")
    if problems:
        raise UsageError(
            "; ".join(problems)
            if len(problems) < 4
            else f"{len(problems)} files are not programs, first: {problems[0]}"
        )
    return programs


def _progress(done: int, total: int, result: ProgramResult) -> None:
    verdict = result.verdict
    mark = "*" if result.reused else " "
    width = len(str(total))
    print(
        f"[{done:>{width}}/{total}] {verdict.seconds:6.1f}s{mark} {verdict.outcome.value:<8} "
        f"{result.program.name}",
        file=sys.stderr,
        flush=True,
    )


def _oracles(text: str) -> list[str]:
    names = comma_list(text)
    unknown = [name for name in names if name not in ORACLES]
    if unknown or not names:
        raise UsageError(
            f"unknown oracle {(unknown or [text])[0]!r} for --oracle (known: {', '.join(ORACLES)})"
        )
    return list(dict.fromkeys(names))


def command_run(args: argparse.Namespace) -> int:
    from fuzzfox.table import outcome_line, verdict_table

    programs = _load_programs(args.paths, args.target)
    check_targets(programs)
    settings = {
        "backends": comma_list(args.backends),
        "oracles": _oracles(args.oracle),
        "inductor_config": dict(parse_setting(item) for item in args.inductor_config),
        "eager_reruns": args.eager_reruns,
        "input_draws": args.input_draws,
        "probe": not args.no_probe,
    }
    campaign = args.campaign or Path(tempfile.mkdtemp(prefix="fuzzfox-run-"))
    limits = Limits(timeout_s=args.timeout, memory_bytes=int(args.memory_gb * (1 << 30)))
    options = RunOptions(campaign, jobs=args.jobs, settings=settings, limits=limits, rerun=args.rerun)
    print(
        f"fuzzfox: {len(programs)} programs, {args.jobs} jobs, campaign {campaign}",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()
    results = replay(programs, options, None if args.quiet else _progress)
    print(verdict_table(results))
    print(f"\n{outcome_line(results)} in {time.monotonic() - started:.0f}s; store: {campaign}")
    bugs = [r for r in results if r.verdict.is_bug]
    for result in bugs:
        print(f"\n--- {result.program.name} ---\n{result.verdict.explain()}")
    return EXIT_BUGS if bugs else EXIT_CLEAN
