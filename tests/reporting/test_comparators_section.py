"""The board report shows each KPI beside the DfE's Staffordshire, West Midlands and England figures."""
import re

from reporting.board_report import build_report


def _comparisons(con):
    con.execute("""
        create schema if not exists marts;
        create table marts.kpi_catalogue as select * from (values
          ('ehcp_count', 'Active EHC plans'), ('ehcna_refusal_rate', 'EHC needs assessment refusal rate')
        ) v(kpi_id, name);
        create table marts.kpi_comparators as select * from (values
          ('ehcp_count', 'TOTAL', 'TOTAL', 'count', 'WAREHOUSE', 8390.0, null, 'As at 2025-07-31', null, null, null, null, 'available'),
          ('ehcp_count', 'TOTAL', 'TOTAL', 'count', 'STAFFORDSHIRE', 8461.0, null, 'January 2025', 3, 11, 13, 153, 'available'),
          ('ehcp_count', 'TOTAL', 'TOTAL', 'count', 'REGION', 66710.0, null, 'January 2025', null, null, null, null, 'available'),
          ('ehcp_count', 'TOTAL', 'TOTAL', 'count', 'ENGLAND', 638745.0, null, 'January 2025', null, null, null, null, 'available'),
          ('ehcp_count', 'TOTAL', 'TOTAL', 'count', 'STATISTICAL_NEIGHBOUR', 6970.0, null, 'January 2025', 4, 11, 20, 153, 'available'),
          ('ehcna_refusal_rate', 'TOTAL', 'TOTAL', 'percent', 'WAREHOUSE', 44.2, null, '2024-08-01 to 2025-07-31', null, null, null, null, 'available'),
          ('ehcna_refusal_rate', 'TOTAL', 'TOTAL', 'percent', 'STAFFORDSHIRE', 45.62, null, 'Calendar year 2024', 1, 11, 9, 153, 'available'),
          ('ehcna_refusal_rate', 'TOTAL', 'TOTAL', 'percent', 'REGION', null, 'unavailable (x)', 'Calendar year 2024', null, null, null, null, 'not_available'),
          ('ehcna_refusal_rate', 'TOTAL', 'TOTAL', 'percent', 'ENGLAND', 27.79, null, 'Calendar year 2024', null, null, null, null, 'available')
        ) v(kpi_id, breakdown, breakdown_value, unit, comparator, value, missing_reason, period_label,
            neighbour_rank, neighbour_areas, england_rank, england_areas, status);
        create table marts.ehcp_reconciliation as select * from (values
          (date '2025-01-16', 'January 2025', 8390.0, 8461.0, -71.0, -0.84, null),
          (date '2024-01-18', 'January 2024', 7402.0, 7490.0, -88.0, -1.17, null)
        ) v(census_date, period_label, warehouse_ehcp_count, dfe_ehcp_count,
            difference, difference_percent, dfe_missing_reason);
    """)


def _row(html: str, heading: str) -> list[str]:
    (row,) = re.findall(rf'<th scope="row">{re.escape(heading)}</th>(.*?)</tr>', html, re.S)
    return [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_each_kpi_is_shown_county_vs_region_vs_england(con, tmp_path, reporting_date):
    _comparisons(con)
    html = build_report(con, tmp_path, reporting_date, published=True, reasons=[]).read_text()

    assert "How Staffordshire compares" in html
    plans = _row(html, "Active EHC plans")
    assert [cell[0] for cell in plans[:4]] == ["8,390", "8,461", "66,710", "638,745"]
    assert plans[1][1:] == ["January", "2025"] and plans[4:] == [["3rd", "of", "11"], ["13th", "of", "153"]]
    refusal = _row(html, "EHC needs assessment refusal rate")
    assert [cell[0] for cell in refusal[:4]] == ["44.2%", "45.6%", "unavailable", "27.8%"]
    assert "6,970" not in html  # neighbours are ranked, not listed


def test_january_reconciliation_shows_the_difference(con, tmp_path, reporting_date):
    _comparisons(con)
    html = build_report(con, tmp_path, reporting_date, published=True, reasons=[]).read_text()
    assert _row(html, "16 January 2025") == [["8,390"], ["8,461"], ["-71", "(-0.8%)"]]
    assert _row(html, "18 January 2024")[1] == ["7,490"]


def test_without_the_marts_the_section_says_when_comparisons_appear(con, tmp_path, reporting_date):
    html = build_report(con, tmp_path, reporting_date, published=False, reasons=[]).read_text()
    assert "The comparisons appear once the KPIs and the DfE's published figures have been built." in html
