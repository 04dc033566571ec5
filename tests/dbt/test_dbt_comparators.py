"""kpi_comparators, ehcp_reconciliation and ehcp_flow_reconciliation over the hand-built people and DfE rows
(hand_built_dfe.py).

Reporting date 2025-07-31: the January comparator is January 2025 (census day 2025-01-16), the
calendar-year comparator 2024 (2025 ends after the reporting date).
"""
from __future__ import annotations

import os
from datetime import date

import duckdb
import pytest

from tests.dbt.clean_tables import build_warehouse
from tests.dbt.conftest import run_dbt
from tests.dbt.hand_built_people import FILES, ROWS

STAFFORDSHIRE, WARWICKSHIRE, DERBYSHIRE, STOKE = "E10000028", "E10000031", "E10000007", "E06000021"
WEST_MIDLANDS, ENGLAND = "E12000005", "E92000001"


@pytest.fixture(scope="module")
def comparisons(warehouse) -> dict[tuple, dict]:
    """(kpi_id, breakdown_value, comparator, geography_code) -> the row."""
    with duckdb.connect(str(warehouse)) as con:
        cursor = con.execute("select * from marts.kpi_comparators")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    return {(r["kpi_id"], r["breakdown_value"], r["comparator"], r["geography_code"]): r for r in rows}


def _values(comparisons, kpi_id, breakdown_value="TOTAL"):
    return {(comparator, code): row["value"] for (k, b, comparator, code), row in comparisons.items()
            if (k, b) == (kpi_id, breakdown_value)}


def test_active_plans_beside_region_england_and_neighbours(comparisons):
    assert _values(comparisons, "ehcp_count") == {
        ("WAREHOUSE", STAFFORDSHIRE): 5,  # kpi_values at the reporting date
        ("STAFFORDSHIRE", STAFFORDSHIRE): 5,  # the current release, not the older (777) nor the later (888)
        ("REGION", WEST_MIDLANDS): 100,
        ("ENGLAND", ENGLAND): 1000,
        ("STATISTICAL_NEIGHBOUR", WARWICKSHIRE): 8,
        ("STATISTICAL_NEIGHBOUR", DERBYSHIRE): 4,
    }  # Stoke-on-Trent is no neighbour
    staffordshire = comparisons[("ehcp_count", "TOTAL", "STAFFORDSHIRE", STAFFORDSHIRE)]
    assert (staffordshire["period_label"], staffordshire["period_end"]) == ("January 2025", date(2025, 1, 16))
    assert (staffordshire["neighbour_rank"], staffordshire["neighbour_areas"]) == (2, 3)
    assert (staffordshire["england_rank"], staffordshire["england_areas"]) == (3, 4)  # Stoke 9, Warwickshire 8
    assert staffordshire["source_files"] == "dfe/caseload/2025-06-26"
    warehouse = comparisons[("ehcp_count", "TOTAL", "WAREHOUSE", STAFFORDSHIRE)]
    assert (warehouse["source"], warehouse["period_label"]) == ("warehouse", "As at 2025-07-31")


def test_placement_shares_sum_the_dfe_columns_and_keep_symbols_missing(comparisons):
    mainstream = _values(comparisons, "ehcp_placement_share", "MAINSTREAM")
    assert mainstream[("STAFFORDSHIRE", STAFFORDSHIRE)] == pytest.approx(40)
    assert mainstream[("ENGLAND", ENGLAND)] == pytest.approx(40)  # (300 + 100) / 1000
    assert mainstream[("REGION", WEST_MIDLANDS)] == pytest.approx(35)
    assert mainstream[("STATISTICAL_NEIGHBOUR", WARWICKSHIRE)] == pytest.approx(75)
    derbyshire = comparisons[("ehcp_placement_share", "MAINSTREAM", "STATISTICAL_NEIGHBOUR", DERBYSHIRE)]
    assert derbyshire["value"] is None and derbyshire["missing_reason"] == "unavailable (x)"
    assert derbyshire["status"] == "not_available" and derbyshire["suppressed"] is False
    assert derbyshire["neighbour_rank"] is None
    staffordshire = comparisons[("ehcp_placement_share", "MAINSTREAM", "STAFFORDSHIRE", STAFFORDSHIRE)]
    assert (staffordshire["neighbour_rank"], staffordshire["neighbour_areas"]) == (2, 2)
    assert (staffordshire["england_rank"], staffordshire["england_areas"]) == (2, 3)
    special = comparisons[("ehcp_placement_share", "SPECIAL_STATE", "STAFFORDSHIRE", STAFFORDSHIRE)]
    assert (special["value"], special["numerator"]) == (None, None)
    assert special["missing_reason"] == "confidential, withheld by the DfE (c)"
    assert special["status"] == "suppressed" and special["suppressed"] is True  # the DfE's c
    assert staffordshire["status"] == "available" and "available" in warehouse_status(comparisons)
    assert warehouse_status(comparisons) <= {"available", "not_applicable", "not_available"}  # as kpi_values
    neet = comparisons[("ehcp_placement_share", "NEET", "ENGLAND", ENGLAND)]
    assert (neet["value"], neet["missing_reason"]) == (None, "unavailable (x)")


def warehouse_status(comparisons) -> set[str]:
    return {row["status"] for (_, _, comparator, _), row in comparisons.items() if comparator == "WAREHOUSE"}


def test_calendar_year_kpis_use_the_latest_year_ending_by_the_reporting_date(comparisons):
    assert _values(comparisons, "ehcna_requests")[("ENGLAND", ENGLAND)] == 200  # not 2025's 999
    refusal = comparisons[("ehcna_refusal_rate", "TOTAL", "STAFFORDSHIRE", STAFFORDSHIRE)]
    assert (refusal["numerator"], refusal["denominator"]) == (10, 18)  # not assessed / decided
    assert refusal["value"] == pytest.approx(100 * 10 / 18) and refusal["period_label"] == "Calendar year 2024"
    assert _values(comparisons, "mediation_rate")[("ENGLAND", ENGLAND)] == pytest.approx(5)
    tribunal = comparisons[("tribunal_rate", "TOTAL", "STAFFORDSHIRE", STAFFORDSHIRE)]
    assert (tribunal["value"], tribunal["missing_reason"]) == (None, "unavailable (x)")
    issue = comparisons[("ehcna_issue_rate", "TOTAL", "STAFFORDSHIRE", STAFFORDSHIRE)]
    assert (issue["value"], issue["missing_reason"]) == (None, "not applicable (z)")
    assert _values(comparisons, "ehcna_issue_rate")[("ENGLAND", ENGLAND)] == pytest.approx(90)


def test_twenty_week_timeliness_with_and_without_exceptions(comparisons):
    assert _values(comparisons, "ehcp_issued_20_weeks") == pytest.approx({
        ("WAREHOUSE", STAFFORDSHIRE): 50, ("STAFFORDSHIRE", STAFFORDSHIRE): 25, ("ENGLAND", ENGLAND): 100 * 40 / 90})
    assert _values(comparisons, "ehcp_issued_20_weeks_all") == pytest.approx({
        ("WAREHOUSE", STAFFORDSHIRE): 100 / 3, ("STAFFORDSHIRE", STAFFORDSHIRE): 30, ("ENGLAND", ENGLAND): 45})


def test_kpis_the_dfe_does_not_publish_have_no_comparison(comparisons):
    kpis = {key[0] for key in comparisons}
    assert "ehcp_rate_0_25" not in kpis and "slt_referrals" not in kpis
    need_rows = {key[2] for key in comparisons if key[0] == "ehcp_primary_need_share"}
    assert need_rows == {"WAREHOUSE"}  # no sen_needs_all_plans file: local figures only


def test_january_reconciliation(warehouse):
    """The SEN2 plans maintained on each census day (every plan, whatever the holder's age or home).
    Census 2025-01-16: Amy, Ben, Cara, Ola, Pat (Dan's plan ceased 2024-12-31) = 5 vs 5.
    Census 2024-01-18: Amy, Ben, Dan, Ola, Pat and Sam (his plan ceases that day: maintained through
    it); Cara's plan started 2024-02-01 = 6 vs 5. January 2022 is more than three years back."""
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(
            "select census_date, warehouse_ehcp_count, dfe_ehcp_count, difference,"
            " difference_percent from marts.ehcp_reconciliation order by census_date").fetchall()
    assert rows == [(date(2024, 1, 18), 6, 5, 1, 20), (date(2025, 1, 16), 5, 5, 0, 0)]
    with duckdb.connect(str(warehouse)) as con:
        statuses = con.execute("select distinct status, dfe_status from marts.ehcp_reconciliation").fetchall()
    assert statuses == [("available", "available")]


def test_calendar_year_measures_beside_the_dfe(warehouse):
    """2024 from the hand-built SEN2 return (E1-E4 received in 2024; E3 decided in 2025) beside
    Staffordshire's 2024 figures: requests E1 E2 E3 E4 = 4 vs 20; decided E1 E2 E4, none refused = 0%
    vs 10 of 18; assessments decided: E4 issued = 100% vs 9 issued of a z; 20 weeks: E4 is an
    exception, so none without (not applicable) vs 2 of 8, and 142 days with them = 0% vs 3 of 10;
    mediation E2 = 1 of 4 vs 2 of 20; tribunal E3 = 1 of 4 vs x. No 2023 or 2025 figure for the county."""
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(
            "select kpi_id, dfe_time_period, warehouse_numerator, warehouse_denominator, warehouse_value, dfe_value,"
            " dfe_missing_reason is not null, difference, status from marts.ehcp_flow_reconciliation").fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert got == {
        "ehcna_requests": ("2024", 4, None, 4, 20, False, -16, "available"),
        "ehcna_refusal_rate": ("2024", 0, 3, 0, pytest.approx(1000 / 18), False, pytest.approx(-1000 / 18),
                               "available"),
        "ehcna_issue_rate": ("2024", 1, 1, 100, None, True, None, "available"),
        "ehcp_issued_20_weeks": ("2024", 0, 0, None, 25, False, None, "not_applicable"),
        "ehcp_issued_20_weeks_all": ("2024", 0, 1, 0, 30, False, -30, "available"),
        "mediation_rate": ("2024", 1, 4, 25, 10, False, 15, "available"),
        "tribunal_rate": ("2024", 1, 4, 25, None, True, None, "available"),
    }


def test_without_the_dfe_tables_the_staging_models_are_empty(tmp_path):
    """A warehouse landed before the DfE files were bundled: the DfE models build, with no rows."""
    path = tmp_path / "warehouse.duckdb"
    build_warehouse(path, FILES, ROWS, without=tuple(f"dfe__{e}" for e in (
        "caseload", "sen_needs_all_plans", "requests", "assessments", "timeliness_20_week")))
    previous = os.environ.get("SEND_WAREHOUSE_DUCKDB")
    os.environ["SEND_WAREHOUSE_DUCKDB"] = str(path)
    try:
        run_dbt(["build", "--select", "+int_dfe_kpi_values", "--indirect-selection", "cautious"], tmp_path / "target")
    finally:
        if previous is None:
            os.environ.pop("SEND_WAREHOUSE_DUCKDB")
        else:
            os.environ["SEND_WAREHOUSE_DUCKDB"] = previous
    with duckdb.connect(str(path)) as con:
        assert con.execute("select count(*) from staging.stg_dfe__caseload").fetchone() == (0,)
        assert con.execute("select count(*) from intermediate.int_dfe_kpi_values").fetchone() == (0,)
