"""The board's performance pack, built from a small hand-made publication: 14 months of kpi_history
(June 2024 to July 2025, March 2025 held back, May 2025 revised), the public tier rounded with one
district withheld. Chromium checks the trend charts; the PDF is checked as text and page images."""
from __future__ import annotations

import json
import math
import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pypdf
import pytest
from matplotlib.image import imread

from reporting.performance_pack import build_performance_pack, month_ends
from reporting.targets import TARGETS_FILE, Target, TargetsError, load, rating
from reporting.trend_chart import NO_FIGURE
from tests.browser import Chromium, axe_script
from tests.reporting.test_rendering import PDFTOPPM, PDFTOTEXT, chromium, needs_chromium, needs_poppler

LATEST = date(2025, 7, 31)
MONTHS = [m for m in month_ends(LATEST, 14) if m != date(2025, 3, 31)]  # March 2025 held back
REVISED = date(2025, 5, 31)
DISTRICTS = {"E07000192": "Cannock Chase", "E07000199": "Tamworth"}
# restricted figures, by month index: ehcp_count rises by 10 a month to 8,461 (public: 8,460)
RESTRICTED_COUNT, PUBLIC_COUNT = "8,461", "8,460"
WITHHELD_DISTRICT = "Tamworth"  # 6 plans in the restricted tier: withheld in the public one
TARGETS = """targets:
  ehcp_issued_20_weeks: {value: 60, direction: higher_is_better, date: 2026-03-31, source: Test strategy}
  ehcp_count: {value: 8000, direction: lower_is_better, date: 2026-03-31, source: Test strategy}
"""


def _rows(tier: str) -> list[tuple]:
    rows = []
    for i, month in enumerate(MONTHS):
        count = 8461 - 10 * (len(MONTHS) - 1 - i)
        timely = 50.0 + (5.0 if month == LATEST else 0.0)  # 50% a year ago, 55% now
        revised = "2025-06-03 09:00:00" if month == REVISED else None
        public = tier == "public"
        rows.append(("ehcp_count", month, "COUNTY", "E10000028", "Staffordshire",
                     round(count / 5) * 5 if public else count, "available", "DIRECT", revised))
        rows.append(("ehcp_issued_20_weeks", month, "COUNTY", "E10000028", "Staffordshire",
                     None if public and month == LATEST else timely,
                     "suppressed" if public and month == LATEST else "available", "DIRECT", revised))
        rows.append(("ehcp_count", month, "DISTRICT", "E07000192", "Cannock Chase", 1205 if public else 1207,
                     "available", "DIRECT", revised))
        rows.append(("ehcp_count", month, "DISTRICT", "E07000199", "Tamworth", None if public else 6,
                     "suppressed" if public else "available", "DIRECT", revised))
    return rows


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
                geography_level varchar, geography_code varchar, geography_name varchar, value double,
                status varchar, method varchar, revised_at timestamp, breakdown varchar default 'TOTAL')""")
            con.executemany("insert into marts.kpi_history (kpi_id, reporting_date, geography_level, geography_code,"
                            " geography_name, value, status, method, revised_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            _rows(tier))
            con.execute("create table marts.kpi_catalogue as select 'ehcp_count' as kpi_id, 'Active EHC plans' as name")
            con.execute("""create table marts.kpi_comparators as select 'ehcp_count' as kpi_id, 'TOTAL' as breakdown,
                'TOTAL' as breakdown_value, 'count' as unit, 'ENGLAND' as comparator, 638745.0 as value,
                null as missing_reason, 'January 2025' as period_label, null as neighbour_rank,
                null as neighbour_areas, null as england_rank, null as england_areas""")
    return folder


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> dict[str, Path]:
    home = tmp_path_factory.mktemp("home")
    targets = home / "targets.yml"
    targets.write_text(TARGETS)
    written = build_performance_pack(_publication(home / "publish"), home / "reports", targets_file=targets)
    return {f"{p.stem.rsplit('-', 1)[1]}{p.suffix}": p for p in written}


def _pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run([PDFTOTEXT, "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_both_editions_are_written_and_listed_in_the_index(pack):
    assert set(pack) == {"restricted.html", "restricted.pdf", "public.html", "public.pdf"}
    index = (pack["public.html"].parent / "index.html").read_text()
    for path in pack.values():
        assert f'href="{path.name}"' in index


def test_the_public_edition_shows_only_what_the_public_tier_publishes(pack):
    restricted, public = pack["restricted.html"].read_text(), pack["public.html"].read_text()
    assert RESTRICTED_COUNT in restricted and PUBLIC_COUNT in public
    assert RESTRICTED_COUNT not in public  # the pack read the public tier, not the restricted one
    withheld = re.search(rf"<th scope=\"row\">{WITHHELD_DISTRICT}</th><td[^>]*>([^<]+)</td>", public).group(1)
    assert withheld.strip() == "withheld to protect small numbers"
    assert re.search(rf"<th scope=\"row\">{WITHHELD_DISTRICT}</th><td[^>]*>6</td>", restricted)
    # a withheld latest value is neither charted, changed nor rated in the public edition
    assert "EHC plans issued within 20 weeks: trend" in public and "Not rated" in public


def test_ratings_changes_revisions_and_held_back_months(pack):
    html = pack["restricted.html"].read_text()
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
            gaps: svg.querySelectorAll('rect.no-figure').length};
  });
  document.body.dataset.charts = JSON.stringify(charts);
});
</script>"""


@needs_chromium
def test_chromium_draws_each_trend_chart_with_alt_text_a_month_axis_and_a_complete_legend(pack, tmp_path):
    measured = tmp_path / "measured.html"
    measured.write_text(pack["restricted.html"].read_text().replace("</body>", MEASURE + "\n</body>"))
    dom = chromium("--dump-dom", measured.as_uri(), profile=tmp_path / "profile").stdout
    charts = json.loads(re.search(r'data-charts="([^"]*)"', dom).group(1).replace("&quot;", '"'))
    assert len(charts) == 2  # the KPIs with figures (the others say there is no trend to draw)
    for chart in charts:
        assert chart["title"].endswith("trend by reporting month") and len(chart["desc"]) > 60
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
        for page in (pack["public.html"], pack["restricted.html"], pack["public.html"].parent / "index.html"):
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
    pdf = pack["public.pdf"]
    pages = len(pypdf.PdfReader(pdf).pages)
    assert pages > 3
    sizes = _font_sizes(pdf)
    assert any(text == "Reporting month" for _, text in sizes)  # the charts' text is drawn as text
    assert min(size for size, _ in sizes) >= 10, sorted(sizes)[:5]
    headings = {"About this pack", "What changed in the data this month", "Summary", "Each KPI",
                "Active EHC plans", "EHC plans issued within 20 weeks"}
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
