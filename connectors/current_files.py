"""The current file of each extract, by the one rule the dbt model ``stg_landing__current_files``
owns (decision 0016): Python renders that model's SQL against ``landing.files`` rather than
restating it, so the report, the status and the landing layer pick the file dbt builds from."""
from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import duckdb
import jinja2

MODEL = Path(__file__).resolve().parents[1] / "dbt_project/models/staging/landing/stg_landing__current_files.sql"
# No reporting date: every accepted delivery may be current (as-at dates are never in the future).
UNBOUNDED = date(9999, 12, 31)


@cache
def current_files_sql() -> str:
    """The model's SQL for DuckDB over ``landing.files``, the reporting date as parameter ``$on``."""
    return jinja2.Template(MODEL.read_text(encoding="utf-8"), undefined=jinja2.StrictUndefined).render(
        source=lambda schema, table: f"{schema}.{table}",
        adapter=SimpleNamespace(quote=lambda name: f'"{name}"'),
        reporting_date=lambda: "cast($on as date)",
    )


def current_files(con: duckdb.DuckDBPyConnection, on: date | None = None) -> dict[tuple[str, str], tuple[int, date]]:
    """(file_id, as_at) of each (partner, extract)'s current file for the date ``on`` (default: none)."""
    rows = con.execute(f"select partner, extract, file_id, as_at from ({current_files_sql()})",
                       {"on": on or UNBOUNDED}).fetchall()
    return {(partner, extract): (file_id, as_at) for partner, extract, file_id, as_at in rows}
