"""The PostgreSQL target: the same dbt project built on a PostgreSQL server for BI tools.

The landing layer writes DuckDB only. After a successful refresh the pseudonymised
``clean.*`` tables and the ``landing.files`` manifest are copied into the PostgreSQL
database, ``dbt build --target postgres`` builds every model there with its marts in
``marts_build``, and once every dbt test passed ``marts_build`` replaces ``marts`` in one
transaction: BI tools reading ``marts`` see the previous build or the new one, never half
of one. The clear-identifier ``landing.<extract>`` tables never leave DuckDB.
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

URL_ENV = "SEND_WAREHOUSE_POSTGRES_URL"
BUILD_SCHEMA = "marts_build"
PUBLISHED_SCHEMA = "marts"
SOURCE_SCHEMAS = ("clean",)
MANIFEST_TABLE = ("landing", "files")
PG_TYPES = {"BIGINT": "bigint", "INTEGER": "integer", "DOUBLE": "double precision", "DATE": "date",
            "TIMESTAMP": "timestamp", "VARCHAR": "text", "BOOLEAN": "boolean"}


def dbt_environment(url: str) -> dict[str, str]:
    """The ``SEND_WAREHOUSE_PG_*`` variables the dbt profile's ``postgres`` target reads."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise ValueError(f"{URL_ENV} must be a postgresql://user[:password]@host[:port]/database URL")
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


@contextmanager
def connect(url: str) -> Iterator[psycopg2.extensions.connection]:
    """A connection that commits when the block succeeds and rolls back otherwise."""
    env = dbt_environment(url)
    connection = psycopg2.connect(
        host=env["SEND_WAREHOUSE_PG_HOST"], port=int(env["SEND_WAREHOUSE_PG_PORT"]),
        user=env["SEND_WAREHOUSE_PG_USER"], password=env["SEND_WAREHOUSE_PG_PASSWORD"] or None,
        dbname=env["SEND_WAREHOUSE_PG_DBNAME"], application_name="send-warehouse",
    )
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def copy_sources(con: duckdb.DuckDBPyConnection, url: str) -> dict[str, int]:
    """Replaces the dbt sources (``clean.*``, ``landing.files``) in PostgreSQL in one transaction;
    returns the rows copied per table."""
    tables = [tuple(row) for row in con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in ({', '.join('?' * len(SOURCE_SCHEMAS))}) order by all",
        list(SOURCE_SCHEMAS)).fetchall()] + [MANIFEST_TABLE]
    copied = {}
    with connect(url) as pg, pg.cursor() as cursor:
        for schema in sorted({schema for schema, _ in tables}):
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        for schema, table in tables:
            copied[f"{schema}.{table}"] = _copy_table(con, cursor, schema, table)
    return copied


def _copy_table(con: duckdb.DuckDBPyConnection, cursor, schema: str, table: str) -> int:
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
    target = sql.Identifier(schema, table)
    cursor.execute(sql.SQL("drop table if exists {} cascade").format(target))
    cursor.execute(sql.SQL("create table {} ({})").format(target, sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(PG_TYPES[data_type]))
        for name, data_type in columns)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
    writer.writerows([_csv_field(value) for value in row] for row in rows)
    buffer.seek(0)
    cursor.copy_expert(sql.SQL("copy {} from stdin with (format csv, null '\\N')").format(target), buffer)
    return len(rows)


def _csv_field(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\\N"
    if isinstance(value, float):
        return repr(value)
    return value


def publish_build(url: str) -> None:
    """Swaps the finished ``marts_build`` schema in as ``marts`` in one transaction."""
    with connect(url) as pg, pg.cursor() as cursor:
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(PUBLISHED_SCHEMA)))
        cursor.execute(sql.SQL("alter schema {} rename to {}").format(
            sql.Identifier(BUILD_SCHEMA), sql.Identifier(PUBLISHED_SCHEMA)))


def dbt_variables(reporting_date: str, refreshed_at: str) -> dict[str, str]:
    """The dbt vars of a PostgreSQL build: the marts go to ``marts_build`` until swapped in."""
    return {"reporting_date": reporting_date, "refreshed_at": refreshed_at, "marts_schema": BUILD_SCHEMA}


def configured_url() -> str | None:
    """The PostgreSQL target's URL from the environment, or None when the target is not used."""
    return os.environ.get(URL_ENV) or None
