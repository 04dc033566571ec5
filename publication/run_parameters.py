"""The dbt build's reporting date and refresh time: the one-row table ``landing.run_parameters``.

Every dbt build reads its month from this table (the dbt source ``landing.run_parameters``, read by
the macros ``reporting_date()`` and ``refreshed_at()`` in ``dbt_project/macros/dates.sql``), never
from ``--vars``: vars that change every invocation make dbt parse the whole project again each
month (decision 0031). Whoever runs dbt writes the table first, with :func:`write` (a DuckDB
connection or a psycopg2 cursor: the SQL is the same); by hand or on Spark, the dbt operation
``write_run_parameters`` makes it a view.
"""
from __future__ import annotations

from datetime import date, datetime, UTC

SCHEMA = "landing"
RELATION = f"{SCHEMA}.run_parameters"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def now() -> str:
    """The refresh time of a build started now (UTC, to the second), as the table stores it."""
    return datetime.now(UTC).strftime(TIMESTAMP_FORMAT)


def statements(reporting_date: date | str, refreshed_at: str | None = None) -> list[str]:
    """The SQL, DuckDB's and PostgreSQL's alike, that replaces the table with the build's one row
    (``refreshed_at`` None: now); both values are parsed first (ValueError if not a date and time)."""
    day = date.fromisoformat(str(reporting_date)).isoformat()
    stamp = datetime.fromisoformat(refreshed_at or now()).isoformat(sep=" ")
    return [f"create schema if not exists {SCHEMA}",
            f"drop table if exists {RELATION}",
            f"create table {RELATION} (reporting_date date not null, refreshed_at timestamp not null)",
            f"insert into {RELATION} values (date '{day}', timestamp '{stamp}')"]


def write(connection, reporting_date: date | str, refreshed_at: str | None = None) -> None:
    """Replaces ``landing.run_parameters`` through a DuckDB connection or a psycopg2 cursor (whose
    caller commits)."""
    for statement in statements(reporting_date, refreshed_at):
        connection.execute(statement)


def write_duckdb_file(path, reporting_date: date | str, refreshed_at: str | None = None) -> None:
    """:func:`write` on the DuckDB file at ``path`` (closed again before dbt opens it)."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        write(con, reporting_date, refreshed_at)
