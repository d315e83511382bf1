"""``fuzzfox report``: a campaign's findings as Markdown, self-contained HTML and JSON, with reproducers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fuzzfox.cli.args import comma_list
from fuzzfox.report import FORMATS

REPORT_EPILOG = """\
Writes under --out: report.md (with timeline.svg), report.html (one file: inline CSS and SVG,
no script, no external reference), report.json, and bugs/<cluster id>.py: one standalone
reproducer per bug cluster (eager vs compiled, expected vs actual numbers, exit status 1 while
the bug reproduces).  Bug clusters come from `fuzzfox triage DIR`; candidates not clustered yet
are listed on their own.  Nothing the campaign recorded is changed.

examples:
  fuzzfox report runs/c1
  fuzzfox report runs/c1 --format html --out /tmp/c1-report
"""


def _formats(text: str) -> list[str]:
    chosen = comma_list(text)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"formats are {', '.join(FORMATS)} (comma-separated), not {text!r}")
    return chosen


def add_commands(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="write a campaign's report (Markdown, HTML, JSON) and one reproducer per bug",
        description="Summarize a campaign: figures, optimization coverage, a timeline plot, and one "
        "section per bug cluster with its reproducer and an issue-ready Markdown body.",
        epilog=REPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument(
        "campaign", type=Path, metavar="DIR", help="campaign directory (holds fuzzfox.sqlite)"
    )
    report.add_argument(
        "--format",
        type=_formats,
        default=list(FORMATS),
        metavar="md,html,json",
        help="which files to write (default: all three)",
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="output directory (default: reports/<campaign directory name>)",
    )
    report.set_defaults(handler=command_report)


def command_report(args: argparse.Namespace) -> int:
    from fuzzfox.report.write import write_report

    out = args.out or Path("reports") / args.campaign.resolve().name
    data, written = write_report(args.campaign, out, args.format)
    summary = data.summary
    print(
        f"{data.name}: {summary.runs} runs, {summary.optimizations_triggered} optimizations triggered, "
        f"{len(data.bugs)} bug clusters"
        + (f", {summary.unclustered} candidates not clustered yet" if summary.unclustered else "")
    )
    for path in written:
        print(path)
    return 0
