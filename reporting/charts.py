"""Trend charts for the board report: inline PNG images, each with a text alternative.

One point per reporting month (the last refresh of the month), read from the report register.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: render to memory

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from reporting.figures import PARTNER_NAMES  # noqa: E402
from reporting.register import ReportEntry  # noqa: E402

# Dark, distinguishable colours that pass contrast on white; shapes and hatching carry the
# same meaning for readers who cannot tell the colours apart.
CRITICAL_COLOUR, WARNING_COLOUR = "#a50f15", "#7a5200"
LINE_STYLES = [("#08519c", "o"), ("#006d2c", "s"), ("#54278f", "^"), ("#a63603", "D"), ("#252525", "v"),
               ("#00545c", "P")]
MARTS_NAME = "Published tables"


@dataclass(frozen=True)
class Chart:
    data_uri: str
    alt: str
    legend: tuple[str, ...]


def group_name(group: str) -> str:
    return PARTNER_NAMES.get(group, MARTS_NAME)


def _by_month(axes, history: list[ReportEntry]) -> list[int]:
    """One x position per reporting month, labelled with the month."""
    positions = list(range(len(history)))
    axes.set_xticks(positions, [r.reporting_date.strftime("%b %Y") for r in history])
    axes.set_xlabel("Reporting month")
    return positions


def _legend_below(axes, ncols: int) -> None:
    """Below the plot, inside the figure: ``tight_layout`` makes room for it."""
    axes.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(0, -0.3), ncols=ncols)


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def failed_checks_figure(history: list[ReportEntry]) -> Figure:
    figure, axes = plt.subplots(figsize=(8, 3.6))
    x = _by_month(axes, history)
    critical = [r.failed_critical for r in history]
    axes.bar(x, critical, color=CRITICAL_COLOUR, label="Critical (blocks publication)")
    axes.bar(x, [r.failed_warning for r in history], bottom=critical, color=WARNING_COLOUR, hatch="//",
             edgecolor="white", label="Warning")
    axes.set_ylabel("Failed checks")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    _legend_below(axes, ncols=2)
    figure.tight_layout()
    return figure


def pass_rate_figure(history: list[ReportEntry]) -> Figure:
    figure, axes = plt.subplots(figsize=(8, 4.4))
    x = _by_month(axes, history)
    groups = sorted({g for r in history for g in r.passed_percent_by_partner})
    if len(groups) > len(LINE_STYLES):
        raise ValueError(f"{len(groups)} partners but only {len(LINE_STYLES)} line styles")
    for group, (colour, marker) in zip(groups, LINE_STYLES):
        axes.plot(x, [r.passed_percent_by_partner.get(group) for r in history], color=colour, marker=marker,
                  label=group_name(group))
    axes.set_ylabel("Checks met (%)")
    axes.set_ylim(0, 105)
    axes.spines[["top", "right"]].set_visible(False)
    _legend_below(axes, ncols=2)
    figure.tight_layout()
    return figure


def _legend(figure: Figure) -> tuple[str, ...]:
    return tuple(t.get_text() for t in figure.axes[0].get_legend().get_texts())


def failed_checks_chart(history: list[ReportEntry]) -> Chart:
    """Stacked bars: failed critical checks (files included) and warnings per reporting month."""
    figure = failed_checks_figure(history)
    first, last = history[0], history[-1]
    alt = (f"Bar chart of failed checks by reporting month, {first.reporting_date:%B %Y} to "
           f"{last.reporting_date:%B %Y}. {last.reporting_date:%B %Y}: {last.failed_critical} critical and "
           f"{last.failed_warning} warning failures; {first.reporting_date:%B %Y}: {first.failed_critical} "
           f"critical and {first.failed_warning} warning.")
    return Chart(alt=alt, legend=_legend(figure), data_uri=_png(figure))


def pass_rate_chart(history: list[ReportEntry]) -> Chart:
    """Lines: share of checks met per partner (and for the published tables) per reporting month."""
    figure = pass_rate_figure(history)
    latest = history[-1]
    summary = "; ".join(f"{group_name(g)} {v:.0f}%" for g, v in sorted(latest.passed_percent_by_partner.items()))
    alt = (f"Line chart of the percentage of checks met by each partner's data, by reporting month, "
           f"{history[0].reporting_date:%B %Y} to {latest.reporting_date:%B %Y}. "
           f"{latest.reporting_date:%B %Y}: {summary}.")
    return Chart(alt=alt, legend=_legend(figure), data_uri=_png(figure))
