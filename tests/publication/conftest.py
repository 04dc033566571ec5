"""Builders for small ``kpi_values`` and crosswalk tables (fixtures, so that test modules need no imports)."""
from datetime import date, datetime

import pandas as pd
import pytest

from tests.kpi_columns import KPI_COLUMNS

REPORTING_DATE = date(2025, 7, 31)
COUNTY = ("COUNTY", "E10000028")


def _kpi_table(rows: list[tuple], kpi_id: str = "k", unit: str = "count", method: str = "DIRECT") -> pd.DataFrame:
    """Rows of (geography_level, geography_code, breakdown, breakdown_value, numerator, denominator, value)
    for one KPI, in the published column order; plain counts take ``value`` as their numerator."""
    records = []
    for level, code, breakdown, breakdown_value, numerator, denominator, value in rows:
        records.append({
            "kpi_id": kpi_id, "reporting_date": REPORTING_DATE, "period_start": date(2024, 8, 1),
            "period_end": REPORTING_DATE, "geography_level": level, "geography_code": code,
            "geography_name": code, "breakdown": breakdown, "breakdown_value": breakdown_value,
            "numerator": numerator, "denominator": denominator, "value": value, "unit": unit,
            "method": method if level == "DISTRICT" else "DIRECT", "suppressed": False,
            "status": ("not_applicable" if denominator == 0 else "not_available" if value is None else "available"),
            "refreshed_at": datetime(2025, 8, 2, 10), "source_extracts": "council/school_census/2025-07-31",
        })
    return pd.DataFrame.from_records(records, columns=list(KPI_COLUMNS))


def _counts(*rows: tuple, kpi_id: str = "k", method: str = "DIRECT") -> pd.DataFrame:
    """Count rows from (level, code, breakdown, breakdown_value, count)."""
    return _kpi_table([(*key, n, None, n) for *key, n in rows], kpi_id=kpi_id, method=method)


def _row(table: pd.DataFrame, level: str = "COUNTY", breakdown: str = "TOTAL", value: str = "TOTAL",
        code: str | None = None, kpi_id: str | None = None) -> pd.Series:
    mask = ((table.geography_level == level) & (table.breakdown == breakdown)
            & (table.breakdown_value == value))
    if code is not None:
        mask &= table.geography_code == code
    if kpi_id is not None:
        mask &= table.kpi_id == kpi_id
    (index,) = table.index[mask]
    return table.loc[index]


@pytest.fixture
def kpi_table():
    return _kpi_table


@pytest.fixture
def counts():
    return _counts


@pytest.fixture
def row():
    return _row


@pytest.fixture
def crosswalk() -> pd.DataFrame:
    """04Y: 800 + 195 + 5 = 1000; 05D: 6 + 0 = 6; 05W: 400 + 0 = 400."""
    return pd.DataFrame.from_records([
        ("04Y", "E07000192", 0.8, 800, 1000), ("04Y", "E07000196", 0.195, 195, 1000),
        ("04Y", "E07000197", 0.005, 5, 1000),
        ("05D", "E07000193", 1.0, 6, 6), ("05D", "E07000194", 0.0, 0, 6),
        ("05W", "E06000021", 1.0, 400, 400), ("05W", "E07000195", 0.0, 0, 400),
    ], columns=["sub_icb_code", "lad_code", "weight", "population", "sub_icb_population"]).assign(status="available")
