"""Small formatting helpers shared by the renderers: times, durations, numbers, Markdown tables."""

from __future__ import annotations

import math
import time
from typing import Any

import pandas as pd


def when(seconds: float | None) -> str:
    """A Unix time as ``2025-01-31 14:05:09 UTC`` (``-`` when unknown)."""
    if seconds is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def number(value: Any) -> str:
    """Floats to 3 significant digits; anything else as it is; None as ``-``."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if math.isfinite(value) else str(value)
    return str(value)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{number(value)}%"


def _cell(value: Any) -> str:
    text = number(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub Markdown table (pandas' ``to_markdown`` would need the ``tabulate`` package)."""
    header = [_cell(str(c)) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rule = ["---:" if right else "---" for right in numeric]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [header, rule, *rows])


def fenced(text: str, language: str = "") -> str:
    """A Markdown code block whose fence is longer than any run of backticks inside ``text``."""
    longest, run = 0, 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}"
