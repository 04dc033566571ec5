"""Public tiers of kpi_comparators, ehcp_reconciliation and ehcp_flow_reconciliation: warehouse figures protected,
DfE figures as published."""
import math

import pandas as pd
import pytest

from publication.comparators import public_flow_reconciliation, public_kpi_comparators, public_reconciliation
from publication.disclosure import DisclosureSettings, public_kpi_values

COUNTY = "E10000028"


def _comparison(comparator, code, breakdown_value, numerator, denominator, value, status="available"):
    return {"kpi_id": "ehcp_placement_share", "breakdown": "PLACEMENT_TYPE", "breakdown_value": breakdown_value,
            "comparator": comparator, "geography_code": code, "numerator": numerator,
            "denominator": denominator, "value": value, "suppressed": status == "suppressed", "status": status}


@pytest.fixture
def public_kpis(kpi_table):
    """Placement shares: AP_PRU (3 plans) is small; MAINSTREAM is withheld with it (secondary)."""
    rows = [("COUNTY", COUNTY, "TOTAL", "TOTAL", 203, 203, 100.0),
            ("COUNTY", COUNTY, "PLACEMENT_TYPE", "MAINSTREAM", 61, 203, 100 * 61 / 203),
            ("COUNTY", COUNTY, "PLACEMENT_TYPE", "SPECIAL_STATE", 139, 203, 100 * 139 / 203),
            ("COUNTY", COUNTY, "PLACEMENT_TYPE", "AP_PRU", 3, 203, 100 * 3 / 203)]
    return public_kpi_values(kpi_table(rows, kpi_id="ehcp_placement_share", unit="percent"), DisclosureSettings())


def test_warehouse_rows_are_those_of_the_public_kpi_values_and_dfe_rows_stay(public_kpis, row):
    comparisons = pd.DataFrame.from_records([
        _comparison("WAREHOUSE", COUNTY, "AP_PRU", 3.0, 203.0, 100 * 3 / 203),
        _comparison("WAREHOUSE", COUNTY, "SPECIAL_STATE", 139.0, 203.0, 100 * 139 / 203),
        _comparison("STAFFORDSHIRE", COUNTY, "AP_PRU", 12.0, 8461.0, 100 * 12 / 8461),
        _comparison("STATISTICAL_NEIGHBOUR", "E10000031", "AP_PRU", 2.0, 6868.0, 100 * 2 / 6868),
        _comparison("STATISTICAL_NEIGHBOUR", "E10000032", "AP_PRU", None, None, None, "suppressed"),  # DfE's c
    ])
    public = public_kpi_comparators(comparisons, public_kpis)

    assert list(public.columns) == list(comparisons.columns) and len(public) == 5
    withheld = public.iloc[0]
    assert withheld["suppressed"] and all(math.isnan(withheld[c]) for c in ("numerator", "denominator", "value"))
    assert public.status.tolist() == ["suppressed", "available", "available", "available", "suppressed"]
    special = row(public_kpis, breakdown="PLACEMENT_TYPE", value="SPECIAL_STATE")
    assert ((public.iloc[1]["numerator"], public.iloc[1]["denominator"])
            == (special["numerator"], special["denominator"]))
    assert (public.iloc[1]["numerator"], public.iloc[1]["denominator"]) == (140, 205)  # rounded to 5
    pd.testing.assert_frame_equal(public.iloc[2:], comparisons.iloc[2:], check_dtype=False)  # DfE: published already


def test_a_warehouse_row_with_no_kpi_row_is_an_error(public_kpis):
    comparisons = pd.DataFrame.from_records([_comparison("WAREHOUSE", COUNTY, "NEET", 0.0, 203.0, 0.0)])
    with pytest.raises(ValueError, match="no COUNTY row"):
        public_kpi_comparators(comparisons, public_kpis)


def test_reconciliation_counts_are_rounded_and_the_difference_comes_from_the_rounded_count():
    reconciliation = pd.DataFrame({
        "census_date": ["2024-01-18", "2025-01-16"], "warehouse_ehcp_count": [7488.0, 5.0],
        "dfe_ehcp_count": [7490.0, 8461.0],
        "difference": [-2.0, -8456.0], "difference_percent": [-2 / 74.9, -8456 / 84.61], "suppressed": [False, False],
        "status": ["available", "available"], "dfe_status": ["available", "available"],
    })
    public = public_reconciliation(reconciliation, DisclosureSettings())

    assert public["warehouse_ehcp_count"].iloc[0] == 7490
    assert public["difference"].iloc[0] == 0 and public["difference_percent"].iloc[0] == 0
    assert public["suppressed"].tolist() == [False, True]
    assert public["status"].tolist() == ["available", "suppressed"]
    assert public["dfe_status"].tolist() == ["available"] * 2
    assert public[["warehouse_ehcp_count", "difference"]].iloc[1].isna().all()
    assert public["dfe_ehcp_count"].tolist() == [7490, 8461]


def flow_reconciliation(*rows: tuple) -> pd.DataFrame:
    """Calendar-year rows (kpi_id, unit, numerator, denominator, DfE value) of 2024."""
    frame = pd.DataFrame(rows, columns=["kpi_id", "unit", "warehouse_numerator", "warehouse_denominator", "dfe_value"])
    is_count = frame["unit"] == "count"
    frame["warehouse_value"] = frame["warehouse_numerator"].where(
        is_count, 100 * frame["warehouse_numerator"] / frame["warehouse_denominator"])
    frame["difference"] = frame["warehouse_value"] - frame["dfe_value"]
    return frame.assign(period_end="2024-12-31", dfe_time_period="2024", suppressed=False, status="available",
                        dfe_status="available")


def test_calendar_year_figures_take_the_kpi_rules_and_the_difference_comes_from_the_public_figure():
    restricted = flow_reconciliation(("ehcna_requests", "count", 2022.0, None, 2030.0),
                                     ("ehcna_refusal_rate", "percent", 888.0, 2003.0, 44.0),
                                     ("tribunal_rate", "percent", 6.0, 2022.0, 0.3))
    public = public_flow_reconciliation(restricted, DisclosureSettings())

    assert public["warehouse_numerator"].tolist()[:2] == [2020, 890] and public["warehouse_denominator"][1] == 2005
    assert public["warehouse_value"][0] == 2020 and public["difference"][0] == -10
    assert public["warehouse_value"][1] == pytest.approx(44.4) and public["difference"][1] == pytest.approx(0.4)
    assert public["status"].tolist() == ["available", "available", "suppressed"]  # 6 tribunals: withheld
    assert public.loc[2, ["warehouse_numerator", "warehouse_denominator", "warehouse_value", "difference"]].isna().all()
    assert public["dfe_value"].tolist() == [2030, 44, 0.3]
