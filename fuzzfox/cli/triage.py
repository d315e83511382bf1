"""``fuzzfox triage`` and ``fuzzfox recheck``: one entry per bug, and whether it is still there."""

from __future__ import annotations

import argparse
import functools
import os
import time
from pathlib import Path
from typing import Any

from fuzzfox.cli.args import EXIT_BUGS, EXIT_CLEAN, comma_list, note, positive_int

DEFAULT_JOBS = min(os.cpu_count() or 1, 4)
SUMMARY_WIDTH = 70

TRIAGE_EPILOG = """\
Every run recorded with outcome bug is a candidate. Candidates with the same signature (symptom,
stage, backend, exception type, normalized message and top framework frames; for wrong values the
ops and optimizations that survive minimization) form one cluster; every comparison of the eager
autodiff modes (reverse-vs-numeric, forward-vs-numeric, ...) counts as one site, autodiff, while
compiled-reverse stays apart. Clusters are listed most severe kind first (1 wrong result, 2 crash,
3 status, 4 timeout), then by members, then first seen. Each new cluster's representative is
re-run --reruns times in fresh sandboxes under the settings it was found with, then minimized
while the bug holds, unless it shows a known bug: the bug of a program in corpus/regressions/
(judged once under the same settings), whose name the "known" column gives (--minimize-known
minimizes those too). Results go to DIR/fuzzfox.sqlite; running triage again after more fuzzing
only handles what is new.

examples:
  fuzzfox triage runs/c1
  fuzzfox triage runs/c1 --no-minimize --reruns 5
"""
RECHECK_EPILOG = """\
Each cluster's reproducer (the minimized program if there is one) runs on the installed framework:
fixed (it passes), still failing (same signature), or changed (fails another way). Exit status 1
if any bug is still failing or changed, 0 if all are fixed.

examples:
  fuzzfox recheck runs/c1
  fuzzfox recheck runs/c1 --backends aot_eager,inductor
"""


def add_commands(commands: Any) -> None:
    triage = commands.add_parser(
        "triage",
        help="group a campaign's bug candidates into one cluster per bug, re-run and minimize them",
        description="Cluster, reproduce and minimize the bug candidates of campaign DIR.",
        epilog=TRIAGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    triage.add_argument("campaign", type=Path, metavar="DIR", help="campaign directory")
    triage.add_argument(
        "--reruns",
        type=positive_int,
        default=3,
        metavar="N",
        help="re-runs of each representative (default: %(default)s)",
    )
    triage.add_argument("--no-minimize", action="store_true", help="cluster and re-run only")
    triage.add_argument(
        "--minimize-known",
        action="store_true",
        help="minimize a cluster that shows a known bug (a program of corpus/regressions/) too, "
        "instead of naming that program",
    )
    triage.add_argument(
        "--budget-tests",
        type=positive_int,
        default=200,
        metavar="N",
        help="program runs one minimization may spend (default: %(default)s)",
    )
    triage.add_argument(
        "--budget-seconds",
        type=float,
        default=600.0,
        metavar="S",
        help="seconds one minimization may spend (default: %(default)s)",
    )
    triage.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=DEFAULT_JOBS,
        help="sandbox workers (default: %(default)s)",
    )
    triage.set_defaults(handler=functools.partial(command_triage, note=note))
    recheck = commands.add_parser(
        "recheck",
        help="re-run every bug's reproducer on the installed framework: fixed, still failing or changed",
        description="Recheck the bug clusters of campaign DIR (run `fuzzfox triage DIR` first).",
        epilog=RECHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    recheck.add_argument("campaign", type=Path, metavar="DIR", help="campaign directory")
    recheck.add_argument(
        "--backends",
        type=comma_list,
        metavar="A,B",
        help="compiled backends to use instead of the ones each bug was found with",
    )
    recheck.add_argument(
        "--reruns",
        type=positive_int,
        default=1,
        metavar="N",
        help="runs per reproducer (default: %(default)s)",
    )
    recheck.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=DEFAULT_JOBS,
        help="sandbox workers (default: %(default)s)",
    )
    recheck.set_defaults(handler=functools.partial(command_recheck, note=note))


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def _print_table(rows: list[dict[str, Any]]) -> None:
    import pandas as pd

    with pd.option_context(
        "display.max_rows", None, "display.max_colwidth", SUMMARY_WIDTH, "display.width", 250
    ):
        print(pd.DataFrame(rows).to_string(index=False))


def _by_kind(clusters: list[Any]) -> str:
    """``2 wrong result, 1 crash``: clusters per kind, in the ranking's order."""
    from fuzzfox.triage.severity import kind_of

    counts: dict[str, int] = {}
    for cluster in clusters:
        kind = kind_of(cluster.signature.symptom)
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{count} {kind}" for kind, count in counts.items())


def command_triage(args: argparse.Namespace, note: Any) -> int:
    from fuzzfox.triage.reproduce import TriageOptions, triage
    from fuzzfox.triage.severity import ranked, severity_label

    options = TriageOptions(
        reruns=args.reruns,
        minimize=not args.no_minimize,
        budget_tests=args.budget_tests,
        budget_seconds=args.budget_seconds,
        jobs=args.jobs,
        known_bugs=not args.minimize_known,
    )
    started = time.monotonic()
    clusters = ranked(triage(args.campaign, options, note))
    rows = []
    for cluster in clusters:
        minimized = cluster.minimized
        rows.append(
            {
                "cluster": cluster.id,
                "severity": severity_label(cluster.signature.symptom),
                "bug": cluster.signature.title()[:SUMMARY_WIDTH],
                "members": len(cluster.members),
                "reproduced": f"{cluster.reproduced}/{cluster.attempts}" if cluster.attempts else "-",
                "statements": (
                    f"{minimized.statements_before}->{minimized.statements_after}" if minimized else "-"
                ),
                "tokens": f"{minimized.tokens_before}->{minimized.tokens_after}" if minimized else "-",
                "known": Path(cluster.known_bug.path).name if cluster.known_bug else "-",
                "first_seen": _when(cluster.first_seen),
                "last_seen": _when(cluster.last_seen),
            }
        )
    _print_table(rows)
    candidates = sum(len(c.members) for c in clusters)
    print(
        f"\n{candidates} bug candidates in {len(clusters)} clusters ({_by_kind(clusters)}; "
        f"{time.monotonic() - started:.0f}s); store: {args.campaign}"
    )
    return EXIT_CLEAN


def command_recheck(args: argparse.Namespace, note: Any) -> int:
    from fuzzfox.triage.reproduce import FIXED, recheck
    from fuzzfox.triage.severity import rank_key, severity_label

    results = recheck(args.campaign, args.backends, args.reruns, args.jobs, note)
    results.sort(key=lambda result: rank_key(result[0]))
    _print_table(
        [
            {
                "cluster": cluster.id,
                "severity": severity_label(cluster.signature.symptom),
                "bug": cluster.signature.title()[:SUMMARY_WIDTH],
                "status": outcome.status,
                "framework": outcome.framework_version,
                "detail": outcome.detail[:SUMMARY_WIDTH],
            }
            for cluster, outcome in results
        ]
    )
    fixed = sum(outcome.status == FIXED for _, outcome in results)
    print(f"\n{fixed} of {len(results)} bugs fixed; store: {args.campaign}")
    return EXIT_CLEAN if fixed == len(results) else EXIT_BUGS
