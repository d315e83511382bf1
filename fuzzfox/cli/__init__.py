"""The ``fuzzfox`` command line.

Exit status: 0 nothing found, 1 bug candidates found, 2 bad input (one line says what), 3 an
internal error of fuzzfox (its traceback, then one line).
No framework is imported here: targets run in sandbox workers.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from fuzzfox.cli import analyze, campaign, crosscheck, llm, optimizations, report, run, triage
from fuzzfox.cli.args import EXIT_INTERNAL, EXIT_USAGE
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
    # Each module adds its subcommand(s), in this order (the order --help lists them), and sets
    # handler=its command function on each: main() runs args.handler(args).
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
        return args.handler(args)
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
    except Exception as error:  # the last line of defence: say so, and exit apart from 1
        traceback.print_exc()
        print(
            f"fuzzfox: internal error ({type(error).__name__}): a bug of fuzzfox, not of the programs "
            "under test; what a campaign had finished is in its store",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
