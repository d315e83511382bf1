"""The HTML report: one self-contained file (inline CSS and SVG, no script, no external reference).

Everything that comes from a program, a message or the store goes through ``html.escape`` (or
pandas' escaping ``to_html``): a generated program is untrusted text.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from fuzzfox.report.data import BugEntry, ReportData
from fuzzfox.report.facts import bug_rows, coverage_line, members_frame, rechecks_frame, summary_rows
from fuzzfox.report.fmt import number, percent, when
from fuzzfox.report.issue import expected_vs_actual, recorded_for
from fuzzfox.report.plot import timeline_svg
from fuzzfox.report.reproducer import SETTINGS_MARKER
from fuzzfox.triage.severity import severity, severity_label

TRIGGERED_SHOWN = 40
LOUDEST_BAD = 2  # severities up to this one (wrong results, crashes) get the red badge
STATUS_CLASS = {"fixed": "good", "still failing": "bad", "changed": "warn"}

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #111827;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 64px; background: #ffffff; min-height: 100vh; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid #e5e7eb; }
h3 { font-size: 17px; margin: 26px 0 8px; }
h4 { font-size: 15px; margin: 18px 0 6px; color: #374151; }
.sub { color: #6b7280; margin: 0 0 18px; }
.note { background: #fef3c7; border-left: 4px solid #f59e0b; padding: 8px 12px; margin: 8px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0; }
.card { flex: 1 1 150px; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px 14px;
  background: #f9fafb; }
.card b { display: block; font-size: 26px; line-height: 1.2; }
.card span { color: #4b5563; font-size: 13px; }
.card.bad b { color: #dc2626; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafafa; }
table.facts th { width: 260px; background: none; color: #4b5563; font-weight: 500; }
pre { background: #f6f8fa; border: 1px solid #e5e7eb; border-radius: 6px; padding: 10px 12px;
  overflow-x: auto;
  white-space: pre; font: 12.5px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
code { font: 13px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f3f4f6;
  padding: 1px 4px; border-radius: 4px; }
.bug { border: 1px solid #e5e7eb; border-left: 5px solid #dc2626; border-radius: 8px; padding: 4px 18px 12px;
  margin: 18px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  background: #e5e7eb; color: #374151; margin-right: 6px; }
.badge.bad { background: #fee2e2; color: #991b1b; }
.badge.good { background: #dcfce7; color: #166534; }
.badge.warn { background: #fef3c7; color: #92400e; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; color: #1f2937; }
figure { margin: 8px 0; }
figcaption { color: #6b7280; font-size: 13px; }
svg { max-width: 100%; height: auto; }
nav a { margin-right: 14px; color: #2563eb; text-decoration: none; }
"""


def _text(text: str) -> str:
    """Escaped text, with Markdown code spans (from notes and figures shared with report.md) as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, escape=True, na_rep="-", float_format=number)


def _facts(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{_text(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts"><tbody>{body}</tbody></table>'


def _card(value: str, label: str, bad: bool = False) -> str:
    return (
        f'<div class="card{" bad" if bad else ""}"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
    )


def render_html(data: ReportData) -> str:
    summary, cover = data.summary, data.coverage
    total = summary.optimizations_total
    cards = [
        _card(str(summary.runs), "programs judged"),
        _card(percent(summary.runnable_pct), "runnable without a compiler"),
        _card(
            f"{summary.optimizations_triggered} / {total if total is not None else '?'}",
            "optimizations triggered",
        ),
        _card(str(len(data.bugs)), "bug clusters", bad=bool(data.bugs)),
        _card(str(summary.llm.tokens), "LLM tokens"),
    ]
    body = [
        f"<h1>fuzzfox report: {escape(data.name)}</h1>",
        f'<p class="sub">Campaign <code>{escape(summary.campaign)}</code>; report written '
        f"{escape(when(data.generated_at))}.</p>",
        '<nav><a href="#summary">Summary</a><a href="#coverage">Coverage</a><a href="#timeline">Timeline</a>'
        '<a href="#bugs">Bugs</a></nav>',
        *(f'<p class="note">{_text(note)}</p>' for note in data.notes),
        f'<div class="cards">{"".join(cards)}</div>',
        '<h2 id="summary">Campaign summary</h2>',
        _facts(summary_rows(summary)),
    ]
    if len(data.origins):
        body += ["<h3>Programs by origin</h3>", _table(data.origins)]
    if len(data.generators):
        body += ["<h3>Generators</h3>", _table(data.generators)]
    body += [
        '<h2 id="coverage">Optimization coverage</h2>',
        f"<p>{_text(coverage_line(cover))}</p>",
        "<h3>By pass</h3>",
        _table(cover.by_pass) if len(cover.by_pass) else "<p><em>No optimization recorded.</em></p>",
    ]
    if len(cover.triggered):
        shown = cover.triggered.head(TRIGGERED_SHOWN).assign(
            **{"first seen": cover.triggered["first seen"].map(when)}
        )
        body += [
            f"<details><summary>Triggered optimizations ({len(cover.triggered)})</summary>",
            _table(shown),
            "</details>",
        ]
    body += [
        '<h2 id="timeline">Timeline</h2>',
        f"<figure>{timeline_svg(data.timeline)}<figcaption>Source: {escape(data.timeline.source)}."
        "</figcaption></figure>",
        f'<h2 id="bugs">Bugs ({len(data.bugs)})</h2>',
    ]
    if not data.bugs:
        body.append("<p><em>No bug clusters: the campaign found no bug that triage has grouped.</em></p>")
    else:
        body.append(
            "<p><em>Most severe kind first (wrong results, crashes, status, timeouts); within a kind, "
            "most members first.</em></p>"
        )
    body += [_bug_section(index, bug) for index, bug in enumerate(data.bugs, 1)]
    if len(data.unclustered):
        body += ["<h2>Bug candidates not clustered yet</h2>", _table(data.unclustered)]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>fuzzfox report: {escape(data.name)}</title>\n<style>{STYLE}</style>\n</head>\n"
        "<body><main>\n" + "\n".join(body) + "\n</main></body>\n</html>\n"
    )


def _script(script: str) -> str:
    """The program in full; the harness that follows it folded (it is the same for every bug)."""
    program, marker, harness = script.partition(SETTINGS_MARKER)
    if not marker:
        return f"<pre>{escape(script)}</pre>"
    lines = (marker + harness).count("\n")
    return (
        f"<pre>{escape(program.rstrip())}</pre>"
        f"<details><summary>fuzzfox settings and harness ({lines} lines: eager vs compiled, fp64 referee)"
        f"</summary><pre>{escape(marker + harness)}</pre></details>"
    )


def _bug_section(index: int, bug: BugEntry) -> str:
    cluster = bug.cluster
    signature = cluster.signature
    loud = "bad" if severity(signature.symptom) <= LOUDEST_BAD else "warn"
    badges = [
        f'<span class="badge {loud}">{escape(severity_label(signature.symptom))}</span>',
        f'<span class="badge bad">{escape(signature.symptom)}</span>',
    ]
    if signature.stage:
        badges.append(f'<span class="badge">{escape(signature.stage)}</span>')
    for recheck in cluster.rechecks[-1:]:
        status = f"{recheck.status} on {recheck.framework_version}"
        badges.append(f'<span class="badge {STATUS_CLASS.get(recheck.status, "")}">{escape(status)}</span>')
    rechecks = rechecks_frame(bug)
    evidence = "".join(f"<li>{_text(line.lstrip('- '))}</li>" for line in expected_vs_actual(cluster.verdict))
    parts = [
        f'<section class="bug" id="bug-{escape(cluster.id)}">',
        f"<h3>{index}. {escape(signature.title())}</h3>",
        f"<p>{''.join(badges)}<code>{escape(cluster.id)}</code></p>",
        f"<p>{escape(cluster.verdict.summary)}</p>",
        _facts(bug_rows(bug)),
        "<h4>Expected vs actual</h4>",
        f"<p>{_text(recorded_for(cluster))}</p><ul>{evidence}</ul>",
        "<h4>Rechecks</h4>",
        _table(rechecks) if len(rechecks) else "<p><em>Not rechecked on a newer version yet.</em></p>",
        f"<details><summary>Members ({len(cluster.members)})</summary>{_table(members_frame(bug))}</details>",
        f"<h4>Reproducer <code>{escape(bug.script_path)}</code></h4>",
        f"<p>{escape(bug.provenance)}</p>",
        _script(bug.script),
        "<details><summary>Issue body (Markdown, paste into the framework's tracker)</summary>"
        f"<pre>{escape(bug.issue)}</pre></details>",
        "</section>",
    ]
    return "\n".join(parts)
