"""Fixture: a fresh warehouse built from a dozen hand-made people (and hand-made DfE release rows),
then `dbt build` on it."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from publication import run_parameters
from tests.dbt import hand_built_dfe
from tests.dbt.hand_built_people import FILES, REPORTING_DATE, ROWS
from tests.dbt.clean_tables import build_warehouse

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


REFRESHED_AT = "2025-08-05 06:00:00"


def run_dbt(args: list[str], target_path: Path, reporting_date: str = REPORTING_DATE,
            refreshed_at: str = REFRESHED_AT) -> None:
    """dbt on the warehouse at SEND_WAREHOUSE_DUCKDB, its landing.run_parameters written first."""
    run_parameters.write_duckdb_file(os.environ["SEND_WAREHOUSE_DUCKDB"], reporting_date, refreshed_at)
    result = dbtRunner().invoke([
        *args,
        "--project-dir", str(DBT_PROJECT),
        "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(target_path),
        "--log-path", str(target_path / "logs"),
        "--no-send-anonymous-usage-stats",
    ])
    assert result.success, f"dbt {args[0]} failed: {result.exception or result.result}"


@pytest.fixture(scope="package")
def warehouse(tmp_path_factory) -> Path:
    """The built warehouse DuckDB file (dbt build and dbt docs generate have passed)."""
    home = tmp_path_factory.mktemp("warehouse")
    path = home / "warehouse.duckdb"
    build_warehouse(path, FILES + hand_built_dfe.FILES, ROWS | hand_built_dfe.ROWS)
    previous = os.environ.get("SEND_WAREHOUSE_DUCKDB")
    os.environ["SEND_WAREHOUSE_DUCKDB"] = str(path)
    try:
        run_dbt(["build"], home / "target")
        run_dbt(["docs", "generate"], home / "target")
    finally:
        if previous is None:
            os.environ.pop("SEND_WAREHOUSE_DUCKDB")
        else:
            os.environ["SEND_WAREHOUSE_DUCKDB"] = previous
    return path


@pytest.fixture(scope="package")
def kpis(warehouse) -> dict[tuple[str, str, str, str], tuple]:
    """kpi_values keyed by (kpi_id, geography_code, breakdown, breakdown_value) ->
    (numerator, denominator, value, method)."""
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(
            "select kpi_id, geography_code, breakdown, breakdown_value, numerator, denominator,"
            " value, method from marts.kpi_values"
        ).fetchall()
    return {tuple(r[:4]): tuple(r[4:]) for r in rows}
