"""Every report written, kept in ``HOME/reports/reports.json``: the index page and the trend charts
read it, so each refresh keeps its own report and the trends follow the reporting months."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

REGISTER = "reports.json"
TREND_MONTHS = 12


@dataclass(frozen=True)
class ReportEntry:
    """One refresh's report, with the totals its trend charts need."""

    file: str  # the HTML file's name; the PDF has the same stem
    reporting_date: date
    generated_at: datetime
    run_id: str
    published: bool
    failed_critical: int
    failed_warning: int
    passed_percent_by_partner: dict[str, float] = field(default_factory=dict)
    failed_file_checks: list[str] = field(default_factory=list)  # FileCheckFailure keys

    @property
    def pdf(self) -> str:
        return self.file.removesuffix(".html") + ".pdf"

    @property
    def month(self) -> tuple[int, int]:
        return self.reporting_date.year, self.reporting_date.month


def load(reports_dir: Path) -> list[ReportEntry]:
    """The reports written so far, oldest first (none before the first report)."""
    path = reports_dir / REGISTER
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [ReportEntry(**{**e, "reporting_date": date.fromisoformat(e["reporting_date"]),
                           "generated_at": datetime.fromisoformat(e["generated_at"])}) for e in entries]


def save(reports_dir: Path, entries: list[ReportEntry]) -> None:
    rows = [{**asdict(e), "reporting_date": e.reporting_date.isoformat(), "generated_at": e.generated_at.isoformat()}
            for e in entries]
    temporary = reports_dir / f".{REGISTER}.tmp"
    temporary.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    temporary.replace(reports_dir / REGISTER)


def by_month(entries: list[ReportEntry]) -> list[ReportEntry]:
    """The last refresh of each reporting month, for the latest ``TREND_MONTHS`` months, oldest first."""
    last: dict[tuple[int, int], ReportEntry] = {}
    for entry in sorted(entries, key=lambda e: e.generated_at):
        last[entry.month] = entry
    return [last[month] for month in sorted(last)][-TREND_MONTHS:]


def performance_packs(reports_dir: Path) -> list[tuple[date, str, str]]:
    """(reporting date, tier, HTML file name) of every performance pack written, latest month first."""
    found = (re.fullmatch(r"performance-pack-(\d{4}-\d{2}-\d{2})-(\w+)\.html", p.name)
             for p in reports_dir.glob("performance-pack-*.html"))
    return sorted(((date.fromisoformat(m[1]), m[2], m[0]) for m in found if m), key=lambda p: (-p[0].toordinal(), p[1]))


def unique_name(reports_dir: Path, reporting_date: date, generated_at: datetime) -> str:
    """``data-quality-<reporting date>-<time made>.html``, never the name of an earlier report."""
    stem = f"data-quality-{reporting_date.isoformat()}-{generated_at:%Y%m%dT%H%M%SZ}"
    name, n = f"{stem}.html", 1
    while (reports_dir / name).exists():
        n += 1
        name = f"{stem}-{n}.html"
    return name
