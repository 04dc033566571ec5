"""End to end: the PostgreSQL target, a refresh killed during publication, a past month re-run."""
from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import psycopg2
import pytest
from sqlalchemy.engine import make_url

from publication.postgres import build_url
from publication.postgres_tiers import ANALYST_ENV, PUBLIC_READER_ENV, PUBLIC_TIER, RESTRICTED_TIER
from publication.publish import current_publication
from sample_data.generator import generate_drop
from tests.kpi_columns import KPI_COLUMNS
from tests.postgres_database import fresh_database, fresh_roles

AS_AT, NEXT_MONTH = date(2025, 7, 31), date(2025, 8, 31)
COMPARED = [c for c in KPI_COLUMNS if c != "refreshed_at"]
pytestmark = pytest.mark.slow

# The publication step of the refresh job in a process of its own, stalled (when asked) once the
# new publication's first file is written: the test kills it there, as a crash would. It runs from
# a file, not `python -c`: PySpark (imported with dbt-spark) takes a main module without a file for
# its own doctests and exits at once.
PUBLISH_ONLY = """
import sys, time
import dagster as dg
import publication.publish as publish_module
from orchestration.cli import REPO_ROOT, _environment
from pathlib import Path

drop, home, stall = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "stall"
_environment(home, drop)
if stall:
    write_parquet = publish_module.write_parquet
    def stalled(*args):
        rows = write_parquet(*args)
        print("STALLED", flush=True)
        time.sleep(600)
        return rows
    publish_module.write_parquet = stalled
from orchestration.definitions import defs
result = defs.resolve_job_def("refresh").execute_in_process(
    instance=dg.DagsterInstance.from_config(str(REPO_ROOT)), asset_selection=[dg.AssetKey("publication")],
    run_config={"resources": {"warehouse": {"config": {"home": str(home)}}}}, raise_on_error=False)
sys.exit(0 if result.success else 1)
"""


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SEND_WAREHOUSE_PSEUDO_KEY", "SEND_WAREHOUSE_POSTGRES_URL")}
    env["SEND_WAREHOUSE_PSEUDO_KEY"] = "key of the e2e tests, thirty-two characters"
    return {**env, **extra}


def refresh(drop: Path, home: Path, *extra: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orchestration.cli", "refresh", "--drop", str(drop),
                           "--home", str(home), *extra], capture_output=True, text=True, env=env, timeout=900)


def published_kpis(home: Path) -> pd.DataFrame:
    return pd.read_parquet(home / "publish" / "restricted" / "kpi_values.parquet")


@pytest.fixture(scope="module")
def postgres_target():
    """A BI database and BI roles of their own on the test server, or None when there is no server
    (the PostgreSQL test then skips)."""
    if not os.environ.get("SEND_WAREHOUSE_TEST_POSTGRES_URL"):
        yield None
        return
    with fresh_roles() as roles, fresh_database() as url:
        yield {"SEND_WAREHOUSE_POSTGRES_URL": url, PUBLIC_READER_ENV: roles.public_reader,
               ANALYST_ENV: roles.analyst}


@pytest.fixture(scope="module")
def postgres_url(postgres_target):
    return postgres_target and postgres_target["SEND_WAREHOUSE_POSTGRES_URL"]


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory, postgres_target, postgres_url):
    """A drop, and a home refreshed on it (with the PostgreSQL target when a server is there)."""
    root = tmp_path_factory.mktemp("targets")
    drop, home = root / "drop", root / "home"
    generate_drop(drop, as_at=AS_AT, scale=0.02, seed=11)
    env = environment(**(postgres_target or {}))
    result = refresh(drop, home, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert postgres_url is None or "published to PostgreSQL" in result.stdout
    return drop, home


def same_rows(left: pd.DataFrame, right: pd.DataFrame) -> list[str]:
    """Differences between two kpi_values tables, row for row (floats to 1e-9 relative: the engines
    add apportioned fractions in different orders)."""
    key = ["kpi_id", "geography_level", "geography_code", "breakdown", "breakdown_value"]
    left, right = (t[COMPARED].sort_values(key).reset_index(drop=True) for t in (left, right))
    if len(left) != len(right):
        return [f"{len(left)} rows against {len(right)}"]
    problems = []
    for (_, a), (_, b) in zip(left.iterrows(), right.iterrows()):
        for column in COMPARED:
            x, y = a[column], b[column]
            if pd.isna(x) and pd.isna(y):
                continue
            if isinstance(x, float) or isinstance(y, float):
                if not (pd.notna(x) and pd.notna(y) and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)):
                    problems.append(f"{tuple(a[key])} {column}: {x} != {y}")
            elif x != y:
                problems.append(f"{tuple(a[key])} {column}: {x!r} != {y!r}")
    return problems


def query(pg, sql: str) -> pd.DataFrame:
    with pg.cursor() as cursor:
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])


def connect_to(url: str):
    server = make_url(url)
    return psycopg2.connect(host=server.host, port=server.port or 5432, user=server.username,
                            password=server.password, dbname=server.database)


def test_postgresql_target_holds_the_same_kpi_values_as_duckdb(refreshed, postgres_url):
    if postgres_url is None:
        pytest.skip("SEND_WAREHOUSE_TEST_POSTGRES_URL is not set: no PostgreSQL server to build the marts on")
    _, home = refreshed
    with connect_to(postgres_url) as pg:
        from_postgres = query(pg, f"select {', '.join(KPI_COLUMNS)} from {RESTRICTED_TIER}.kpi_values")
        history = query(pg, f"select {', '.join(KPI_COLUMNS)}, revised_at from {RESTRICTED_TIER}.kpi_history")
        tables = query(pg, "select table_schema, table_name from information_schema.tables "
                           "where table_schema not in ('pg_catalog', 'information_schema')")
        with pg.cursor() as cursor:
            cursor.execute(f"select * from {PUBLIC_TIER}.kpi_values")
            public_columns, public_rows = [c.name for c in cursor.description], cursor.fetchall()
    with connect_to(build_url(postgres_url)) as pg:
        built = query(pg, "select table_schema, table_name from information_schema.tables "
                          "where table_schema in ('landing', 'marts', 'marts_build')")
    from_duckdb = published_kpis(home)
    for column in ("reporting_date", "period_start", "period_end"):
        for table in (from_postgres, from_duckdb, history):
            table[column] = pd.to_datetime(table[column]).dt.date
    assert len(from_duckdb) > 1000
    assert same_rows(from_duckdb, from_postgres) == []
    # the month's block of kpi_history, continued from DuckDB's table and built again on PostgreSQL
    assert same_rows(from_duckdb, history) == [] and history["revised_at"].isna().all()
    restricted = set(tables.loc[tables.table_schema == RESTRICTED_TIER, "table_name"])
    assert {"kpi_values", "kpi_history", "mart_send_cohort", "sub_icb_district_crosswalk",
            "kpi_catalogue"} <= restricted
    public_files = {path.stem for path in (home / "publish" / "public").glob("*.parquet")}
    assert set(tables.loc[tables.table_schema == PUBLIC_TIER, "table_name"]) == public_files
    assert set(tables.table_schema) == {PUBLIC_TIER, RESTRICTED_TIER}  # no build input in the BI database
    # no clear identifiers: the manifest and the build's month (decision 0031)
    assert set(built.loc[built.table_schema == "landing", "table_name"]) == {"files", "run_parameters"}
    assert "marts_build" not in set(built.table_schema)
    in_files = duckdb.sql(f"select * from read_parquet('{home / 'publish' / 'public' / 'kpi_values.parquet'}')")
    assert public_columns == in_files.columns
    assert len(public_rows) > 1000
    assert sorted(public_rows, key=repr) == sorted(in_files.fetchall(), key=repr)  # the files' figures exactly


def test_a_refresh_killed_during_publication_leaves_the_previous_one_and_a_rerun_completes_it(refreshed, tmp_path):
    drop, home = refreshed
    before = current_publication(home)
    before_files = {p.relative_to(home / "publish"): p.stat().st_size for p in (home / "publish").rglob("*")}
    script, log = tmp_path / "publish_only.py", tmp_path / "stalled_publication.log"
    script.write_text(PUBLISH_ONLY, encoding="utf-8")
    with open(log, "w", encoding="utf-8") as stderr:  # a file, not a pipe: Dagster's log never blocks the child
        process = subprocess.Popen([sys.executable, str(script), str(drop), str(home), "stall"],
                                   stdout=subprocess.PIPE, stderr=stderr, text=True, env=environment())
    try:
        assert process.stdout.readline().strip() == "STALLED", log.read_text(encoding="utf-8")[-5000:]
        leftovers = [p for p in (home / "publications").iterdir() if p.name.endswith(".tmp")]
        assert leftovers and any(leftovers[0].rglob("*.parquet"))  # the new publication is half written
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert current_publication(home) == before
    assert {p.relative_to(home / "publish"): p.stat().st_size for p in (home / "publish").rglob("*")} == before_files

    rerun = subprocess.run([sys.executable, str(script), str(drop), str(home), "go"],
                           capture_output=True, text=True, env=environment(), timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    after = current_publication(home)
    assert after["publication_id"] != before["publication_id"]
    assert not [p for p in (home / "publications").iterdir() if p.name.startswith(".")]
    for name in after["row_counts"]:
        assert (home / "publish" / name).is_file(), name
    assert len(pd.read_csv(home / "publish" / "public" / "kpi_values.csv")) == after["row_counts"][
        "public/kpi_values.csv"]


def test_a_past_month_rerun_publishes_the_same_figures_after_newer_files_landed(refreshed):
    drop, home = refreshed
    first = current_publication(home)
    figures = published_kpis(home)
    generate_drop(drop, as_at=NEXT_MONTH, scale=0.02, seed=12)  # next month's extracts arrive
    time.sleep(1)  # a publication id has one-second resolution
    result = refresh(drop, home, "--months", f"{AS_AT:%Y-%m}", env=environment())
    assert result.returncode == 0, result.stdout + result.stderr
    again = current_publication(home)
    assert again["publication_id"] != first["publication_id"]
    assert (again["reporting_date"], again["source_extracts"]) == (first["reporting_date"], first["source_extracts"])
    assert same_rows(figures, published_kpis(home)) == []
    with open(home / "publish" / "publication.json", encoding="utf-8") as f:
        assert json.load(f)["row_counts"] == first["row_counts"]


def test_a_corrected_file_seen_by_the_drop_sensor_refreshes_that_partner_and_publishes(refreshed, monkeypatch):
    drop, home = refreshed
    for name, value in {"SEND_WAREHOUSE_DROP": str(drop), "SEND_WAREHOUSE_PSEUDO_KEY": environment()[
            "SEND_WAREHOUSE_PSEUDO_KEY"], "SEND_WAREHOUSE_DUCKDB": str(home / "warehouse.duckdb")}.items():
        monkeypatch.setenv(name, value)
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.drop_sensor import SETTLE_SECONDS, partner_drop_sensor
    from orchestration.resources import DropFolder

    instance = dg.DagsterInstance.ephemeral()

    def tick(cursor=None):
        context = dg.build_sensor_context(cursor=cursor, definitions=defs, instance=instance,
                                          resources={"drop": DropFolder(path=str(drop))})
        return partner_drop_sensor(context), context.cursor

    _, cursor = tick()
    correction = sorted((drop / "mpft").glob("slt_referrals_*.csv"))[-1]
    rows = correction.read_text(encoding="utf-8").splitlines(keepends=True)
    correction.write_text("".join(rows[:-1]), encoding="utf-8")  # the partner resends without one referral
    settled = time.time() - 2 * SETTLE_SECONDS
    os.utime(correction, (settled, settled))
    (request,), _ = tick(cursor)
    before = current_publication(home)["publication_id"]
    time.sleep(1)  # a publication id has one-second resolution
    run = defs.resolve_job_def("refresh").execute_in_process(
        instance=instance, asset_selection=request.asset_selection, tags=request.tags,
        run_config={"resources": {"warehouse": {"config": {"home": str(home)}}}}, raise_on_error=False)
    assert run.success, [e.message for e in run.get_step_failure_events()]
    landed = {e.asset_key.to_user_string() for e in run.get_asset_materialization_events()
              if e.asset_key.path[0] == "clean"}
    assert landed == {"clean/mpft__slt_referrals"}
    assert current_publication(home)["publication_id"] != before
