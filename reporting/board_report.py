"""The governance board's one-page data-quality report: a self-contained HTML file and its PDF."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from reporting import benchmarks, figures
from reporting.charts import failed_checks_chart, pass_rate_chart
from reporting.pdf import write_pdf

_TEMPLATES = Environment(
    loader=PackageLoader("reporting", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def build_report(
    con: duckdb.DuckDBPyConnection,
    reports_dir: Path,
    reporting_date: date,
    published: bool,
    reasons: list[str],
) -> Path:
    """Write ``reports_dir/data-quality-<reporting_date>.html`` and ``.pdf``; return the HTML's path.

    ``reasons`` say in plain English why the KPIs were held back (or anything the board
    should know when they were published). Works before the marts exist and on a first
    refresh with no check history.
    """
    latest, previous = figures.check_outcomes(con)
    rejected = figures.rejected_files(con)
    scores = figures.scorecard(con, reporting_date, latest, rejected)
    history = figures.refresh_history(con)
    charts = [failed_checks_chart(history), pass_rate_chart(history)] if len(history) > 1 else []
    failed = sorted((o for o in latest if not o.success), key=lambda o: (o.severity != "critical", o.dataset))

    html = _TEMPLATES.get_template("board_report.html.j2").render(
        reporting_date=reporting_date,
        generated_at=datetime.now(UTC),
        published=published,
        reasons=reasons,
        scores=scores,
        totals={
            "extracts_received": sum(s.as_at is not None for s in scores),
            "extracts": len(scores),
            "rows_received": sum(s.rows_received or 0 for s in scores),
            "rows_quarantined": sum(s.rows_quarantined or 0 for s in scores),
            "failed_critical": sum(o.severity == "critical" for o in failed),
            "failed_warning": sum(o.severity == "warning" for o in failed),
        },
        linkage_rate=figures.cohort_linkage_rate(con),
        linkage=figures.linkage(con),
        rejected=rejected,
        failed=failed,
        changes=figures.changes(latest, previous),
        history=history,
        charts=charts,
        comparisons=benchmarks.comparisons(con),
        reconciliations=benchmarks.reconciliations(con),
    )
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"data-quality-{reporting_date}.html"
    path.write_text(html, encoding="utf-8")
    write_pdf(html, path.with_suffix(".pdf"))
    return path
