"""The board's performance pack, built from a small hand-made publication: 14 months of kpi_history
(June 2024 to July 2025, March 2025 held back, May 2025 revised), with districts, NHS sub-ICB areas,
breakdowns and comparators, the public tier rounded with cells withheld as disclosure control withholds
them. Chromium checks the trend charts; the PDF is checked as text and page images."""
from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pypdf
import pytest
from matplotlib.image import imread

from expectations.data_docs import DataDocs
from kpis import registry
from orchestration.assets import report
from orchestration.refresh_outcome import RefreshOutcome
from orchestration.resources import Warehouse
from reporting import performance_pack
from reporting.comparators import STATUS_TEXT
from reporting.performance_pack import build_performance_pack, month_ends
from reporting.targets import TARGETS_FILE, Target, TargetsError, load, rating
from reporting.trend_chart import NO_FIGURE
from tests.browser import Chromium, axe_script
from tests.reporting.test_rendering import PDFTOPPM, PDFTOTEXT, chromium, needs_chromium, needs_poppler

LATEST = date(2025, 7, 31)
MONTHS = [m for m in month_ends(LATEST, 14) if m != date(2025, 3, 31)]  # March 2025 held back
REVISED = date(2025, 5, 31)
# restricted figures, by month index: ehcp_count rises by 10 a month to 8,461 (public: 8,460)
RESTRICTED_COUNT, PUBLIC_COUNT = "8,461", "8,460"
WITHHELD_DISTRICT = "Tamworth"  # 6 plans in the restricted tier: withheld in the public one
WITHHELD = STATUS_TEXT["suppressed"]
# July 2025's plans by sex: 6 of unknown sex, withheld in the public tier, and the male count with them
# (it and the total would give the 6 back)
BY_SEX = {"F": (2800, 2800), "M": (5655, None), "U": (6, None)}
# SLT referrals (a health KPI: sub-ICB areas, apportioned districts); June 2025's is small and withheld
SLT_WITHHELD_MONTH = date(2025, 6, 30)
SUB_ICBS = {"04Y": ("Cannock Chase", 120, 120), "05W": ("Stoke-on-Trent", 5, None)}
# the files behind each KPI's July 2025 figures: July's named-plan file had not come for the 20-week KPI,
# and the LSOA lookup is a yearly file
SOURCES = {"ehcp_count": "council/sen2_namedplan/2025-07-31",
           "ehcp_issued_20_weeks": "council/sen2_namedplan/2025-06-30",
           "slt_referrals": "icb/lsoa_lookup/2025-03-31; mpft/slt_referrals/2025-07-31"}
TARGETS = """targets:
  ehcp_issued_20_weeks: {value: 60, direction: higher_is_better, date: 2026-03-31, source: Test strategy}
  ehcp_count: {value: 8000, direction: lower_is_better, date: 2026-03-31, source: Test strategy}
"""


def _rows(tier: str) -> list[tuple]:
    """(kpi_id, month, level, code, name, breakdown, breakdown_value, value, method, revised_at, source_extracts)
    of the tier: a public value of None is withheld."""
    public = tier == "public"
    rows = []
    for i, month in enumerate(MONTHS):
        count = 8461 - 10 * (len(MONTHS) - 1 - i)
        timely = 50.0 + (5.0 if month == LATEST else 0.0)  # 50% a year ago, 55% now
        revised = "2025-06-03 09:00:00" if month == REVISED else None
        sources = {kpi_id: files if month == LATEST else f"council/sen2_namedplan/{month}"
                   for kpi_id, files in SOURCES.items()}
        county = ("COUNTY", "E10000028", "Staffordshire", "TOTAL", "TOTAL")
        slt = 6 if month == SLT_WITHHELD_MONTH else 400 + i
        rows += [(*row, revised, sources[row[0]]) for row in [
            ("ehcp_count", month, *county, round(count / 5) * 5 if public else count, "DIRECT"),
            ("ehcp_issued_20_weeks", month, *county, None if public and month == LATEST else timely, "DIRECT"),
            ("ehcp_count", month, "DISTRICT", "E07000192", "Cannock Chase", "TOTAL", "TOTAL",
             1205 if public else 1207, "DIRECT"),
            ("ehcp_count", month, "DISTRICT", "E07000199", "Tamworth", "TOTAL", "TOTAL", None if public else 6,
             "DIRECT"),
            ("slt_referrals", month, *county, None if public and slt < 8 else round(slt / 5) * 5 if public else slt,
             "DIRECT"),
        ]]
    latest = [("ehcp_count", LATEST, "COUNTY", "E10000028", "Staffordshire", "SEX", sex, figures[public], "DIRECT")
              for sex, figures in BY_SEX.items()]
    latest.append(("ehcp_count", LATEST, "COUNTY", "E10000028", "Staffordshire", "SEX|PRIMARY_NEED", "F|ASD",
                   900, "DIRECT"))  # a cross-tabulation: in the published tables, not the pack
    latest += [("slt_referrals", LATEST, "SUB_ICB", code, name, "TOTAL", "TOTAL", figures[public], "DIRECT")
               for code, (name, *figures) in SUB_ICBS.items()]
    latest.append(("slt_referrals", LATEST, "DISTRICT", "E07000192", "Cannock Chase", "TOTAL", "TOTAL",
                   60 if public else 60.4, "APPORTIONED"))
    return rows + [(*row, None, SOURCES[row[0]]) for row in latest]


COMPARATORS = [  # kpi_id, breakdown, breakdown_value, unit, comparator, restricted value, public value, period
    ("ehcp_count", "TOTAL", "TOTAL", "count", "WAREHOUSE", 8461.0, 8460.0, "As at 2025-07-31"),
    ("ehcp_count", "TOTAL", "TOTAL", "count", "ENGLAND", 638745.0, 638745.0, "January 2025"),
    ("ehcp_issued_20_weeks", "TOTAL", "TOTAL", "percent", "WAREHOUSE", 55.0, None, "2024-08-01 to 2025-07-31"),
    ("ehcp_issued_20_weeks", "TOTAL", "TOTAL", "percent", "ENGLAND", 46.4, 46.4, "Calendar year 2024"),
    ("ehcp_placement_share", "PLACEMENT_TYPE", "MAINSTREAM", "percent", "WAREHOUSE", 31.0, 31.0, "As at 2025-07-31"),
    ("ehcp_placement_share", "PLACEMENT_TYPE", "MAINSTREAM", "percent", "ENGLAND", 40.5, 40.5, "January 2025"),
]


def _publication(folder: Path) -> Path:
    """HOME/publish as publication writes it, with only the tables the pack reads."""
    folder.mkdir(parents=True)
    (folder / "publication.json").write_text(json.dumps({
        "publication_id": "2025-07-31_20250805T060000Z_abcd1234", "reporting_date": LATEST.isoformat(),
        "run_id": "run-1", "published_at": "2025-08-05T06:00:00+00:00",
        "settings": {"threshold": 7, "rounding_base": 5}}))
    for tier in ("restricted", "public"):
        (folder / tier).mkdir()
        with duckdb.connect(str(folder / tier / "published.duckdb")) as con:
            con.execute("create schema marts")
            con.execute("""create table marts.kpi_history (kpi_id varchar, reporting_date date,
                geography_level varchar, geography_code varchar, geography_name varchar, breakdown varchar,
                breakdown_value varchar, value double, method varchar, revised_at timestamp,
                source_extracts varchar, status varchar as (if(value is null, 'suppressed', 'available')))""")
            con.executemany("insert into marts.kpi_history (kpi_id, reporting_date, geography_level, geography_code,"
                            " geography_name, breakdown, breakdown_value, value, method, revised_at, source_extracts)"
                            f" values ({', '.join(['?'] * 11)})", _rows(tier))
            con.execute("create table marts.kpi_catalogue (kpi_id varchar, name varchar)")
            con.executemany("insert into marts.kpi_catalogue values (?, ?)", [(k.id, k.name) for k in registry().kpis])
            con.execute("""create table marts.kpi_comparators (kpi_id varchar, breakdown varchar,
                breakdown_value varchar, unit varchar, comparator varchar, value double, missing_reason varchar,
                period_label varchar, neighbour_rank integer, neighbour_areas integer, england_rank integer,
                england_areas integer, status varchar as (if(value is null, 'suppressed', 'available')))""")
            con.executemany("insert into marts.kpi_comparators (kpi_id, breakdown, breakdown_value, unit, comparator,"
                            " value, period_label) values (?, ?, ?, ?, ?, ?, ?)",
                            [(*row[:5], row[6 if tier == "public" else 5], row[7]) for row in COMPARATORS])
    return folder


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> dict[str, Path]:
    home = tmp_path_factory.mktemp("home")
    targets = home / "targets.yml"
    targets.write_text(TARGETS)
    return build_performance_pack(_publication(home / "publish"), home / "reports", targets_file=targets)


def _pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run([PDFTOTEXT, "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_both_editions_are_written_and_listed_in_the_index(pack):
    assert set(pack) == {"restricted_html", "restricted_pdf", "public_html", "public_pdf"}
    assert {p.name for p in pack.values()} == {f"performance-pack-2025-07-31-{tier}.{kind}"
                                               for tier in ("restricted", "public") for kind in ("html", "pdf")}
    index = (pack["public_html"].parent / "index.html").read_text()
    for path in pack.values():
        assert f'href="{path.name}"' in index


def test_the_public_edition_shows_only_what_the_public_tier_publishes(pack):
    restricted, public = pack["restricted_html"].read_text(), pack["public_html"].read_text()
    assert RESTRICTED_COUNT in restricted and PUBLIC_COUNT in public
    assert RESTRICTED_COUNT not in public  # the pack read the public tier, not the restricted one
    withheld = re.search(rf"<th scope=\"row\">{WITHHELD_DISTRICT}</th><td[^>]*>([^<]+)</td>", public).group(1)
    assert withheld.strip() == "withheld to protect small numbers"
    assert re.search(rf"<th scope=\"row\">{WITHHELD_DISTRICT}</th><td[^>]*>6</td>", restricted)
    # a withheld latest value is neither charted, changed nor rated in the public edition
    assert "EHC plans issued within 20 weeks: trend" in public and "Not rated" in public


def test_ratings_changes_revisions_and_held_back_months(pack):
    html = pack["restricted_html"].read_text()
    summary = {m[0]: m[1:] for m in re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="number">([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>'
        r'<td>[^<]+</td><td class="[^"]+">([^<]+)</td></tr>', html)}
    # by hand: 55% against 60% (higher is better), 50% a year ago, target date ahead -> on track;
    # 8,461 plans against 8,000 (lower is better), 8,351 a year ago (it rose) -> off track
    assert summary["EHC plans issued within 20 weeks"] == (
        "55.0%", "+5.0 percentage points (from 50.0% in June 2025)",
        "+5.0 percentage points (from 50.0% in July 2024)", "On track")
    assert summary["Active EHC plans"] == ("8,461", "+10 (from 8,451 in June 2025)",
                                           "+110 (from 8,351 in July 2024)", "Off track")
    assert summary["Tribunal rate"][-1] == "No target"
    assert "The figures for May 2025 were revised on 03 June 2025" in html
    assert "No figures were published for March 2025" in html


class _Tables(HTMLParser):
    """Every table of a page by id: row header ("" for a row without one) -> the row's data cells, as text."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self._table: dict[str, list[str]] | None = None
        self._in: str | None = None  # "th" (a row header) or "td"
        self._header, self._cells = "", []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), {})
        elif tag == "tr":
            self._header, self._cells = "", []
        elif tag == "td" or (tag == "th" and dict(attrs).get("scope") == "row"):
            self._in = tag
            self._cells += [""] if tag == "td" else []
        elif self._in == "td":  # <br>, <span> in a cell
            self._cells[-1] += " "

    def handle_data(self, data):
        if self._in == "th":
            self._header += data
        elif self._in == "td":
            self._cells[-1] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in = None
        elif tag == "tr" and self._table is not None and self._cells:
            self._table[" ".join(self._header.split())] = [" ".join(cell.split()) for cell in self._cells]
        elif tag == "table":
            self._table = None


def _unprotected(html: str, public: Path) -> list[str]:
    """Every cell of the pack that the public tier (``public``: its published.duckdb) withholds and the pack
    shows other than as withheld: the latest month's figures (the summary, the KPI's table, each area and
    one-dimension breakdown), the changes from a withheld month, and the local data beside the DfE's."""
    tables = _Tables(html).tables
    names = {kpi.id: kpi.name for kpi in registry().kpis}
    with duckdb.connect(str(public), read_only=True) as con:
        latest = con.execute("select max(reporting_date) from marts.kpi_history").fetchone()[0]
        last_month, year_ago = month_ends(latest, 13)[-2], month_ends(latest, 13)[0]
        cells = con.execute("""
            select kpi_id, reporting_date, geography_level, geography_name, breakdown, breakdown_value
            from marts.kpi_history
            where status = 'suppressed' and breakdown not like '%|%' and (reporting_date = ?
                or reporting_date in (?, ?) and geography_level = 'COUNTY' and breakdown = 'TOTAL')
        """, [latest, last_month, year_ago]).fetchall()
        comparisons = con.execute("select kpi_id, breakdown_value from marts.kpi_comparators "
                                  "where comparator = 'WAREHOUSE' and status = 'suppressed'").fetchall()
        points = dict(con.execute("""
            select kpi_id, count(value) from marts.kpi_history
            where geography_level = 'COUNTY' and breakdown = 'TOTAL' and reporting_date > ? group by all
        """, [month_ends(latest)[0] - timedelta(days=1)]).fetchall())
    problems = []

    def check(where: str, shown: str, expected: str) -> None:
        if not shown.startswith(expected):
            problems.append(f"{where}: {shown!r}, not {expected!r}")

    withheld_latest = {kpi_id for kpi_id, month, level, _, breakdown, _ in cells
                       if month == latest and level == "COUNTY" and breakdown == "TOTAL"}
    for kpi_id, month, level, area, breakdown, value in cells:
        if month != latest:
            if kpi_id not in withheld_latest:
                change = tables[kpi_id][""][1 if month == last_month else 2]
                check(f"{kpi_id} change from {month}", change, f"Not available: the {month:%B %Y} figure is {WITHHELD}")
        elif level == "COUNTY" and breakdown == "TOTAL":
            summary = tables["summary-table"][names[kpi_id]]
            for where, shown in (("summary", summary[0]), ("table", tables[kpi_id][""][0])):
                check(f"{kpi_id} {where}", shown, WITHHELD)
            for where, shown in (("change on last month", summary[1]), ("change on a year ago", summary[2])):
                check(f"{kpi_id} {where}", shown, "Not available: there is no latest figure")
            check(f"{kpi_id} rating", summary[4], "Not rated")
        else:
            table = f"{kpi_id}-{level if breakdown == 'TOTAL' else breakdown}"
            check(table, tables[table][area if breakdown == "TOTAL" else value][0], WITHHELD)
    for kpi_id, value in comparisons:
        check(f"{kpi_id} beside the DfE", tables[f"{kpi_id}-comparators"]["All" if value == "TOTAL" else value][0],
              WITHHELD)
    for kpi_id, chart in re.findall(r'aria-labelledby="trend-([a-z0-9_]+)-title(.*?)</svg>', html, re.S):
        drawn = chart.count('class="point"')  # a point for each month the tier gives a figure, and no other
        if drawn != points[kpi_id]:
            problems.append(f"{kpi_id} chart: {drawn} points, not {points[kpi_id]}")
    return problems


def test_every_cell_the_public_tier_withholds_is_shown_withheld_in_the_public_edition(pack, tmp_path, monkeypatch):
    public = pack["public_html"].parent.parent / "publish" / "public" / "published.duckdb"
    with duckdb.connect(str(public), read_only=True) as con:  # the fixture withholds a cell of each kind checked
        assert con.execute("select count(*) from marts.kpi_history where status = 'suppressed'").fetchone()[0] >= 7
    assert _unprotected(pack["public_html"].read_text(), public) == []

    # With the protection removed (the public edition read from the restricted tier), every cell is caught.
    connect = duckdb.connect
    monkeypatch.setattr(performance_pack.duckdb, "connect",
                        lambda path, **kw: connect(path.replace("/public/", "/restricted/"), **kw))
    monkeypatch.setattr(performance_pack, "write_pdf", lambda html, path: path)
    leaked = build_performance_pack(public.parent.parent, tmp_path, targets_file=pack["public_html"].parent.parent
                                    / "targets.yml")
    monkeypatch.undo()
    problems = _unprotected(leaked["public_html"].read_text(), public)
    # July's 20-week figure (in the summary and the KPI's table, its two changes, its rating, beside the
    # DfE's, in its chart), Tamworth's plans, the plans of sex M and U, Stoke-on-Trent's SLT referrals, and
    # June's SLT referrals (the change from it, the chart)
    assert len(problems) == 13, problems


def test_each_kpi_is_shown_by_area_and_breakdown_as_its_tier_published_it(pack):
    restricted, public = (_Tables(pack[f"{tier}_html"].read_text()).tables for tier in ("restricted", "public"))
    assert restricted["ehcp_count-SEX"] == {"F": ["2,800"], "M": ["5,655"], "U": ["6"]}
    assert public["ehcp_count-SEX"] == {"F": ["2,800"], "M": [WITHHELD], "U": [WITHHELD]}
    assert restricted["ehcp_count-DISTRICT"] == {"Cannock Chase": ["1,207"], "Tamworth": ["6"]}
    assert restricted["slt_referrals-SUB_ICB"] == {"Cannock Chase": ["120"], "Stoke-on-Trent": ["5"]}
    assert public["slt_referrals-SUB_ICB"] == {"Cannock Chase": ["120"], "Stoke-on-Trent": [WITHHELD]}
    assert public["slt_referrals-DISTRICT"] == {"Cannock Chase": ["60 (shared out from the NHS areas)"]}
    # the DfE's breakdowns beside the local figures, as the data-quality report shows them
    assert public["ehcp_placement_share-comparators"]["MAINSTREAM"] == [
        "31.0% As at 2025-07-31", "–", "–", "40.5% January 2025"]
    for html in (pack["restricted_html"].read_text(), pack["public_html"].read_text()):
        assert "F|ASD" not in html and "ehcp_count-SEX|PRIMARY_NEED" not in html  # cross-tabulations are not


def test_a_figure_whose_files_did_not_change_since_last_month_is_carried_and_says_so(pack):
    html = pack["public_html"].read_text()
    sections = dict(re.findall(r'<section aria-labelledby="kpi-([a-z0-9_]+)">(.*?)</section>', html, re.S))
    carried = "<strong>Carried from last month.</strong>"
    assert carried in sections["ehcp_issued_20_weeks"]  # July's named-plan file had not come: June's again
    assert "SEN2 return, module 4a named EHC plans (Staffordshire County Council), dated 30 June 2025." in (
        sections["ehcp_issued_20_weeks"])
    assert carried not in sections["slt_referrals"]  # the yearly lookup is March's again, the SLT file is new
    assert carried not in sections["ehcp_count"]  # July's file
    assert "The July 2025 figures of 1 KPI are carried: none of the files" in html


def test_the_report_asset_records_the_packs_files_as_metadata(pack, tmp_path, monkeypatch):
    """quality_report, run for a refresh that published, lists both editions' files in its materialisation
    (the data-quality report itself and the refresh's outcome are other tests'); one held back writes none."""
    home = tmp_path / "home"
    shutil.copytree(pack["public_html"].parent.parent / "publish", home / "publish")
    monkeypatch.setattr(report, "_reporting_date", lambda context, warehouse: LATEST)
    monkeypatch.setattr(report, "build_report", lambda con, reports_dir, *args, **kwargs: reports_dir / "report.html")
    monkeypatch.setattr(DataDocs, "build", lambda self, run_id: self.site_dir / "index.html")

    def packs(published: bool) -> dict[str, str]:
        monkeypatch.setattr(report, "refresh_outcome", lambda instance, run_id: RefreshOutcome(run_id, published))
        result = report.quality_report(context=dg.build_asset_context(), warehouse=Warehouse(home=str(home)),
                                       config=report.ReportConfig(refresh_run_id="r1"))
        return {key: value.value for key, value in result.metadata.items() if key.startswith("performance_pack_")}

    assert packs(published=False) == {}
    written = packs(published=True)
    reports = home / "reports"
    assert written == {f"performance_pack_{tier}_{kind}": str(reports / f"performance-pack-{LATEST}-{tier}.{kind}")
                       for tier in ("restricted", "public") for kind in ("html", "pdf")}
    assert all(Path(path).is_file() for path in written.values())


def test_rating_by_hand():
    target = Target("x", 60.0, "higher_is_better", date(2026, 3, 31), "s")
    assert rating(target, 61, None, LATEST) == "on track"  # reached
    assert rating(target, 55, 50, LATEST) == "on track"  # improving, before the date
    assert rating(target, 55, 50, date(2026, 4, 30)) == "off track"  # improving, but too late
    assert rating(target, 55, 56, LATEST) == "off track"  # getting worse
    assert rating(target, None, 50, LATEST) == "not rated"
    assert rating(Target("x", None, "lower_is_better", None, "s"), 5, 6, LATEST) == "no target"
    assert rating(None, 5, 6, LATEST) == "no target"
    assert rating(Target("x", 10.0, "lower_is_better", None, "s"), 12, 11, LATEST) == "off track"


def test_the_shipped_targets_are_the_strategies_words_with_no_invented_figure():
    targets = load(TARGETS_FILE)
    assert targets and all(t.value is None and t.date is None and t.source and t.note for t in targets.values())


@pytest.mark.parametrize(("entry", "message"), [
    ("no_such_kpi: {direction: higher_is_better, source: s}", "target no_such_kpi: no KPI with this id"),
    ("tribunal_rate: {direction: down, source: s}", "target tribunal_rate: direction 'down' is not one of"),
    ("tribunal_rate: {direction: higher_is_better, source: s}", "contradicts the registry's lower_is_better"),
    ("tribunal_rate: {value: ten, direction: lower_is_better, source: s}", "value 'ten' is not a number"),
    ("tribunal_rate: {direction: lower_is_better, date: soon, source: s}", "date 'soon' is not a date"),
    ("tribunal_rate: {direction: lower_is_better}", "no source"),
    ("tribunal_rate: {direction: lower_is_better, source: s, owner: me}", "unknown field 'owner'"),
])
def test_an_invalid_targets_file_is_refused_naming_the_file_and_entry(tmp_path, entry, message):
    path = tmp_path / "targets.yml"
    path.write_text(f"targets:\n  {entry}\n")
    with pytest.raises(TargetsError, match=re.escape(str(path))) as refused:
        load(path)
    assert message in str(refused.value)


# Added to a copy of the pack: once loaded, what Chromium drew of each chart.
MEASURE = """<script>
window.addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg[role=img]')].map(svg => {
    const [title, desc] = svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id));
    const box = svg.viewBox.baseVal;
    const inside = el => { const b = el.getBBox(), m = el.getCTM ? el.transform.baseVal.consolidate() : null;
      const dx = m ? m.matrix.e : 0; return b.width > 0 && b.x + dx >= 0 && b.x + dx + b.width <= box.width; };
    return {title: title && title.textContent, desc: desc && desc.textContent,
            months: [...svg.querySelectorAll('text.month')].map(t => t.textContent),
            axis: [...svg.querySelectorAll('text.axis-title')].map(t => t.textContent),
            legend: [...svg.querySelectorAll('.legend-entry')].map(g => g.textContent),
            legendInside: [...svg.querySelectorAll('.legend-entry')].every(inside),
            series: svg.querySelectorAll('polyline.series, circle.point').length,
            target: svg.querySelectorAll('line.target').length,
            gaps: svg.querySelectorAll('rect.no-figure').length,
            captions: [...svg.closest('figure').querySelectorAll('figcaption')].map(c => c.textContent.trim())};
  });
  document.body.dataset.charts = JSON.stringify(charts);
});
</script>"""


@needs_chromium
def test_chromium_draws_each_trend_chart_with_alt_text_a_month_axis_and_a_complete_legend(pack, tmp_path):
    measured = tmp_path / "measured.html"
    measured.write_text(pack["restricted_html"].read_text().replace("</body>", MEASURE + "\n</body>"))
    dom = chromium("--dump-dom", measured.as_uri(), profile=tmp_path / "profile").stdout
    charts = json.loads(re.search(r'data-charts="([^"]*)"', dom).group(1).replace("&quot;", '"'))
    assert len(charts) == 3  # the KPIs with figures (the others say there is no trend to draw)
    for chart in charts:
        assert chart["title"].endswith("trend by reporting month")
        assert chart["desc"].startswith(f"Line chart of {chart['title'].split(':')[0]} by reporting month, "
                                        "August 2023 to July 2025") and "July 2025: " in chart["desc"]
        assert chart["desc"] in chart["captions"]  # the alt text is also the figure's caption
        assert chart["axis"] == ["Reporting month"]
        assert chart["months"][-1] == "Jul 2025" and chart["months"][0] == "Oct 2023"  # every third month
        assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", m) for m in chart["months"])
        assert chart["legendInside"]
        assert chart["legend"][0] == "Staffordshire (local data)" and chart["series"] > 0
        assert (any(e.startswith("Target (") for e in chart["legend"])) == bool(chart["target"])
        assert (NO_FIGURE in chart["legend"]) == bool(chart["gaps"])
    timely = next(c for c in charts if c["title"].startswith("EHC plans issued within 20 weeks:"))
    assert timely["legend"] == ["Staffordshire (local data)", "Target (60.0%)", NO_FIGURE]
    assert timely["gaps"] == 1  # the held-back month (March 2025) is marked, the months before the series are not


@needs_chromium
def test_the_pack_and_index_load_offline_and_pass_the_wcag_audit(pack, tmp_path):
    axe = axe_script()
    if axe is None:
        pytest.skip("axe-core could not be fetched with npm and is not in the test cache")
    with Chromium(tmp_path / "profile") as browser:
        for page in (pack["public_html"], pack["restricted_html"], pack["public_html"].parent / "index.html"):
            visit = browser.visit(page.as_uri(), axe=axe)
            assert visit.requests[0] == page.as_uri() and visit.non_local_requests == [], page
            assert visit.violations == [], page


def _font_sizes(pdf: Path) -> list[tuple[float, str]]:
    """Every piece of text drawn and its size in points (the text and current matrices applied)."""
    sizes = []
    for page in pypdf.PdfReader(pdf).pages:
        def visit(text, cm, tm, font, size):
            if text.strip():
                scale = math.hypot(tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
                sizes.append((round(size * scale, 2), text.strip()))
        page.extract_text(visitor_text=visit)
    return sizes


@needs_poppler
def test_the_pdf_has_page_numbers_readable_text_and_headings_with_their_content(pack, tmp_path):
    pdf = pack["public_pdf"]
    pages = len(pypdf.PdfReader(pdf).pages)
    assert pages > 3
    sizes = _font_sizes(pdf)
    assert any(text == "Reporting month" for _, text in sizes)  # the charts' text is drawn as text
    assert min(size for size, _ in sizes) >= 10, sorted(sizes)[:5]
    # every heading and table caption of the edition (the PDF is laid out from the same template)
    headings = {unescape(text) for _, text in re.findall(r"<(h2|h3|caption)[^>]*>(.*?)</\1>",
                                                         pack["public_html"].read_text())}
    assert {"Each KPI", "Active EHC plans by sex, July 2025", "SLT referrals for Staffordshire"} <= headings
    for n in range(1, pages + 1):
        lines = [line.strip() for line in _pdf_text(pdf, n).splitlines() if line.strip()]
        assert lines[-1].endswith(f"Page {n} of {pages}")
        assert lines[-2] not in headings, f"page {n} ends with the heading {lines[-2]!r}"
    subprocess.run([PDFTOPPM, "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        ink = imread(image)[..., :3].mean(axis=2) < 0.5
        height = ink.shape[0]
        assert ink[int(height * 0.9):].any(), f"{image.name}: no page number drawn in the footer"
    chart_pages = [i for i in images if (np.abs(imread(i)[..., 2] - imread(i)[..., 0]) > 0.3).any()]
    assert chart_pages  # the charts' blue line is drawn on the page images
