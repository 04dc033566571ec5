"""Atomic publication of the restricted and public tiers.

A publication is a complete folder ``HOME/publications/<publication_id>/``, written under
a temporary name and renamed into place; ``HOME/publish`` is then swapped to it in one
``rename`` of a symlink, so a reader of ``HOME/publish/...`` sees the previous
publication or the new one, never part of one. Earlier publications stay on disk; the
temporary leftovers of a publication that was killed are removed by the next one.

Each tier folder (``restricted/``, ``public/``) holds every table of the tier three ways:
``<table>.csv``, ``<table>.parquet`` and the table ``marts.<table>`` of ``published.duckdb``,
with the KPI catalogue and the data dictionary (every column of every table of the tier,
its type and meaning) among them. ``public/ees/`` holds the public KPI series again in the
layout of the DfE's Explore Education Statistics data files (``publication.ees``).
``publication.json`` records the publication's id, reporting date, run, source extracts and the
rows of every file.

CSV files are UTF-8 with a header; dates and timestamps ISO 8601, booleans ``true`` /
``false``, whole numbers without decimals, null as an empty field.
"""
import json
import math
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from publication.comparators import (
    flow_reconciliation_primary_suppression, public_flow_reconciliation, public_kpi_comparators, public_reconciliation,
    reconciliation_primary_suppression,
)
from publication.data_dictionary import DICTIONARY_COLUMNS, dictionary_rows
from publication.dbt_manifest import published_models
from publication.ees import ees_files
from publication.disclosure import (
    DisclosureSettings,
    crosswalk_primary_suppression,
    disclosure_summary,
    primary_suppression,
    public_crosswalk,
    public_kpi_values,
)

KPI_ORDER = "kpi_id, reporting_date, geography_level, geography_code, breakdown, breakdown_value"
HISTORY_ORDER = "reporting_date, kpi_id, geography_level, geography_code, breakdown, breakdown_value"
MANIFEST = "publication.json"
EES_FOLDER = "ees"


@dataclass(frozen=True)
class Form:
    """What publication does with a published dbt model: its rows in their published order, and its
    public form (neither function: restricted tier only)."""

    order_by: str
    public: Callable[[pd.DataFrame, DisclosureSettings], pd.DataFrame] | None = None
    # made from the restricted rows and the public kpi_values, so after every table made by ``public``
    from_public_kpi_values: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None = None
    # keyword argument of ``public`` -> the dbt model whose restricted rows it is given
    reads: tuple[tuple[str, str], ...] = ()
    # the rows withheld for a small count of their own: a table whose counts disclosure control controls
    primary: Callable[[pd.DataFrame, DisclosureSettings], np.ndarray] | None = None

    def query(self, model: str) -> str:
        return f"select * from marts.{model} order by {self.order_by}"  # columns: the model's contract


def _unchanged(frame: pd.DataFrame, settings: DisclosureSettings) -> pd.DataFrame:
    """The public form of a table that holds no counts."""
    return frame


# Keyed by dbt model: which models are published, as which table, in which tier, is the dbt manifest's
# (publication.dbt_manifest); published_tables() checks the two agree. Tables are written in this order.
FORMS = {
    "kpi_values": Form(KPI_ORDER, public_kpi_values, reads=(("crosswalk", "sub_icb_district_crosswalk"),),
                       primary=primary_suppression),
    # the same disclosure control as kpi_values, within each KPI and reporting date; its withheld cells
    # are listed, not added to the publication's count (the latest month repeats kpi_values)
    "kpi_history": Form(HISTORY_ORDER, public_kpi_values, reads=(("crosswalk", "sub_icb_district_crosswalk"),)),
    "sub_icb_district_crosswalk": Form("all", public_crosswalk, primary=crosswalk_primary_suppression),
    "mart_send_cohort": Form("person_id"),
    "kpi_catalogue": Form("kpi_id", _unchanged),
    "kpi_comparators": Form("kpi_id, breakdown, breakdown_value, comparator, geography_code",
                           from_public_kpi_values=public_kpi_comparators),
    "ehcp_reconciliation": Form("census_date", public_reconciliation, primary=reconciliation_primary_suppression),
    "ehcp_flow_reconciliation": Form("kpi_id, dfe_time_period", public_flow_reconciliation,
                                     primary=flow_reconciliation_primary_suppression),
}
TIERS = ("restricted", "public")


@dataclass(frozen=True)
class Table:
    """A published table: the dbt model it is read from, its tier (as the manifest says) and its form."""

    name: str
    model: str
    tier: str
    form: Form


class PublicationFormError(RuntimeError):
    """The dbt manifest's published models and the forms publication knows do not match."""


def published_tables() -> dict[str, Table]:
    """Every published table by name, in FORMS order: each published model of the manifest with its form."""
    models = published_models()
    unformed, unpublished = sorted(set(models) - set(FORMS)), sorted(set(FORMS) - set(models))
    mismatched = sorted(name for name, model in models.items() if name in FORMS and (model.tier == "public") != bool(
        FORMS[name].public or FORMS[name].from_public_kpi_values))
    if unformed or unpublished or mismatched:
        raise PublicationFormError(
            "the dbt manifest and publication.publish.FORMS disagree: "
            + "; ".join(problem for problem in (
                unformed and f"published without a form: {', '.join(unformed)}",
                unpublished
                and f"a form but not published (access: public, meta.publication): {', '.join(unpublished)}",
                mismatched and f"tier public needs a public form and only it: {', '.join(mismatched)}") if problem))
    return {models[name].table: Table(models[name].table, name, models[name].tier, form)
            for name, form in FORMS.items()}


class MartMissingError(RuntimeError):
    """A mart the publication is made from has not been built."""


def publish(con: duckdb.DuckDBPyConnection, home: Path, *, reporting_date: date, run_id: str,
            source_extracts: list[str], settings: DisclosureSettings) -> Path:
    """Writes a new publication from the marts and points ``home/publish`` at it; returns its folder."""
    missing = [table.model for table in published_tables().values() if not _mart_exists(con, table.model)]
    if missing:
        raise MartMissingError(f"cannot publish: {', '.join(f'marts.{name}' for name in missing)} "
                               "not built yet (run the dbt models first)")
    published_at = datetime.now(UTC).replace(microsecond=0)
    publication_id = f"{reporting_date.isoformat()}_{published_at:%Y%m%dT%H%M%SZ}_{run_id[:8]}"
    publications = home / "publications"
    publications.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(home)
    folder, staging = publications / publication_id, publications / f".{publication_id}.tmp"
    staging.mkdir()
    try:
        manifest = {
            "publication_id": publication_id,
            "reporting_date": reporting_date.isoformat(),
            "run_id": run_id,
            "published_at": published_at.isoformat(),
            "source_extracts": list(source_extracts),
            "settings": asdict(settings),
        }
        manifest["row_counts"], manifest["disclosure"] = _write_tiers(con, staging, settings)
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


def _write_tiers(con: duckdb.DuckDBPyConnection, folder: Path, settings: DisclosureSettings
                 ) -> tuple[dict[str, int], dict]:
    """Writes both tiers into ``folder``; returns the number of rows of each file and what disclosure
    control withheld from the public tables."""
    row_counts = {}
    published = published_tables()
    frames = {name: _typed_frame(con, table.form.query(table.model)) for name, table in published.items()}
    for tier in TIERS:
        tables = _tier_tables(tier, published, frames, settings)
        tables["data_dictionary"] = _data_dictionary(tables)
        (folder / tier).mkdir()
        for name, count in _write_tables(con, folder / tier, tables).items():
            row_counts[f"{tier}/{name}"] = count
        if tier == "public":
            for name, count in _write_ees(folder / tier / EES_FOLDER, tables).items():
                row_counts[f"{tier}/{EES_FOLDER}/{name}"] = count
    controlled = {name: (table.form.primary(frames[name][0], settings), tables[name][1])
                  for name, table in published.items() if table.form.primary}
    repeated = {name: tables[name][1] for name, table in published.items()
                if table.tier == "public" and not table.form.primary and "status" in tables[name][1]}
    return row_counts, disclosure_summary(controlled, settings, repeated)


def _tier_tables(tier: str, published: dict[str, Table], frames: dict[str, tuple[pd.DataFrame, list]],
                 settings: DisclosureSettings) -> dict[str, tuple[str, pd.DataFrame, list[tuple[str, str]]]]:
    """The tier's tables: name -> (dbt model, rows, (column, type) pairs)."""
    if tier == "restricted":
        return {name: (published[name].model, frame, types) for name, (frame, types) in frames.items()}
    by_model = {table.model: frames[name][0] for name, table in published.items()}
    tables = {name: (table.model, table.form.public(frames[name][0], settings,
                                                    **{arg: by_model[model] for arg, model in table.form.reads}),
                     frames[name][1])
              for name, table in published.items() if table.form.public}
    public_kpi_values = tables["kpi_values"][1]  # e.g. Staffordshire's comparator rows exactly as published
    tables |= {name: (table.model, table.form.from_public_kpi_values(frames[name][0], public_kpi_values),
                      frames[name][1])
               for name, table in published.items() if table.form.from_public_kpi_values}
    return tables


def _data_dictionary(tables: dict[str, tuple[str, pd.DataFrame, list[tuple[str, str]]]]
                     ) -> tuple[str, pd.DataFrame, list[tuple[str, str]]]:
    """The tier's data dictionary: every column of its tables and of the dictionary itself."""
    types = [(column, "VARCHAR") for column in DICTIONARY_COLUMNS]
    rows = [row for name, (model, _, columns) in tables.items() for row in dictionary_rows(name, model, columns)]
    rows += dictionary_rows("data_dictionary", "data_dictionary", types)
    return "data_dictionary", pd.DataFrame.from_records(rows, columns=list(DICTIONARY_COLUMNS)), types


def _write_tables(con: duckdb.DuckDBPyConnection, folder: Path,
                  tables: dict[str, tuple[str, pd.DataFrame, list[tuple[str, str]]]]) -> dict[str, int]:
    """Every table as ``<name>.csv``, ``<name>.parquet`` and ``marts.<name>`` in ``published.duckdb``."""
    database = str(folder / "published.duckdb").replace("'", "''")
    con.execute(f"attach '{database}' as publication_tier")
    try:
        con.execute("create schema publication_tier.marts")
        for name, (_, frame, types) in tables.items():
            write_csv(frame, folder / f"{name}.csv")
            con.register("publication_frame", frame)
            columns = ", ".join(f'cast("{column}" as {column_type}) as "{column}"' for column, column_type in types)
            con.execute(f'create table publication_tier.marts."{name}" as select {columns} from publication_frame')
            con.unregister("publication_frame")
            write_parquet(con, f'publication_tier.marts."{name}"', folder / f"{name}.parquet")
    finally:
        con.execute("detach publication_tier")
    counts = {f"{name}.{kind}": len(frame) for name, (_, frame, _) in tables.items() for kind in ("csv", "parquet")}
    return {**counts, "published.duckdb": sum(len(frame) for _, frame, _ in tables.values())}


def _write_ees(folder: Path, tables: dict[str, tuple[str, pd.DataFrame, list[tuple[str, str]]]]) -> dict[str, int]:
    """The public kpi_history in the DfE's layout, made from the public tier's tables only."""
    folder.mkdir()
    files = ees_files(tables["kpi_history"][1], tables["kpi_catalogue"][1])
    for name, frame in files.items():
        write_csv(frame, folder / name)
    return {name: len(frame) for name, frame in files.items()}


def _remove_leftovers(home: Path) -> None:
    """Removes what a killed publication left: its temporary folder and symlink (never read)."""
    for leftover in (home / "publications").glob(".*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in home.glob(".publish.*.tmp"):
        leftover.unlink(missing_ok=True)


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


def _typed_frame(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The query's rows, with DATE columns as ``datetime.date`` (pandas would make them timestamps),
    and its (column, DuckDB type) pairs."""
    relation = con.sql(sql)
    frame = relation.df()
    types = [(name, str(column_type)) for name, column_type in zip(relation.columns, relation.types)]
    for name, column_type in types:
        if column_type == "DATE":
            frame[name] = frame[name].dt.date
    return frame, types


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
