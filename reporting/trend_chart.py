"""The performance pack's trend charts: a KPI's value by reporting month as a self-contained SVG
(inline in the HTML with its ``<title>`` and ``<desc>``, an image in the PDF)."""
from __future__ import annotations

import base64
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH, HEIGHT, FONT = 720, 270, 14  # drawn 540pt wide in the PDF: 14 units are 10.5pt
LEFT, RIGHT, TOP, BOTTOM = 80, 700, 64, 200
LEFT_LEGEND = 10  # two rows of legend fit above TOP
SERIES_COLOUR, TARGET_COLOUR, GAP_COLOUR = "#08519c", "#a63603", "#595959"
NO_FIGURE = "No figure: not published or withheld"
LABEL_EVERY = 3  # months between labelled ticks (the latest month is always labelled)


@dataclass(frozen=True)
class TrendChart:
    svg: str
    alt: str
    legend: tuple[str, ...]

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _ticks(low: float, high: float) -> list[float]:
    """About four round values spanning ``low`` to ``high``."""
    span = high - low or abs(high) or 1.0
    step = 10 ** math.floor(math.log10(span / 4))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if span / (step * m) <= 4)
    start = math.floor(low / step) * step
    return [start + i * step for i in range(math.ceil((high - start) / step) + 1)]


def _text(x: float, y: float, text: str, anchor: str = "middle", **attributes: str) -> str:
    extra = "".join(f' {k.rstrip("_")}="{v}"' for k, v in attributes.items())  # class_: class
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{FONT}" '
            f'font-family="Helvetica, Arial, sans-serif" fill="#1b1b1b"{extra}>{escape(text)}</text>')


def trend_chart(chart_id: str, title: str, series_name: str, months: list[date], values: list[float | None],
                shown: Callable[[float], str], target: float | None = None, start: date | None = None) -> TrendChart:
    """A line of ``values`` by reporting month (None: no figure, not published or withheld, marked from the
    series' ``start`` on), with the target if set."""
    known = [v for v in values if v is not None]
    gaps = [i for i, (month, v) in enumerate(zip(months, values)) if v is None and start and month >= start]
    ticks = _ticks(min([0.0, *known, *([target] if target is not None else [])]),
                   max([*known, *([target] if target is not None else []), 0.0]) or 1.0)
    slot = (RIGHT - LEFT) / len(months)
    x = [LEFT + (i + 0.5) * slot for i in range(len(months))]

    def y(value: float) -> float:
        return BOTTOM - (value - ticks[0]) / (ticks[-1] - ticks[0]) * (BOTTOM - TOP)

    parts = [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d9d9d9"/>')
        parts.append(_text(LEFT - 6, y(tick) + 5, f"{tick:,g}", anchor="end"))
    parts.append(f'<line x1="{LEFT}" x2="{RIGHT}" y1="{BOTTOM}" y2="{BOTTOM}" stroke="#1b1b1b"/>')
    for i, month in enumerate(months):
        parts.append(f'<line x1="{x[i]:.1f}" x2="{x[i]:.1f}" y1="{BOTTOM}" y2="{BOTTOM + 5}" stroke="#1b1b1b"/>')
        if (len(months) - 1 - i) % LABEL_EVERY == 0:
            parts.append(_text(x[i], BOTTOM + 22, f"{month:%b %Y}", class_="month"))
    parts.append(_text((LEFT + RIGHT) / 2, HEIGHT - 12, "Reporting month", class_="axis-title"))
    if target is not None:
        parts.append(f'<line class="target" x1="{LEFT}" x2="{RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="8 5"/>')
    runs: list[list[str]] = [[]]  # the line breaks at a month with no figure
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{x[i]:.1f},{y(value):.1f}")
            parts.append(f'<circle class="point" cx="{x[i]:.1f}" cy="{y(value):.1f}" r="4" fill="{SERIES_COLOUR}"/>')
        if i in gaps:
            parts.append(f'<rect class="no-figure" x="{x[i] - 4:.1f}" y="{BOTTOM - 4}" width="8" height="8" '
                         f'fill="#ffffff" stroke="{GAP_COLOUR}" stroke-width="1.5"/>')
    for points in filter(None, runs):
        parts.append(f'<polyline class="series" points="{" ".join(points)}" fill="none" '
                     f'stroke="{SERIES_COLOUR}" stroke-width="2.5"/>')

    keys = [(series_name, f'<line x1="0" x2="28" y1="20" y2="20" stroke="{SERIES_COLOUR}" stroke-width="2.5"/>'
                          f'<circle cx="14" cy="20" r="4" fill="{SERIES_COLOUR}"/>')]
    if target is not None:
        keys.append((f"Target ({shown(target)})", f'<line x1="0" x2="28" y1="20" y2="20" stroke="{TARGET_COLOUR}" '
                                                 'stroke-width="2" stroke-dasharray="8 5"/>'))
    if gaps:
        keys.append((NO_FIGURE, f'<rect x="10" y="16" width="8" height="8" fill="#ffffff" stroke="{GAP_COLOUR}" '
                                'stroke-width="1.5"/>'))
    parts += _legend(keys)
    legend = [label for label, _ in keys]
    first, last = months[0], months[-1]
    latest = (f"{last:%B %Y}: {shown(values[-1])}" if values[-1] is not None
              else f"no figure for {last:%B %Y} (not published or withheld)")
    alt = (f"Line chart of {title} by reporting month, {first:%B %Y} to {last:%B %Y}, {series_name}. {latest}"
           + (f"; the series starts in {start:%B %Y}" if start and start > first else "")
           + (f"; {len(gaps)} month{'s' if len(gaps) != 1 else ''} since then without a figure"
              if gaps else "")
           + (f"; the target is {shown(target)}" if target is not None else "") + ".")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="{chart_id}-title {chart_id}-desc">'
           f'<title id="{chart_id}-title">{escape(title)}: trend by reporting month</title>'
           f'<desc id="{chart_id}-desc">{escape(alt)}</desc>{"".join(parts)}</svg>')
    return TrendChart(svg, alt, tuple(legend))


def _legend(keys: list[tuple[str, str]]) -> list[str]:
    """Rows of (label, key drawn at x 0) above the plot, a new row where the next would not fit."""
    parts, left, row = [], LEFT_LEGEND, 0
    for label, key in keys:
        width = 34 + 0.6 * FONT * len(label)  # 0.6 em: wider than the average letter of a sans-serif font
        if left + width > WIDTH and left > LEFT_LEGEND:
            left, row = LEFT_LEGEND, row + 1
        parts.append(f'<g class="legend-entry" transform="translate({left:.0f} {22 * row})">{key}'
                     f'{_text(34, 25, label, anchor="start")}</g>')
        left += width + 24
    return parts
