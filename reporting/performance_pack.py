"""The board's performance pack: every KPI's latest value, its changes, a 24-month trend, comparators,
direction and rating against the targets file, by local authority, district, NHS sub-ICB area and each
breakdown, and which figures are carried from earlier deliveries; one edition per
published tier (``performance-pack-<reporting date>-<tier>.html`` and ``.pdf``), each read from its
own tier's ``published.duckdb`` only, so the public edition shows nothing the public tier withholds."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from kpis import Kpi, registry
from publication.publish import MANIFEST, TIERS
from reporting import comparators, disclosure_note, register
from reporting.board_report import TEMPLATES, write_index
from reporting.comparators import STATUS_TEXT
from reporting.figures import PARTNER_NAMES, dataset_name
from reporting.pdf import write_pdf
from reporting.targets import RULE, TARGETS_FILE, Target, rating
from reporting.targets import load as load_targets
from reporting.trend_chart import TrendChart, trend_chart

TREND_MONTHS = 24
LOCAL = "COUNTY"  # the local authority's own rows (Staffordshire)
# The pack's small tables of the latest month: the areas below the local authority (kpi_values' geography
# levels), then the registry's breakdowns (one dimension each: a cross-tabulation is in the published tables).
BY = {"DISTRICT": "district", "SUB_ICB": "NHS sub-ICB area", "SEX": "sex", "AGE_BAND": "age band",
      "PRIMARY_NEED": "primary need", "ETHNICITY_GROUP": "ethnic group", "PLACEMENT_TYPE": "type of placement",
      "SEN_STATUS": "SEN status", "CEASE_REASON": "reason the plan ceased", "FSM": "free school meals eligibility",
      "PROVIDER": "provider", "SERVICE_LINE": "service line", "IMPAIRMENT": "impairment",
      "ADJUSTMENT_CATEGORY": "adjustment category"}
AREAS = ("DISTRICT", "SUB_ICB")
DIRECTION_TEXT = {"higher_is_better": "Higher is better.", "lower_is_better": "Lower is better.",
                  "neither": "Neither higher nor lower is better in itself: it shows the level of need or demand."}
UNITS = {"count": "{:,.0f}", "percent": "{:.1f}%", "per_1000": "{:.1f} per 1,000", "per_100": "{:.1f} per 100",
         "days": "{:,.0f} days"}
CHANGE_UNITS = {"count": "{:+,.0f}", "percent": "{:+.1f} percentage points", "per_1000": "{:+.1f} per 1,000",
                "per_100": "{:+.1f} per 100", "days": "{:+,.0f} days"}


@dataclass(frozen=True)
class Row:
    """A KPI's row for one area (TOTAL) or one breakdown value (the local authority's) and month, as the
    tier published it."""

    name: str  # the area's name, or the breakdown value
    value: float | None
    status: str
    method: str
    source_extracts: str | None = None  # the files that fed a TOTAL row: partner/extract/as_at, "; " between


@dataclass(frozen=True)
class Breakdown:
    """A small table of a KPI in the latest month: by area or by one breakdown, as the tier published it."""

    key: str  # the geography level or breakdown: DISTRICT, SEX
    rows: list[tuple[str, str, bool]]  # name, figure, apportioned

    @property
    def by(self) -> str:
        return BY.get(self.key, self.key.replace("_", " ").lower())

    @property
    def heading(self) -> str:
        return self.by[0].upper() + self.by[1:]


@dataclass(frozen=True)
class KpiSection:
    kpi: Kpi
    partners: str
    latest: str
    last_month: str
    year_ago: str
    chart: TrendChart | None  # None: no figure in the window to draw
    comparisons: list[comparators.Comparison]  # the total first, then its breakdowns
    target: Target | None
    rating: str
    breakdowns: list[Breakdown]
    carried: list[tuple[date, list[str]]]  # the latest figure's files when last month's figure had the same

    @property
    def direction(self) -> str:
        return DIRECTION_TEXT[self.kpi.direction]

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "None set."
        if self.target.value is None:
            return f"Stated in words only, no figure set: {self.target.source}."
        by = f" by {self.target.date:%d %B %Y}" if self.target.date else ""
        return f"{shown(self.target.value, self.kpi.unit)}{by} ({self.target.source})."


def shown(value: float, unit: str) -> str:
    return UNITS[unit].format(value)


def pack_name(reporting_date: date, tier: str) -> str:
    return f"performance-pack-{reporting_date.isoformat()}-{tier}.html"


def month_ends(latest: date, months: int = TREND_MONTHS) -> list[date]:
    """The ``months`` month ends up to ``latest``, oldest first."""
    ends = [latest]
    while len(ends) < months:
        ends.append(ends[-1].replace(day=1) - timedelta(days=1))
    return ends[::-1]


def partners(source: str) -> str:
    """The partners a registry ``source`` names, in plain English."""
    names = [PARTNER_NAMES[word] for word in dict.fromkeys(re.findall(r"[a-z]+", source)) if word in PARTNER_NAMES]
    every = ["every partner's extracts (the SEND cohort)"] if source.startswith("all extracts") else []
    return "; ".join(every + names)


def carried(latest: Row | None, last_month: Row | None) -> list[tuple[date, list[str]]]:
    """The latest figure's files, by date, when they are last month's figure's files too: its source did not
    change since last month, so the figure is carried, not missing (history.md); else nothing."""
    if not (latest and last_month and latest.source_extracts) or latest.source_extracts != last_month.source_extracts:
        return []
    files: dict[date, list[str]] = defaultdict(list)
    for name in filter(None, (part.strip() for part in latest.source_extracts.split(";"))):
        partner, extract, as_at = name.split("/")
        files[date.fromisoformat(as_at)].append(dataset_name(f"clean/{partner}__{extract}"))
    return sorted(files.items())


def _history(con: duckdb.DuckDBPyConnection, months: list[date]) -> dict[tuple, Row]:
    """(kpi_id, level, code, month) -> the tier's TOTAL row, for the local authority and the areas in it."""
    rows = con.execute("""
        select kpi_id, geography_level, geography_code, reporting_date, geography_name, value, status, method,
               source_extracts
        from marts.kpi_history
        where breakdown = 'TOTAL' and list_contains(?, geography_level) and reporting_date between ? and ?
    """, [[LOCAL, *AREAS], months[0], months[-1]]).fetchall()
    return {tuple(r[:4]): Row(*r[4:]) for r in rows}


def _breakdown_rows(con: duckdb.DuckDBPyConnection, month: date) -> dict[tuple[str, str], list[Row]]:
    """(kpi_id, breakdown) -> the local authority's rows of each one-dimension breakdown in ``month``."""
    rows: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for kpi_id, breakdown, *row in con.execute("""
        select kpi_id, breakdown, breakdown_value, value, status, method from marts.kpi_history
        where geography_level = ? and reporting_date = ? and breakdown <> 'TOTAL' and breakdown not like '%|%'
        order by kpi_id, breakdown, breakdown_value
    """, [LOCAL, month]).fetchall():
        rows[kpi_id, breakdown].append(Row(*row))
    return rows


def _revisions(con: duckdb.DuckDBPyConnection, months: list[date]) -> list[tuple[date, datetime]]:
    return con.execute("""
        select reporting_date, max(revised_at) from marts.kpi_history
        where revised_at is not null and reporting_date between ? and ? group by all order by 1
    """, [months[0], months[-1]]).fetchall()


def _figure(row: Row | None, month: date, unit: str) -> str:
    if row is None:
        return f"no figure was published for {month:%B %Y}"
    return shown(row.value, unit) if row.value is not None else STATUS_TEXT.get(row.status, row.status)


def _change(latest: Row | None, earlier: Row | None, month: date, unit: str, start: date | None) -> str:
    """The change from ``month`` to the latest month, or why there is none (``start``: the series' first month)."""
    if latest is None or latest.value is None:
        return "Not available: there is no latest figure."
    if earlier is None and start is not None and month < start:
        return f"Not available: the series starts in {start:%B %Y}."
    if earlier is None:
        return f"Not available: no figure was published for {month:%B %Y}."
    if earlier.value is None:
        return f"Not available: the {month:%B %Y} figure is {STATUS_TEXT.get(earlier.status, earlier.status)}."
    change = CHANGE_UNITS[unit].format(latest.value - earlier.value)
    return f"{change} (from {shown(earlier.value, unit)} in {month:%B %Y})"


def _section(kpi: Kpi, history: dict[tuple, Row], breakdown_rows: dict[tuple[str, str], list[Row]],
             local_code: str, months: list[date], comparisons: list[comparators.Comparison],
             target: Target | None) -> KpiSection:
    series = [history.get((kpi.id, LOCAL, local_code, month)) for month in months]
    start = min((month for (kpi_id, *_, month) in history if kpi_id == kpi.id), default=None)
    latest, last_month, year_ago = series[-1], series[-2], series[-13]
    values = [row.value if row else None for row in series]
    areas = {level: sorted((row for (kpi_id, at, _, month), row in history.items()
                            if kpi_id == kpi.id and at == level and month == months[-1]), key=lambda r: r.name)
             for level in AREAS}
    breakdowns = [Breakdown(key, [(row.name, _figure(row, months[-1], kpi.unit), row.method == "APPORTIONED")
                                  for row in rows])
                  for key, rows in [*areas.items(), *((b, breakdown_rows[kpi.id, b]) for b in kpi.breakdowns)]
                  if rows]
    return KpiSection(
        kpi=kpi, partners=partners(kpi.source), latest=_figure(latest, months[-1], kpi.unit),
        last_month=_change(latest, last_month, months[-2], kpi.unit, start),
        year_ago=_change(latest, year_ago, months[-13], kpi.unit, start),
        chart=trend_chart(f"trend-{kpi.id}", kpi.name, comparators.COMPARATORS["WAREHOUSE"], months, values,
                          lambda v: shown(v, kpi.unit), target.value if target else None, start)
        if any(v is not None for v in values) else None,
        comparisons=comparisons, target=target,
        rating=rating(target, values[-1], values[-13], months[-1]), breakdowns=breakdowns,
        carried=carried(latest, last_month))


def _held_back(reports_dir: Path, history: dict[tuple, Row], months: list[date]) -> list[date]:
    """Months of the window with no published figures: a gap in the series, or every refresh held back."""
    published = {month for (*_, month) in history}
    refreshed: dict[date, bool] = {}
    for entry in register.load(reports_dir):
        refreshed[entry.reporting_date] = refreshed.get(entry.reporting_date, False) or entry.published
    gaps = {m for m in months if published and min(published) < m and m not in published}
    return sorted(gaps | {m for m, ok in refreshed.items() if not ok and m in months and m not in published})


def build_performance_pack(publication_dir: Path, reports_dir: Path, *,
                           targets_file: Path = TARGETS_FILE) -> dict[str, Path]:
    """Write both tiers' editions (HTML and PDF) of the publication in ``publication_dir`` (``HOME/publish``)
    to ``reports_dir``, rewrite the index; return the files written, by ``<tier>_html`` and ``<tier>_pdf``."""
    publication = json.loads((publication_dir / MANIFEST).read_text(encoding="utf-8"))
    targets = load_targets(targets_file)
    months = month_ends(date.fromisoformat(publication["reporting_date"]))
    reports_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for tier in TIERS:
        with duckdb.connect(str(publication_dir / tier / "published.duckdb"), read_only=True) as con:
            history = _history(con, months)
            breakdown_rows = _breakdown_rows(con, months[-1])
            revisions = _revisions(con, months)
            by_name = defaultdict(list)
            for comparison in comparators.comparisons(con):
                by_name[comparison.name].append(comparison)
        local = next(((code, row.name) for (_, level, code, _), row in history.items() if level == LOCAL),
                     (None, "the local authority"))
        sections = [_section(kpi, history, breakdown_rows, local[0], months, by_name[kpi.name], targets.get(kpi.id))
                    for kpi in registry().kpis]
        context = dict(tier=tier, reporting_date=months[-1], months=months, area=local[1], sections=sections,
                       publication=publication, revisions=revisions, rule=RULE,
                       held_back=_held_back(reports_dir, history, months), comparators=comparators.COMPARATORS,
                       series_start=min((month for (*_, month) in history), default=None),
                       disclosure=disclosure_note.explain(publication),
                       generated_at=datetime.now(UTC).replace(microsecond=0))
        template = TEMPLATES.get_template("performance_pack.html.j2")
        html = reports_dir / pack_name(months[-1], tier)
        html.write_text(template.render(context, pdf=False), encoding="utf-8")
        written |= {f"{tier}_html": html,
                    f"{tier}_pdf": write_pdf(template.render(context, pdf=True), html.with_suffix(".pdf"))}
    write_index(reports_dir, publication)
    return written
