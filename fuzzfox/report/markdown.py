"""The Markdown report (``report.md``); the timeline is the ``timeline.svg`` written beside it."""

from __future__ import annotations

import pandas as pd

from fuzzfox.report.data import BugEntry, ReportData
from fuzzfox.report.facts import bug_rows, coverage_line, members_frame, rechecks_frame, summary_rows
from fuzzfox.report.fmt import fenced, markdown_table, when
from fuzzfox.report.issue import expected_vs_actual, recorded_for
from fuzzfox.triage.severity import kind_of

TRIGGERED_SHOWN = 40
TIMELINE_FILE = "timeline.svg"


def _pairs(rows: list[tuple[str, str]], left: str, right: str) -> str:
    return markdown_table(pd.DataFrame(rows, columns=[left, right]))


def render_markdown(data: ReportData) -> str:
    summary, cover = data.summary, data.coverage
    lines = [
        f"# fuzzfox report: {data.name}",
        f"Campaign `{summary.campaign}`, report written {when(data.generated_at)}.",
    ]
    lines += [f"> {note}" for note in data.notes]
    lines += ["## Campaign summary", _pairs(summary_rows(summary), "figure", "value")]
    if len(data.origins):
        lines += ["### Programs by origin", markdown_table(data.origins)]
    if len(data.generators):
        lines += ["### Generators", markdown_table(data.generators)]
    lines += [
        "## Optimization coverage",
        coverage_line(cover),
        "### By pass",
        markdown_table(cover.by_pass) if len(cover.by_pass) else "_No optimization recorded._",
    ]
    if len(cover.triggered):
        shown = cover.triggered.head(TRIGGERED_SHOWN).assign(
            **{"first seen": cover.triggered["first seen"].map(when)}
        )
        more = len(cover.triggered) - len(shown)
        lines += [
            "### Triggered optimizations"
            + (f" (the {len(shown)} reached most; {more} more)" if more else ""),
            markdown_table(shown),
        ]
    lines += [
        "## Timeline",
        f"![optimizations triggered and unique bugs over time]({TIMELINE_FILE})",
        f"_Source: {data.timeline.source}._",
        f"## Bugs ({len(data.bugs)})",
    ]
    if data.bugs:
        lines.append(
            "_Most severe kind first (wrong results, crashes, status, timeouts); within a kind, most "
            "members first._"
        )
    if not data.bugs:
        lines.append("_No bug clusters: the campaign found no bug that triage has grouped._")
    for index, bug in enumerate(data.bugs, 1):
        lines += _bug_section(index, bug)
    if len(data.unclustered):
        lines += ["## Bug candidates not clustered yet", markdown_table(data.unclustered)]
    return "\n\n".join(lines) + "\n"


def _bug_section(index: int, bug: BugEntry) -> list[str]:
    cluster = bug.cluster
    lines = [
        f"### {index}. [{kind_of(cluster.signature.symptom)}] {cluster.signature.title()}",
        f"Cluster `{cluster.id}`: {cluster.verdict.summary}",
        _pairs(bug_rows(bug), "field", "value"),
        "#### Expected vs actual",
        recorded_for(cluster),
        "\n".join(expected_vs_actual(cluster.verdict)),
    ]
    rechecks = rechecks_frame(bug)
    lines += [
        "#### Rechecks",
        markdown_table(rechecks) if len(rechecks) else "_Not rechecked on a newer version yet._",
    ]
    lines += [f"#### Members ({len(cluster.members)})", markdown_table(members_frame(bug))]
    lines += [f"#### Reproducer (`{bug.script_path}`, {bug.provenance})", fenced(bug.script, "python")]
    lines += ["#### Issue body (paste into the framework's tracker)", fenced(bug.issue, "markdown")]
    return lines
