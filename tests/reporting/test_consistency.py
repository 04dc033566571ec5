"""The report never contradicts itself: file-level failures count as critical, what changed shows
them, trends follow reporting months, failing rows are shown out of the rows checked, and each
refresh keeps its own report beside the index."""
from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

import pytest

from expectations.runner import validate
from reporting import charts, register
from reporting.board_report import build_report
from reporting.figures import PARTNER_NAMES, FileCheckFailure

REJECTED = FileCheckFailure("Speech and language therapy referrals (MPFT)",
                            "The extract's newest delivery was accepted.",
                            ("slt_referrals_20250731.csv: required column referral_date is missing",))
GATE = FileCheckFailure("All partner deliveries (the landing gate)", "Every extract's newest delivery was accepted.",
                        ("mpft/slt_referrals: the newest file was rejected",))
PUBLICATION = {"publication_id": "2025-07-31_20250805T060000Z_abcd1234", "reporting_date": "2025-07-31",
               "run_id": "run-1", "published_at": "2025-08-05T06:00:00+00:00",
               "settings": {"threshold": 7, "rounding_base": 5}}


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def tile(html: str, name: str) -> str:
    return re.search(rf"<dt>{name}</dt><dd>([^<]*)</dd>", html).group(1)


def test_a_rejected_file_and_the_landing_gate_count_as_critical_failures_and_as_changes(
        con, kpi_mart, tmp_path, reporting_date):
    kpi_mart()
    validate(con, "kpi_values", run_id="run-1", asset_key="kpi_values")
    first = build_report(con, tmp_path, reporting_date, published=True, reasons=[], run_id="run-1",
                         publication=PUBLICATION).read_text()
    assert tile(first, "Critical checks failed") == "0"
    validate(con, "kpi_values", run_id="run-2", asset_key="kpi_values")  # every row check still passes
    held = build_report(con, tmp_path, reporting_date, published=False, reasons=["A file was rejected."],
                        run_id="run-2", file_failures=[REJECTED, GATE], publication=PUBLICATION).read_text()

    assert tile(held, "Critical checks failed") == "2"
    # The fixture's SLT file is rejected: that extract is not counted as received and accepted.
    expected = tile(first, "Extracts received and accepted").split(" of ")[1]
    assert tile(held, "Extracts received and accepted") == f"1 of {expected}"
    failed = re.search(r'<h2 id="failed">.*?</section>', held, re.S).group()
    assert "required column referral_date is missing" in failed and "the landing gate" in failed
    changed = text(re.search(r'<h2 id="changes">.*?</section>', held, re.S).group())
    assert "Newly failing (passed at the last refresh)" in changed
    assert "Speech and language therapy referrals (MPFT). The extract's newest delivery was accepted." in changed
    assert "No check changed result" not in changed


def test_failing_rows_are_shown_out_of_the_rows_checked(con, kpi_mart, tmp_path, reporting_date):
    kpi_mart(breakdown_value="943 476 5919")
    validate(con, "kpi_values", run_id="run-1", asset_key="kpi_values")
    html = build_report(con, tmp_path, reporting_date, published=False, reasons=[]).read_text()
    assert "1 of 3 rows" in html  # the fixture's KPI table has three rows, one NHS-number-shaped
    assert "failing (" not in html


def test_each_refresh_keeps_its_report_and_the_index_lists_them_latest_first(con, tmp_path, reporting_date):
    published = build_report(con, tmp_path, reporting_date, published=True, reasons=[], run_id="run-1",
                             publication=PUBLICATION)
    held = build_report(con, tmp_path, reporting_date, published=False, reasons=["A file was rejected."],
                        run_id="run-2", file_failures=[REJECTED], publication=PUBLICATION)
    assert published != held and published.exists() and held.exists()
    assert published.with_suffix(".pdf").exists() and held.with_suffix(".pdf").exists()
    assert "Published: this refresh published" in published.read_text()
    held_text = text(held.read_text())
    assert "this refresh of the KPIs for 31 July 2025 was not published" in held_text
    assert ("Current publication: 2025-07-31_20250805T060000Z_abcd1234 , reporting date 31 July 2025, "
            "published 05 August 2025 at 06:00 UTC. Its figures for this month still stand.") in held_text
    index = (tmp_path / "index.html").read_text()
    assert re.findall(r'href="(data-quality-[^"]+\.html)"', index) == [held.name, published.name]
    assert "2025-07-31_20250805T060000Z_abcd1234" in index
    assert re.findall(r"(Published|Held back)</span>", index) == ["Held back", "Published"]


def entry(month: int, day: int, **totals) -> register.ReportEntry:
    return register.ReportEntry(file=f"r{month}-{day}.html", reporting_date=date(2025, month, 28),
                                generated_at=datetime(2025, month + 1, day, 6), run_id=f"run-{month}-{day}",
                                published=True, failed_critical=totals.get("critical", 0), failed_warning=0,
                                passed_percent_by_partner=totals.get("passed", {}))


def test_trends_are_by_reporting_month_one_point_each_the_last_refresh_of_the_month():
    history = register.by_month([entry(5, 1), entry(6, 1, critical=3), entry(6, 9, critical=1), entry(7, 2)])
    assert [(e.reporting_date.month, e.failed_critical) for e in history] == [(5, 0), (6, 1), (7, 0)]
    figure = charts.failed_checks_figure(history)
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == ["May 2025", "Jun 2025", "Jul 2025"]


def test_the_pass_rate_legend_names_every_partner_and_fits_in_the_image():
    groups = [*PARTNER_NAMES, "marts"]
    history = [entry(m, 1, passed={g: 90.0 + i for i, g in enumerate(groups)}) for m in (5, 6, 7)]
    chart = charts.pass_rate_chart(history)
    assert set(chart.legend) == {*PARTNER_NAMES.values(), charts.MARTS_NAME}
    assert legend_fits(charts.pass_rate_figure(history))


def test_the_legend_check_sees_a_clipped_legend(monkeypatch):
    """The layout before: three columns above the plot, wider than the image."""
    groups = [*PARTNER_NAMES, "marts"]
    history = [entry(m, 1, passed={g: 90.0 for g in groups}) for m in (5, 6, 7)]
    monkeypatch.setattr(charts, "_legend_below", lambda axes, ncols: axes.legend(
        frameon=False, fontsize="small", loc="lower left", bbox_to_anchor=(0, 1), ncols=3))
    assert not legend_fits(charts.pass_rate_figure(history))


def legend_fits(figure) -> bool:
    legend = figure.axes[0].get_legend().get_window_extent(figure.canvas.get_renderer())
    inside = figure.bbox
    return inside.x0 <= legend.x0 and legend.x1 <= inside.x1 and inside.y0 <= legend.y0 and legend.y1 <= inside.y1


@pytest.mark.parametrize("disclosure, expected", [
    ({"threshold": 7, "rounding_base": 5, "primary_suppressed": 30, "secondary_suppressed": 12,
      "cells": {"available": 900, "suppressed": 42, "not_applicable": 3, "not_available": 1}},
     "withheld 42 figures: 30 because they were small and 12 to stop a small figure being worked out"),
    ({"threshold": 7, "rounding_base": 5, "primary_suppressed": 33, "secondary_suppressed": 13,
      "cells": {"available": 900, "suppressed": 46, "not_applicable": 3, "not_available": 1},
      "withheld_by_table": {"kpi_values": 42, "sub_icb_district_crosswalk": 3, "ehcp_reconciliation": 1}},
     "withheld 46 figures: 33 because they were small and 13 to stop a small figure being worked out by "
     "subtraction (42 in the KPI table, 3 in the sub-ICB to district crosswalk, 1 in the comparison of EHC plans "
     "with the DfE's figures)"),
    (None, "was made before the number of withheld figures was recorded, so this report cannot say"),
])
def test_the_report_explains_disclosure_control_and_what_this_publication_withheld(
        con, tmp_path, reporting_date, disclosure, expected):
    publication = {**PUBLICATION, **({"disclosure": disclosure} if disclosure else {})}
    html = text(build_report(con, tmp_path, reporting_date, published=True, reasons=[],
                             publication=publication).read_text())
    assert expected in html
    assert "Any count from 1 to 7 is withheld" in html and "rounded to the nearest 5" in html
    assert "worked out again from the rounded counts" in html and "fewer than 8 values" in html
    assert "secondary suppression" in html and "can therefore differ from the same figure in the public tables" in html


def test_before_the_first_publication_the_report_says_so(con, tmp_path, reporting_date):
    html = text(build_report(con, tmp_path, reporting_date, published=False, reasons=["x"]).read_text())
    assert "Nothing has been published yet." in html and "no figure has been withheld" in html
