"""The governance board's one-page data-quality report: a self-contained HTML file and its PDF.

Each refresh writes its own report (``data-quality-<reporting date>-<time made>.html`` and
``.pdf``) and adds it to the register and the index page ``HOME/reports/index.html``: a
held-back refresh never replaces the report of the month's publication.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from reporting import comparators, disclosure_note, figures, register
from reporting.charts import failed_checks_chart, pass_rate_chart
from reporting.figures import FileCheckFailure
from reporting.pdf import write_pdf

TEMPLATES = Environment(
    loader=PackageLoader("reporting", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
INDEX = "index.html"


def _publication_summary(publication: dict | None) -> dict | None:
    """The current publication as the report names it: id, reporting date, when it was made."""
    if publication is None:
        return None
    return {"id": publication["publication_id"],
            "reporting_date": date.fromisoformat(publication["reporting_date"]),
            "published_at": datetime.fromisoformat(publication["published_at"])}


def build_report(
    con: duckdb.DuckDBPyConnection,
    reports_dir: Path,
    reporting_date: date,
    published: bool,
    reasons: list[str],
    *,
    run_id: str = "",
    file_failures: list[FileCheckFailure] = (),
    publication: dict | None = None,
) -> Path:
    """Write this refresh's report (HTML and PDF), register it, rewrite the index; return the HTML's path.

    ``reasons`` say in plain English why the KPIs were held back (or anything the board
    should know when they were published); ``file_failures`` are the refresh's failed blocking
    checks on files (a rejected delivery, the landing gate); ``publication`` is the manifest of
    the publication current after this refresh (``HOME/publish/publication.json``), None before
    the first. Works before the marts exist and on a first refresh with no check history.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    generated_at = datetime.now(UTC).replace(microsecond=0)
    latest, previous = figures.check_outcomes(con)
    rejected = figures.rejected_files(con)
    scores = figures.scorecard(con, reporting_date, latest, rejected)
    failed = sorted((o for o in latest if not o.success), key=lambda o: (o.severity != "critical", o.dataset))
    file_failures = list(file_failures)
    earlier = register.load(reports_dir)

    entry = register.ReportEntry(
        file=register.unique_name(reports_dir, reporting_date, generated_at),
        reporting_date=reporting_date, generated_at=generated_at, run_id=run_id, published=published,
        failed_critical=len(file_failures) + sum(o.severity == "critical" for o in failed),
        failed_warning=sum(o.severity == "warning" for o in failed),
        passed_percent_by_partner=figures.passed_percent_by_partner(latest),
        failed_file_checks=[f.key for f in file_failures],
    )
    trend = register.by_month([*earlier, entry])
    html = TEMPLATES.get_template("board_report.html.j2").render(
        entry=entry,
        reporting_date=reporting_date,
        generated_at=generated_at,
        published=published,
        reasons=reasons,
        publication=_publication_summary(publication),
        disclosure=disclosure_note.explain(publication),
        scores=scores,
        totals={
            "extracts_accepted": sum(s.as_at is not None and not s.rejected_since for s in scores),
            "extracts": len(scores),
            "rows_received": sum(s.rows_received or 0 for s in scores),
            "rows_quarantined": sum(s.rows_quarantined or 0 for s in scores),
        },
        linkage_rate=figures.cohort_linkage_rate(con),
        linkage=figures.linkage(con),
        rejected=rejected,
        failed=failed,
        latest_checked=bool(latest),
        file_failures=file_failures,
        changes=figures.changes(latest, previous, file_failures,
                                earlier[-1].failed_file_checks if earlier else None),
        trend=trend,
        charts=[failed_checks_chart(trend), pass_rate_chart(trend)] if len(trend) > 1 else [],
        comparators=comparators.COMPARATORS,
        comparisons=comparators.comparisons(con),
        reconciliations=comparators.reconciliations(con),
        flow_reconciliations=comparators.flow_reconciliations(con),
    )
    path = reports_dir / entry.file
    path.write_text(html, encoding="utf-8")
    write_pdf(html, reports_dir / entry.pdf)
    register.save(reports_dir, [*earlier, entry])
    write_index(reports_dir, publication)
    return path


def write_index(reports_dir: Path, publication: dict | None) -> Path:
    """``reports_dir/index.html``: every report, latest first, and which publication is current."""
    entries = register.load(reports_dir)[::-1]  # the register is in the order the reports were made
    html = TEMPLATES.get_template("index.html.j2").render(
        entries=entries, publication=_publication_summary(publication), packs=register.performance_packs(reports_dir),
        data_docs=(reports_dir / "data-docs" / "index.html").exists(), generated_at=datetime.now(UTC))
    path = reports_dir / INDEX
    path.write_text(html, encoding="utf-8")
    return path
