"""Line charts as inline SVG, drawn on the server: no chart library, nothing to load.

Colours and sizes are SVG presentation attributes, not ``style``, so the
pages' Content-Security-Policy (no inline styles) holds. Text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

PALETTE = (
    "#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400",
    "#16a085", "#7f8c8d", "#b8860b", "#2c3e50", "#e84393",
)  # fmt: skip
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36
TICKS = 5


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    points: Sequence[tuple[date, float]]


def _nice(high: float) -> float:
    """A round top for the y axis, so that each of the TICKS steps is 1, 2, 2.5 or 5 × 10^k."""
    if high <= 0:
        return float(TICKS)
    raw = high * 1.05 / TICKS
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return float(step * TICKS)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def line_chart(series: Sequence[Series], title: str, *, y_max: float | None = None) -> Markup:
    """One line per series over shared dates; a lone point shows as a dot."""
    days = sorted({d for s in series for d, _ in s.points})
    if not days:
        return Markup("")
    high = y_max if y_max is not None else _nice(max(v for s in series for _, v in s.points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max((days[-1] - days[0]).days, 1)

    def x(day: date) -> float:
        if len(days) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - days[0]).days / span

    def y(value: float) -> float:
        return TOP + plot_h * (1 - min(value, high) / high)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(TICKS + 1):
        value = high * i / TICKS
        ty = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#d9dee5" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#4a5568">{_fmt(value)}</text>'
        )
    for day in (days[0], days[-1]) if len(days) > 1 else (days[0],):
        anchor = "start" if day == days[0] and len(days) > 1 else "end"
        if len(days) == 1:
            anchor = "middle"
        parts.append(
            f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" '
            f'font-size="11" fill="#4a5568">{day.isoformat()}</text>'
        )
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        coords = [(x(d), y(v)) for d, v in sorted(s.points)]
        label = escape(s.label)
        if len(coords) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2">'
                f"<title>{label}</title></polyline>"
            )
        for px, py in coords:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(labels: Sequence[str]) -> list[tuple[str, str]]:
    """``(colour, label)`` pairs in the order the chart draws its series."""
    return [(PALETTE[i % len(PALETTE)], label) for i, label in enumerate(labels)]


def series_of(
    history: Mapping[str, Sequence[tuple[date, Mapping[str, object]]]],
    key: str,
    names: Mapping[str, str],
    scale: float = 1.0,
) -> list[Series]:
    """One series per platform of figure ``key`` from its daily snapshots (missing days skip)."""
    out = []
    for platform, days in history.items():
        points = [
            (day, float(str(figures[key])) * scale)
            for day, figures in days
            if figures.get(key) is not None
        ]
        if points:
            out.append(Series(names.get(platform, platform), points))
    return out
