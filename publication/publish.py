"""Atomic publication of the restricted and public tiers.

A publication is a complete folder ``HOME/publications/<publication_id>/``, written under
a temporary name and renamed into place; ``HOME/publish`` is then swapped to it in one
``rename`` of a symlink, so a reader of ``HOME/publish/...`` sees the previous
publication or the new one, never part of one. Earlier publications stay on disk.

CSV files are UTF-8 with a header; dates and timestamps ISO 8601, booleans ``true`` /
``false``, whole numbers without decimals, null as an empty field.
"""
import json
import math
import os
import shutil
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from publication.disclosure import DisclosureSettings, public_crosswalk, public_kpi_values

KPI_COLUMNS = (
    "kpi_id", "reporting_date", "period_start", "period_end", "geography_level", "geography_code",
    "geography_name", "breakdown", "breakdown_value", "numerator", "denominator", "value", "unit",
    "method", "suppressed", "refreshed_at", "source_extracts",
)
KPI_ORDER = "kpi_id, reporting_date, geography_level, geography_code, breakdown, breakdown_value"
MARTS = ("kpi_values", "sub_icb_district_crosswalk", "mart_send_cohort")
MANIFEST = "publication.json"


class MartMissingError(RuntimeError):
    """A mart the publication is made from has not been built."""


def publish(con: duckdb.DuckDBPyConnection, home: Path, *, reporting_date: date, run_id: str,
            source_extracts: list[str], settings: DisclosureSettings) -> Path:
    """Writes a new publication from the marts and points ``home/publish`` at it; returns its folder."""
    missing = [name for name in MARTS if not _mart_exists(con, name)]
    if missing:
        raise MartMissingError(f"cannot publish: {', '.join(f'marts.{name}' for name in missing)} "
                               "not built yet (run the dbt models first)")
    kpis = _frame(con, f"select {', '.join(KPI_COLUMNS)} from marts.kpi_values order by {KPI_ORDER}")
    crosswalk = _frame(con, "select * from marts.sub_icb_district_crosswalk order by all")
    published_at = datetime.now(UTC).replace(microsecond=0)
    publication_id = f"{reporting_date.isoformat()}_{published_at:%Y%m%dT%H%M%SZ}_{run_id[:8]}"
    publications = home / "publications"
    publications.mkdir(parents=True, exist_ok=True)
    folder, staging = publications / publication_id, publications / f".{publication_id}.tmp"
    staging.mkdir()
    try:
        manifest = {
            "publication_id": publication_id,
            "reporting_date": reporting_date.isoformat(),
            "run_id": run_id,
            "published_at": published_at.isoformat(),
            "source_extracts": list(source_extracts),
            "row_counts": _write_tiers(con, staging, kpis, crosswalk, settings),
            "settings": asdict(settings),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap = home / f".publish.{publication_id}.tmp"
    os.symlink(Path("publications") / publication_id, swap)
    os.replace(swap, home / "publish")
    return folder


def current_publication(home: Path) -> dict | None:
    """The manifest of the publication ``home/publish`` points at, or None before the first one."""
    manifest = home / "publish" / MANIFEST
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))


def _write_tiers(con: duckdb.DuckDBPyConnection, folder: Path, kpis: pd.DataFrame, crosswalk: pd.DataFrame,
                 settings: DisclosureSettings) -> dict[str, int]:
    """Writes the files of both tiers into ``folder``; returns the number of rows of each."""
    (folder / "restricted").mkdir()
    (folder / "public").mkdir()
    tables = {
        "restricted/kpi_values.csv": kpis,
        "restricted/sub_icb_district_crosswalk.csv": crosswalk,
        "public/kpi_values.csv": public_kpi_values(kpis, settings),
        "public/sub_icb_district_crosswalk.csv": public_crosswalk(crosswalk, settings),
    }
    for name, frame in tables.items():
        write_csv(frame, folder / name)
    row_counts = {name: len(frame) for name, frame in tables.items()}
    row_counts["restricted/send_cohort.parquet"] = write_parquet(
        con, "marts.mart_send_cohort", folder / "restricted" / "send_cohort.parquet")
    return row_counts


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Writes ``frame`` in the publication's CSV format."""
    frame.map(_csv_text).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> int:
    """Copies ``table`` to a Parquet file with its DuckDB types; returns the number of rows."""
    quoted = str(path).replace("'", "''")
    con.execute(f"copy {table} to '{quoted}' (format parquet)")
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def _mart_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = ?", [name],
    ).fetchone()[0] > 0


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The query's rows, with DATE columns as ``datetime.date`` (pandas would make them timestamps)."""
    relation = con.sql(sql)
    frame = relation.df()
    for name, column_type in zip(relation.columns, relation.types):
        if str(column_type) == "DATE":
            frame[name] = frame[name].dt.date
    return frame


def _csv_text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
