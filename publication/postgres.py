"""The PostgreSQL target's build: the same dbt project built on a PostgreSQL server.

The build runs in a database of its own beside the BI database of ``SEND_WAREHOUSE_POSTGRES_URL``
(its name plus ``_build``), which no BI role can connect to: CONNECT and TEMP are revoked from
PUBLIC, the ``public`` schema is closed and nothing is granted, so not even the catalogue (the
names of the ``date_of_birth`` columns) is visible to a BI reader. After a successful refresh the
pseudonymised ``clean.*`` tables and the ``landing.files`` manifest are copied there, with the
months of ``marts.kpi_history`` into ``marts_build`` (the build computes one month, the published one,
and its incremental ``kpi_history`` continues the series DuckDB holds rather than starting a new one),
``dbt build --target postgres`` builds every model with its marts in ``marts_build``, and once
every dbt test passed ``marts_build`` replaces ``marts`` in one transaction. The BI database
gets only the two published tiers (publication/postgres_tiers.py). The clear-identifier
``landing.<extract>`` tables never leave DuckDB.
"""
from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from publication import run_parameters

URL_ENV = "SEND_WAREHOUSE_POSTGRES_URL"
BUILD_DATABASE_SUFFIX = "_build"
BUILD_SCHEMA = "marts_build"
PUBLISHED_SCHEMA = "marts"  # of the build database: the tested marts the restricted tier is copied from
SOURCE_SCHEMAS = ("clean",)
MANIFEST_TABLE = ("landing", "files")
# Incremental marts: the months before the build's own come from the DuckDB warehouse's table.
HISTORY_TABLES = ("kpi_history",)
PG_TYPES = {"BIGINT": "bigint", "INTEGER": "integer", "DOUBLE": "double precision", "DATE": "date",
            "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz", "VARCHAR": "text",
            "BOOLEAN": "boolean", "SMALLINT": "smallint", "HUGEINT": "numeric(38,0)", "FLOAT": "real"}


def _parsed(url: str):
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise ValueError(f"{URL_ENV} must be a postgresql://user[:password]@host[:port]/database URL")
    return parsed


def build_url(url: str) -> str:
    """The URL of the build database that goes with the BI database of ``url``."""
    parsed = _parsed(url)
    return parsed.set(database=parsed.database + BUILD_DATABASE_SUFFIX).render_as_string(hide_password=False)


def dbt_environment(url: str) -> dict[str, str]:
    """The ``SEND_WAREHOUSE_PG_*`` variables the dbt profile's ``postgres`` target reads: the
    build database of the BI database ``url``."""
    parsed = make_url(build_url(url))
    return {
        "SEND_WAREHOUSE_PG_HOST": parsed.host or "127.0.0.1",
        "SEND_WAREHOUSE_PG_PORT": str(parsed.port or 5432),
        "SEND_WAREHOUSE_PG_USER": parsed.username or "postgres",
        "SEND_WAREHOUSE_PG_PASSWORD": parsed.password or "",
        "SEND_WAREHOUSE_PG_DBNAME": parsed.database,
        "SEND_WAREHOUSE_PG_SCHEMA": "public",
    }


def described(url: str) -> str:
    """The server and database of ``url`` for messages, without user or password."""
    parsed = make_url(url)
    return f"{parsed.host or '127.0.0.1'}:{parsed.port or 5432}/{parsed.database}"


def _connection(url: str) -> psycopg2.extensions.connection:
    parsed = _parsed(url)
    return psycopg2.connect(host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
                            user=parsed.username or "postgres", password=parsed.password or None,
                            dbname=parsed.database, application_name="send-warehouse")


@contextmanager
def connect(url: str) -> Iterator[psycopg2.extensions.connection]:
    """A connection that commits when the block succeeds and rolls back otherwise."""
    connection = _connection(url)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def create_database(url: str, name: str) -> None:
    """Creates the database ``name`` on the server of ``url`` unless it exists."""
    connection = _connection(url)
    connection.autocommit = True  # create database cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("select 1 from pg_database where datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def prepare_build_database(url: str) -> None:
    """Creates the build database of ``url`` if missing and closes it to every role but its owner."""
    build = make_url(build_url(url)).database
    create_database(url, build)
    with connect(build_url(url)) as pg, pg.cursor() as cursor:
        lock_build_database(cursor, build)


def lock_build_database(cursor, database: str) -> None:
    """Nothing of the build database for anyone but its owner: no CONNECT or TEMP for PUBLIC, the
    ``public`` schema closed, and no default privileges for PUBLIC on what the owner creates."""
    cursor.execute(sql.SQL("revoke all on database {} from public").format(sql.Identifier(database)))
    cursor.execute("revoke all on schema public from public")
    for kind in ("tables", "sequences", "functions", "types"):
        cursor.execute(f"alter default privileges revoke all on {kind} from public")


def copy_sources(con: duckdb.DuckDBPyConnection, url: str) -> dict[str, int]:
    """Replaces the dbt sources (``clean.*``, ``landing.files``) and the history (``marts.kpi_history``
    as ``marts_build.kpi_history``) in the build database of ``url`` in one transaction; returns the
    rows copied per table."""
    tables = [tuple(row) for row in con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in ({', '.join('?' * len(SOURCE_SCHEMAS))}) order by all",
        list(SOURCE_SCHEMAS)).fetchall()] + [MANIFEST_TABLE]
    copied = {}
    prepare_build_database(url)
    with connect(build_url(url)) as pg, pg.cursor() as cursor:
        for schema in sorted({schema for schema, _ in tables}):
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        for schema, table in tables:
            copied[f"{schema}.{table}"] = _copy_table(con, cursor, schema, table)
        for table in HISTORY_TABLES:
            if con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                           "and table_name = ?", [table]).fetchone()[0]:
                cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(BUILD_SCHEMA)))
                copied[f"{BUILD_SCHEMA}.{table}"] = copy_relation(
                    con, f'marts."{table}"', cursor, sql.Identifier(BUILD_SCHEMA, table))
    return copied


def _copy_table(con: duckdb.DuckDBPyConnection, cursor, schema: str, table: str) -> int:
    return copy_relation(con, f'"{schema}"."{table}"', cursor, sql.Identifier(schema, table))


def copy_relation(con: duckdb.DuckDBPyConnection, relation: str, cursor, target: sql.Composable) -> int:
    """Writes the DuckDB ``relation`` (a table or ``read_parquet(...)``) as the new PostgreSQL table
    ``target``, each column typed from its DuckDB type; returns the rows copied."""
    columns = con.execute(f"describe select * from {relation}").fetchall()
    cursor.execute(sql.SQL("drop table if exists {} cascade").format(target))
    cursor.execute(sql.SQL("create table {} ({})").format(target, sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type(data_type, relation, name)))
        for name, data_type, *_ in columns)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = con.execute(f"select * from {relation}").fetchall()
    writer.writerows([_csv_field(value) for value in row] for row in rows)
    buffer.seek(0)
    cursor.copy_expert(sql.SQL("copy {} from stdin with (format csv, null '\\N')").format(target), buffer)
    return len(rows)


def pg_type(duckdb_type: str, relation: str, column: str) -> str:
    """The PostgreSQL type of a DuckDB column type (``DECIMAL(p,s)`` becomes ``numeric(p,s)``)."""
    if duckdb_type.startswith("DECIMAL"):
        return "numeric" + duckdb_type.removeprefix("DECIMAL")
    if duckdb_type not in PG_TYPES:
        raise ValueError(f"{relation}, column {column}: no PostgreSQL type for the DuckDB type {duckdb_type}")
    return PG_TYPES[duckdb_type]


def _csv_field(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\\N"
    if isinstance(value, float):
        return repr(value)
    return value


def publish_build(url: str) -> None:
    """Swaps the finished ``marts_build`` schema in as ``marts`` in the build database, in one transaction."""
    with connect(build_url(url)) as pg, pg.cursor() as cursor:
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(PUBLISHED_SCHEMA)))
        cursor.execute(sql.SQL("alter schema {} rename to {}").format(
            sql.Identifier(BUILD_SCHEMA), sql.Identifier(PUBLISHED_SCHEMA)))


def dbt_variables() -> dict[str, str]:
    """The dbt vars of a PostgreSQL build: the marts go to ``marts_build`` until swapped in (the same
    every build; the month is in ``landing.run_parameters``, :func:`write_run_parameters`)."""
    return {"marts_schema": BUILD_SCHEMA}


def write_run_parameters(url: str, reporting_date: str, refreshed_at: str) -> None:
    """The build's ``landing.run_parameters`` row in the build database of ``url``."""
    with connect(build_url(url)) as pg, pg.cursor() as cursor:
        run_parameters.write(cursor, reporting_date, refreshed_at)


def configured_url() -> str | None:
    """The PostgreSQL target's URL from the environment, or None when the target is not used."""
    return os.environ.get(URL_ENV) or None
