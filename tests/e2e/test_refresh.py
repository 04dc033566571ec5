"""End to end: the real Dagster graph, through the CLI, on a small generated drop."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sample_data.generator import generate_drop

AS_AT = date(2025, 7, 31)
COUNTY = "E10000028"
pytestmark = pytest.mark.slow


def refresh(drop: Path, home: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SEND_WAREHOUSE_PSEUDO_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "refresh", "--demo", "--drop", str(drop),
         "--home", str(home), *extra],
        capture_output=True, text=True, env=env, timeout=900,
    )


def kpi(path: Path, kpi_id: str, breakdown: str = "TOTAL", value: str = "TOTAL",
        level: str = "COUNTY") -> dict:
    with path.open() as f:
        rows = [r for r in csv.DictReader(f) if r["kpi_id"] == kpi_id and r["breakdown"] == breakdown
                and r["breakdown_value"] == value and r["geography_level"] == level]
    assert len(rows) == 1, f"{kpi_id} {breakdown}={value} at {level}: {len(rows)} rows"
    return rows[0]


def expected_ehcp_count(drop: Path) -> int:
    """Active plans at the as-at date of county residents aged 0-25, straight from the files."""
    plans = pd.read_csv(drop / "council" / f"ehcp_caseload_{AS_AT:%Y%m%d}.csv", dtype=str)
    lookup = pd.read_csv(drop / "icb" / f"lsoa_lookup_{AS_AT:%Y%m%d}.csv", dtype=str)
    county = set(lookup.loc[lookup.lad_code.str.startswith("E07"), "lsoa_code"])
    dob = pd.to_datetime(plans.date_of_birth)
    age = AS_AT.year - dob.dt.year - ((dob.dt.month * 100 + dob.dt.day) > AS_AT.month * 100 + AS_AT.day)
    start = pd.to_datetime(plans.ehcp_start_date)
    end = pd.to_datetime(plans.ehcp_end_date)
    active = (plans.ehcp_status == "ACTIVE") & (start <= pd.Timestamp(AS_AT)) & (
        end.isna() | (end > pd.Timestamp(AS_AT)))
    return int((active & plans.lsoa_code.isin(county) & age.between(0, 25)).sum())


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    drop, home = root / "drop", root / "home"
    generate_drop(drop, as_at=AS_AT, scale=0.02, seed=7)
    result = refresh(drop, home)
    assert result.returncode == 0, result.stdout + result.stderr
    return drop, home


def test_refresh_publishes_the_ehcp_kpis(published):
    drop, home = published
    restricted = home / "publish" / "restricted" / "kpi_values.csv"
    count = kpi(restricted, "ehcp_count")
    assert int(float(count["value"])) == expected_ehcp_count(drop)
    assert count["reporting_date"] == AS_AT.isoformat()
    shares = [float(kpi(restricted, "ehcp_primary_need_share", "PRIMARY_NEED", need)["value"])
              for need in ("ASD", "SLCN", "SEMH")]
    assert all(0 < s < 100 for s in shares)
    public = home / "publish" / "public" / "kpi_values.csv"
    public_count = kpi(public, "ehcp_count")
    assert int(float(public_count["value"])) % 5 == 0
    assert list((home / "reports").glob("data-quality-*.html"))


def test_publication_holds_back_when_an_extract_fails_its_checks(published, tmp_path):
    drop, home = published
    before = os.readlink(home / "publish")
    broken = tmp_path / "drop"
    subprocess.run(["cp", "-r", str(drop), str(broken)], check=True)
    # A correction of the EHC caseload that has lost a required column: rejected at landing.
    path = broken / "council" / f"ehcp_caseload_{AS_AT:%Y%m%d}.csv"
    plans = pd.read_csv(path, dtype=str).drop(columns=["primary_need"])
    plans.to_csv(path, index=False)
    result = refresh(broken, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "primary_need" in result.stderr
    assert os.readlink(home / "publish") == before


def benchmark(path: Path, kpi_id: str, comparator: str, breakdown_value: str = "TOTAL") -> dict:
    with path.open() as f:
        rows = [r for r in csv.DictReader(f) if (r["kpi_id"], r["breakdown_value"], r["comparator"])
                == (kpi_id, breakdown_value, comparator)]
    assert len(rows) == 1, f"{kpi_id} {breakdown_value} {comparator}: {len(rows)} rows"
    return rows[0]


def test_refresh_publishes_the_dfe_comparators_in_both_tiers(published):
    """The bundled DfE release lands with the partners' extracts; kpi_benchmarks and the January
    reconciliation are published in both tiers and the board report reads them."""
    _, home = published
    for tier in ("restricted", "public"):
        path = home / "publish" / tier / "kpi_benchmarks.csv"
        staffordshire = benchmark(path, "ehcp_count", "STAFFORDSHIRE")
        assert (staffordshire["value"], staffordshire["period_label"]) == ("8461", "January 2025")
        assert benchmark(path, "ehcp_count", "ENGLAND")["value"] == "638745"
        assert benchmark(path, "ehcp_count", "REGION")["geography_name"] == "West Midlands"
        assert benchmark(path, "ehcp_issued_20_weeks", "STAFFORDSHIRE")["value"] == str(100 * 319 / 879)
        local = benchmark(path, "ehcp_count", "WAREHOUSE")
        assert local["value"] == kpi(home / "publish" / tier / "kpi_values.csv", "ehcp_count")["value"]
        with (home / "publish" / tier / "ehcp_reconciliation.csv").open() as f:
            januaries = {r["census_date"]: r for r in csv.DictReader(f)}
        assert januaries["2024-01-18"]["dfe_ehcp_count"] == "7490"
        assert januaries["2025-01-16"]["dfe_ehcp_count"] == "8461"
    assert int(januaries["2025-01-16"]["warehouse_ehcp_count"]) % 5 == 0  # public: rounded
    (report,) = (home / "reports").glob("data-quality-*.html")
    html = report.read_text(encoding="utf-8")
    assert "How Staffordshire compares" in html and "638,745" in html and "8,461" in html
