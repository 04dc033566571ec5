"""The dbt build's reporting date and refresh time: the one-row table ``landing.run_parameters``.

Every dbt build reads its month from this table (the dbt source ``landing.run_parameters``, read by
the macros ``reporting_date()`` and ``refreshed_at()`` in ``dbt_project/macros/dates.sql``), never
from ``--vars``: vars that change every invocation make dbt parse the whole project again each
month (decision 0031). Whoever runs dbt writes the table first, with :func:`write` (DuckDB) or
:func:`write_postgres` (a psycopg2 cursor); the Spark tests create it as a view (``spark_view_sql``).
"""
from __future__ import annotations

from datetime import date, datetime, UTC

SCHEMA = "landing"
TABLE = "run_parameters"
RELATION = f"{SCHEMA}.{TABLE}"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def now() -> str:
    """The refresh time of a build started now (UTC, to the second), as the table stores it."""
    return datetime.now(UTC).strftime(TIMESTAMP_FORMAT)


def _values(reporting_date: date | str, refreshed_at: datetime | str | None) -> tuple[str, str]:
    day = reporting_date if isinstance(reporting_date, str) else reporting_date.isoformat()
    date.fromisoformat(day)  # YYYY-MM-DD, else ValueError
    if refreshed_at is None:
        stamp = now()
    elif isinstance(refreshed_at, datetime):
        stamp = refreshed_at.strftime(TIMESTAMP_FORMAT)
    else:
        stamp = refreshed_at
    return day, stamp


def write(con, reporting_date: date | str, refreshed_at: datetime | str | None = None) -> None:
    """Replaces ``landing.run_parameters`` in a DuckDB connection with the build's one row
    (``refreshed_at`` None: now)."""
    day, stamp = _values(reporting_date, refreshed_at)
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(f"create or replace table {RELATION} (reporting_date date not null, refreshed_at timestamp not null)")
    con.execute(f"insert into {RELATION} values (cast(? as date), cast(? as timestamp))", [day, stamp])


def write_duckdb_file(path, reporting_date: date | str, refreshed_at: datetime | str | None = None) -> None:
    """:func:`write` on the DuckDB file at ``path`` (closed again before dbt opens it)."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        write(con, reporting_date, refreshed_at)


def write_postgres(cursor, reporting_date: date | str, refreshed_at: datetime | str | None = None) -> None:
    """:func:`write` for PostgreSQL, on a psycopg2 cursor (the caller commits)."""
    day, stamp = _values(reporting_date, refreshed_at)
    cursor.execute(f"create schema if not exists {SCHEMA}")
    cursor.execute(f"drop table if exists {RELATION}")
    cursor.execute(f"create table {RELATION} (reporting_date date not null, refreshed_at timestamp not null)")
    cursor.execute(f"insert into {RELATION} values (%s, %s)", [day, stamp])


def spark_view_sql(reporting_date: date | str, refreshed_at: datetime | str | None = None) -> list[str]:
    """Spark SQL statements that make ``landing.run_parameters`` a one-row view in the session's catalog."""
    day, stamp = _values(reporting_date, refreshed_at)
    return [f"create database if not exists {SCHEMA}",
            f"create or replace view {RELATION} as select cast('{day}' as date) as reporting_date, "
            f"cast('{stamp}' as timestamp) as refreshed_at"]
