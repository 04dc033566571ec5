"""The open clean zone: the pseudonymised ``clean`` tables and the ``landing.files`` manifest as
Parquet under ``HOME/clean_zone/``, so any engine (Spark, Databricks, DuckDB) reads the same files.

Layout (Hive-style partitions, readable by Spark's and DuckDB's partition discovery):

    clean_zone/<partner>__<extract>/_as_at=YYYY-MM-DD/data_0.parquet   one folder per extract
    clean_zone/landing_files/data_0.parquet                            the manifest, one file

The partition column is the clean tables' own ``_as_at``, so a reader sees the same columns as
the DuckDB table. An extract without rows gets one empty file under Hive's null partition
(``_as_at=__HIVE_DEFAULT_PARTITION__``) so its columns are still known. The clear-identifier
``landing.<extract>`` tables are never written here. Each folder is written beside the final one
and swapped in by rename, so a reader never sees half a folder.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

MANIFEST = "landing_files"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def zone_dir(home: Path) -> Path:
    return home / "clean_zone"


def write_clean_table(con: duckdb.DuckDBPyConnection, table: str, zone: Path) -> Path:
    """Write ``clean.<table>`` to ``zone/<table>/``, partitioned by ``_as_at``."""
    if table == MANIFEST or not table.replace("_", "").isalnum():
        raise ValueError(f"not a clean table name: {table!r}")
    rows = con.execute(f"select count(*) from clean.{table}").fetchone()[0]

    def write(folder: Path) -> None:
        if rows:
            con.execute(f"copy clean.{table} to '{folder}' (format parquet, partition_by (_as_at))")
        else:
            empty = folder / f"_as_at={NULL_PARTITION}"
            empty.mkdir(parents=True)
            con.execute(f"copy (select * exclude (_as_at) from clean.{table} limit 0)"
                        f" to '{empty / 'data_0.parquet'}' (format parquet)")

    return _swap_in(zone / table, write)


def write_manifest(con: duckdb.DuckDBPyConnection, zone: Path) -> Path:
    """Write ``landing.files`` (the manifest staging picks current files from) to ``zone/landing_files/``."""
    def write(folder: Path) -> None:
        folder.mkdir(parents=True)
        con.execute(f"copy landing.files to '{folder / 'data_0.parquet'}' (format parquet)")

    return _swap_in(zone / MANIFEST, write)


def write_zone(con: duckdb.DuckDBPyConnection, zone: Path, tables: list[str] | None = None) -> list[Path]:
    """Write the manifest and the named clean tables (default: every table in schema clean)."""
    if tables is None:
        tables = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'clean'"
            " order by table_name").fetchall()]
    return [write_clean_table(con, table, zone) for table in tables] + [write_manifest(con, zone)]


def _swap_in(final: Path, write) -> Path:
    staging = final.with_name(final.name + ".writing")
    old = final.with_name(final.name + ".old")
    for leftover in (staging, old):
        shutil.rmtree(leftover, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    write(staging)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final
