"""The same dbt project on Spark (target spark: a local PySpark session) from the Parquet clean zone:
identical kpi_values to DuckDB on the hand-built micro drop, and a whole build on a sample drop.

One Spark session for the module: dbt-spark's session method reuses the JVM of the test process,
so the tables it builds are read back here through the same session.
"""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dbt.cli.main import dbtRunner

from connectors.clean_zone import write_zone, zone_dir
from orchestration.assets.landing import landing_assets
from orchestration.resources import DropFolder, Pseudonymiser, Warehouse
from sample_data.generator import generate_drop
from tests.dbt import hand_built_dfe
from tests.dbt.clean_tables import build_warehouse
from tests.dbt.hand_built_people import FILES, REPORTING_DATE, ROWS
from tests.e2e.test_targets_and_reruns import same_rows
from tests.kpi_columns import KPI_COLUMNS

pytestmark = pytest.mark.spark
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
REFRESHED_AT = "2025-08-05 06:00:00"


def java_home() -> str | None:
    """JAVA_HOME, else the installation the `java` on the PATH belongs to."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    return str(Path(java).resolve().parents[1]) if java else None


def dbt(args: list[str], target_path: Path, reporting_date: str, target: str) -> None:
    """``dbt <args>`` on the target, its landing.run_parameters (the month) written first by the
    project's macro (on Spark a view in the session dbt-spark starts)."""
    options = ["--target", target, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
               "--target-path", str(target_path), "--log-path", str(target_path / "logs"),
               "--no-send-anonymous-usage-stats"]
    written = dbtRunner().invoke([
        "run-operation", "write_run_parameters",
        "--args", f"{{reporting_date: '{reporting_date}', refreshed_at: '{REFRESHED_AT}'}}", *options])
    assert written.success, f"dbt run-operation write_run_parameters --target {target} failed: {written.exception}"
    result = dbtRunner().invoke([*args, *options])
    assert result.success, f"dbt {' '.join(args)} --target {target} failed: {result.exception or result.result}"


@pytest.fixture(scope="module")
def spark_env(tmp_path_factory, monkeypatch_module):
    """The spark target's environment: Java, and one Spark warehouse directory for the module."""
    home = java_home()
    if home is None:
        pytest.skip("Java is not installed (apt-get install -y openjdk-17-jre-headless): no Spark session")
    monkeypatch_module.setenv("JAVA_HOME", home)
    monkeypatch_module.setenv("SEND_WAREHOUSE_SPARK_WAREHOUSE", str(tmp_path_factory.mktemp("spark_warehouse")))
    yield
    from pyspark.sql import SparkSession
    SparkSession.builder.getOrCreate().stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def spark_kpi_values() -> pd.DataFrame:
    from pyspark.sql import SparkSession
    # the session dbt-spark started in this process (getActiveSession is per thread)
    session = SparkSession.builder.getOrCreate()
    rows = session.sql(f"select {', '.join(KPI_COLUMNS)} from marts.kpi_values").collect()
    return pd.DataFrame([r.asDict() for r in rows], columns=KPI_COLUMNS)


@pytest.fixture(scope="module")
def micro_drop(tmp_path_factory, monkeypatch_module) -> Path:
    """The hand-built micro drop as a DuckDB warehouse, dbt-built there, and its clean zone."""
    home = tmp_path_factory.mktemp("micro")
    build_warehouse(home / "warehouse.duckdb", FILES + hand_built_dfe.FILES, ROWS | hand_built_dfe.ROWS)
    monkeypatch_module.setenv("SEND_WAREHOUSE_DUCKDB", str(home / "warehouse.duckdb"))
    dbt(["build"], home / "target_duckdb", REPORTING_DATE, "duckdb")
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        write_zone(con, zone_dir(home))
    return home


def test_spark_gives_the_same_kpi_values_as_duckdb_on_the_micro_drop(spark_env, micro_drop, monkeypatch):
    monkeypatch.setenv("SEND_WAREHOUSE_CLEAN_ZONE", str(zone_dir(micro_drop)))
    dbt(["build"], micro_drop / "target_spark", REPORTING_DATE, "spark")
    # the same configuration as dbt-duckdb's connection, still open in this process
    with duckdb.connect(str(micro_drop / "warehouse.duckdb")) as con:
        from_duckdb = con.execute(f"select {', '.join(KPI_COLUMNS)} from marts.kpi_values").df()
    from_spark = spark_kpi_values()
    for column in ("reporting_date", "period_start", "period_end"):
        from_duckdb[column] = pd.to_datetime(from_duckdb[column]).dt.date
        from_spark[column] = pd.to_datetime(from_spark[column]).dt.date
    assert len(from_duckdb) > 100
    assert same_rows(from_duckdb, from_spark) == []
    # the comparison sees a difference when there is one
    changed = from_spark.copy()
    changed.loc[0, "numerator"] = (changed.loc[0, "numerator"] or 0) + 1
    assert same_rows(from_duckdb, changed) != []


def test_spark_builds_every_model_and_test_on_a_sample_drop(spark_env, tmp_path, monkeypatch):
    as_at = date(2025, 7, 31)
    drop, home = tmp_path / "drop", tmp_path / "home"
    generate_drop(drop, as_at=as_at, scale=0.02, seed=11)
    landed = dg.materialize(landing_assets, resources={
        "warehouse": Warehouse(home=str(home)), "drop": DropFolder(path=str(drop)),
        "pseudonymiser": Pseudonymiser(key="key of the spark tests, thirty-two characters long")})
    assert landed.success
    zone = zone_dir(home)
    assert {p.name for p in zone.iterdir()} >= {"landing_files", "council__sen2_namedplan", "dfe__caseload"}
    monkeypatch.setenv("SEND_WAREHOUSE_CLEAN_ZONE", str(zone))
    dbt(["build"], home / "target_spark", as_at.isoformat(), "spark")
    assert len(spark_kpi_values()) > 1000
