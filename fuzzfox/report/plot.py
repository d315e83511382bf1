"""The timeline plot as inline SVG: optimizations triggered and unique bugs over campaign time.

Two panels over one time axis rather than one panel with two y axes: the counts differ by orders
of magnitude (hundreds of optimizations, a handful of bugs) and a second axis is easy to misread.
Counts are cumulative, so they are drawn as steps.  Hand-written SVG: no plotting dependency,
no script, no external reference.
"""

from __future__ import annotations

import dataclasses
import math
from html import escape

from fuzzfox.report.data import Timeline

WIDTH = 1000
PANEL_HEIGHT = 170
LEFT, RIGHT, TOP, GAP, BOTTOM = 64, 48, 34, 72, 46
EMPTY_HEIGHT = 60
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\""
SERIES = (("optimizations triggered", "#2563eb"), ("unique bugs", "#dc2626"))


def nice_ticks(upper: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values from 0 to at least ``upper``: steps of 1, 2 or 5 times a power of ten."""
    upper = upper if upper > 0 else 1.0
    raw = upper / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(step, 1.0)
    return [i * step for i in range(math.ceil(upper / step - 1e-9) + 1)]


def _label(value: float) -> str:
    return f"{value:g}"


def _open(height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="timeline-title">',
        '<title id="timeline-title">Optimizations triggered and unique bugs over campaign time</title>',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]


@dataclasses.dataclass(frozen=True)
class _TimeAxis:
    """Minutes since the start mapped to x; ticks in minutes, or in hours past three hours."""

    ticks: list[float]  # in ``unit``
    unit: str
    minutes_per_unit: float

    @classmethod
    def spanning(cls, minutes: float) -> _TimeAxis:
        span = max(minutes, 1.0)
        per_unit, unit = (60.0, "hours") if span > 180 else (1.0, "minutes")
        return cls(nice_ticks(span / per_unit, 8), unit, per_unit)

    def x(self, minutes: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * minutes / (self.ticks[-1] * self.minutes_per_unit)


def timeline_svg(timeline: Timeline) -> str:
    if not timeline.minutes:
        return "\n".join(
            [
                *_open(EMPTY_HEIGHT),
                f'<text x="{WIDTH / 2}" y="{EMPTY_HEIGHT / 2 + 5}" text-anchor="middle" {FONT} '
                'font-size="15" fill="#6b7280">no runs recorded yet: nothing to plot</text>',
                "</svg>",
            ]
        )
    height = TOP + 2 * PANEL_HEIGHT + GAP + BOTTOM
    axis = _TimeAxis.spanning(timeline.minutes[-1])
    parts = _open(height)
    for index, ((name, colour), values) in enumerate(
        zip(SERIES, (timeline.optimizations, timeline.bugs), strict=True)
    ):
        parts += _panel(TOP + index * (PANEL_HEIGHT + GAP), name, colour, timeline.minutes, values, axis)
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{height - 10}" text-anchor="middle" {FONT} '
        f'font-size="13" fill="#111827">{axis.unit} since the campaign started</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _panel(
    top: float, name: str, colour: str, minutes: list[float], values: list[int], axis: _TimeAxis
) -> list[str]:
    """One series in its frame: title, grid and y labels, x ticks, the step line, its end value."""
    y_ticks = nice_ticks(max(values, default=0), 4, integer=True)
    bottom = top + PANEL_HEIGHT

    def y(value: float) -> float:
        return bottom - PANEL_HEIGHT * value / y_ticks[-1]

    parts = [
        f'<text x="{LEFT}" y="{top - 12}" {FONT} font-size="14" font-weight="600" fill="#111827">'
        f"{escape(name)}</text>"
    ]
    for tick in y_ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e5e7eb"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" {FONT} font-size="12" '
            f'fill="#374151">{_label(tick)}</text>'
        )
    for tick in axis.ticks:
        x = axis.x(tick * axis.minutes_per_unit)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 5}" stroke="#6b7280"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 19}" text-anchor="middle" {FONT} font-size="12" '
            f'fill="#374151">{_label(tick)}</text>'
        )
    parts.append(
        f'<rect x="{LEFT}" y="{top}" width="{WIDTH - LEFT - RIGHT}" height="{PANEL_HEIGHT}" fill="none" '
        'stroke="#9ca3af"/>'
    )
    steps = "".join(f"H{axis.x(m):.1f}V{y(v):.1f}" for m, v in zip(minutes[1:], values[1:], strict=True))
    parts.append(
        f'<path d="M{axis.x(minutes[0]):.1f},{y(values[0]):.1f}{steps}" fill="none" stroke="{colour}" '
        'stroke-width="2.5"/>'
    )
    end_x, end_y = axis.x(minutes[-1]), y(values[-1])
    parts.append(f'<circle cx="{end_x:.1f}" cy="{end_y:.1f}" r="4" fill="{colour}"/>')
    parts.append(
        f'<text x="{end_x + 7:.1f}" y="{max(end_y + 4, top + 12):.1f}" {FONT} font-size="13" '
        f'font-weight="600" fill="{colour}">{values[-1]}</text>'
    )
    return parts
