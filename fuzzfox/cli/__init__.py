"""The ``fuzzfox`` command line.

Exit status: 0 nothing found, 1 bug candidates found, 2 bad input (one line says what).
No framework is imported here: targets run in sandbox workers.
"""

from __future__ import annotations

import argparse
import sys

from fuzzfox.cli import analyze, campaign, crosscheck, llm, optimizations, report, run, triage
from fuzzfox.cli.args import EXIT_USAGE, note
from fuzzfox.llm.client import LLMError
from fuzzfox.llm.models import ModelInstallError
from fuzzfox.program import ProgramError
from fuzzfox.runner import UsageError
from fuzzfox.sandbox.pool import WorkerStartError
from fuzzfox.whitebox.catalog import CatalogError

DESCRIPTION = """\
fuzzfox: a differential fuzzer for deep-learning compilers.

Each test program (a Python file with a Model or fn, a make_inputs(), and a '# key: value'
header) runs in a sandbox, eagerly and compiled, and is judged against an fp64 reference.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fuzzfox",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run.add_commands(commands)
    optimizations.add_commands(commands)
    analyze.add_commands(commands)
    campaign.add_commands(commands)
    triage.add_commands(commands)
    report.add_commands(commands)
    crosscheck.add_commands(commands)
    llm.add_commands(commands)
    return parser


def _fail(message: str) -> int:
    print(f"fuzzfox: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return run.command_run(args)
        if args.command == "optimizations":
            return optimizations.command_optimizations(args)
        if args.command == "analyze":
            return analyze.command_analyze(args)
        if args.command == "llm":
            return llm.command_llm(args)
        if args.command in ("campaign", "daemon"):
            return campaign.command_campaign(args, note, daemon=args.command == "daemon")
        if args.command == "status":
            return campaign.command_status(args)
        if args.command == "triage":
            return triage.command_triage(args, note)
        if args.command == "recheck":
            return triage.command_recheck(args, note)
        if args.command == "report":
            return report.command_report(args)
        if args.command == "crosscheck":
            return crosscheck.command_crosscheck(args, note)
    except (
        UsageError,
        ProgramError,
        WorkerStartError,
        CatalogError,
        LLMError,
        ModelInstallError,
        ValueError,
    ) as error:
        return _fail(str(error).splitlines()[0] if str(error) else type(error).__name__)
    except KeyboardInterrupt:
        print("fuzzfox: interrupted; finished verdicts are in the store", file=sys.stderr)
        return 130
    return EXIT_USAGE
