"""Trend charts for the board report: inline PNG images, each with a text alternative."""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: render to memory

import matplotlib.pyplot as plt  # noqa: E402

from reporting.figures import PARTNER_NAMES, Refresh  # noqa: E402

# Dark, distinguishable colours that pass contrast on white; shapes and hatching carry the
# same meaning for readers who cannot tell the colours apart.
CRITICAL_COLOUR, WARNING_COLOUR = "#a50f15", "#7a5200"
LINE_STYLES = [("#08519c", "o"), ("#006d2c", "s"), ("#54278f", "^"), ("#a63603", "D"), ("#252525", "v")]


@dataclass(frozen=True)
class Chart:
    data_uri: str
    alt: str


def _by_refresh(axes, history: list[Refresh]) -> list[int]:
    """One x position per refresh, labelled with its date (two refreshes may share a date)."""
    positions = list(range(len(history)))
    axes.set_xticks(positions, [r.validated_at.strftime("%d %b %Y\n%H:%M") for r in history])
    return positions


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def failed_checks_chart(history: list[Refresh]) -> Chart:
    """Stacked bars: failed critical and warning checks per refresh."""
    critical = [r.failed_critical for r in history]
    warning = [r.failed_warning for r in history]
    figure, axes = plt.subplots(figsize=(8, 3.2))
    x = _by_refresh(axes, history)
    axes.bar(x, critical, color=CRITICAL_COLOUR, label="Critical (blocks publication)")
    axes.bar(x, warning, bottom=critical, color=WARNING_COLOUR, hatch="//", edgecolor="white",
             label="Warning")
    axes.set_ylabel("Failed checks")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncols=2)
    axes.spines[["top", "right"]].set_visible(False)
    alt = (f"Bar chart of failed checks over the last {len(history)} refreshes. "
           f"Most recent refresh: {critical[-1]} critical and {warning[-1]} warning failures; "
           f"first shown: {critical[0]} critical and {warning[0]} warning.")
    return Chart(_png(figure), alt)


def pass_rate_chart(history: list[Refresh]) -> Chart:
    """Lines: share of checks met per partner (and for the marts) per refresh."""
    groups = sorted({g for r in history for g in r.passed_percent_by_partner})
    figure, axes = plt.subplots(figsize=(8, 3.2))
    x = _by_refresh(axes, history)
    summary = []
    for group, (colour, marker) in zip(groups, LINE_STYLES):
        values = [r.passed_percent_by_partner.get(group) for r in history]
        name = PARTNER_NAMES.get(group, "Published tables")
        axes.plot(x, values, color=colour, marker=marker, label=name)
        latest = next((v for v in reversed(values) if v is not None), None)
        if latest is not None:
            summary.append(f"{name} {latest:.0f}%")
    axes.set_ylabel("Checks met (%)")
    axes.set_ylim(0, 105)
    axes.legend(frameon=False, fontsize="small", loc="lower left", bbox_to_anchor=(0, 1), ncols=3)
    axes.spines[["top", "right"]].set_visible(False)
    alt = (f"Line chart of the percentage of checks met by each partner's data over the last "
           f"{len(history)} refreshes. Most recent: {'; '.join(summary)}.")
    return Chart(_png(figure), alt)
