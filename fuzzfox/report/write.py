"""Write a campaign's report files and one reproducer script per bug into a directory."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from fuzzfox.report import FORMATS
from fuzzfox.report.data import ReportData, gather
from fuzzfox.report.html import render_html
from fuzzfox.report.jsonout import render_json
from fuzzfox.report.markdown import TIMELINE_FILE, render_markdown
from fuzzfox.report.plot import timeline_svg


def _write(path: Path, text: str) -> Path:
    """Whole or not at all: a browser open on the old report never sees half of the new one."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


def write_report(
    campaign: Path, out: Path, formats: Sequence[str] = FORMATS
) -> tuple[ReportData, list[Path]]:
    """Gather ``campaign`` and write the chosen formats plus ``bugs/<cluster id>.py`` under ``out``.

    Reproducers of clusters no longer in the campaign (left by an earlier report) are removed.
    """
    data = gather(campaign)
    bugs = out / "bugs"
    bugs.mkdir(parents=True, exist_ok=True)
    written = [_write(out / bug.script_path, bug.script) for bug in data.bugs]
    for stale in set(bugs.glob("*.py")) - set(written):
        stale.unlink()
    if "md" in formats:
        written.append(_write(out / "report.md", render_markdown(data)))
        written.append(_write(out / TIMELINE_FILE, timeline_svg(data.timeline) + "\n"))
    if "html" in formats:
        written.append(_write(out / "report.html", render_html(data)))
    if "json" in formats:
        written.append(_write(out / "report.json", render_json(data)))
    return data, written
