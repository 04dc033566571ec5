"""The BI database of the PostgreSQL target: both published tiers, and a role for each kind of reader.

The BI database (``SEND_WAREHOUSE_POSTGRES_URL``) holds two schemas and nothing else of the
warehouse: ``public_tier``, the public publication files (``HOME/publish/public/*.parquet``)
loaded as they are, so its figures are the files' figures; and ``restricted_tier``, the marts
``dbt build --target postgres`` built and tested in the build database (publication/postgres.py).
Both are loaded into ``<tier>_build`` schemas and swapped in, with their grants, in one
transaction: a reader sees the previous tiers or the new ones, never a mix, and never a tier
without its grants.

Readers log in as users that are members of one of two NOLOGIN group roles, created here when
missing: the public reader may read ``public_tier`` only; the partnership analyst may read both
tiers. CONNECT on the BI database is revoked from PUBLIC and granted to the two roles; neither can
connect to the build database (``clean``, ``landing.files``, ``staging``, ``intermediate``,
``marts_build``), so no BI reader can see a pseudonym or a date of birth, or even its column.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
from psycopg2 import sql
from sqlalchemy.engine import make_url

from publication import postgres

PUBLIC_TIER = "public_tier"
RESTRICTED_TIER = "restricted_tier"
# What earlier versions built in the BI database itself (dbt's staging and intermediate schemas,
# dbt_project.yml): dropped there, since the build now runs in the build database.
FORMER_BUILD_SCHEMAS = (*postgres.SOURCE_SCHEMAS, postgres.MANIFEST_TABLE[0], "staging", "intermediate",
                        postgres.PUBLISHED_SCHEMA, postgres.BUILD_SCHEMA)
PUBLIC_READER_ENV = "SEND_WAREHOUSE_PG_PUBLIC_READER_ROLE"
ANALYST_ENV = "SEND_WAREHOUSE_PG_ANALYST_ROLE"


@dataclass(frozen=True)
class BiRoles:
    """The names of the BI group roles (settings: ``SEND_WAREHOUSE_PG_*_ROLE``) and what each reads."""

    public_reader: str = "send_public_reader"
    analyst: str = "send_partnership_analyst"

    @classmethod
    def configured(cls) -> BiRoles:
        defaults = cls()
        return cls(public_reader=os.environ.get(PUBLIC_READER_ENV) or defaults.public_reader,
                   analyst=os.environ.get(ANALYST_ENV) or defaults.analyst)

    def readers(self, tier_schema: str) -> tuple[str, ...]:
        """The roles that may read ``tier_schema``."""
        return {PUBLIC_TIER: (self.public_reader, self.analyst), RESTRICTED_TIER: (self.analyst,)}[tier_schema]


def publish_tiers(url: str, public_folder: Path, roles: BiRoles) -> dict[str, int]:
    """Loads both tiers into the BI database of ``url``, swaps them in with their grants in one
    transaction; returns the rows loaded per ``<tier>.<table>``."""
    ensure_roles(url, roles)
    loaded = {}
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        open_database_to(cursor, make_url(url).database, roles)
        for schema in FORMER_BUILD_SCHEMAS:
            cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
        loaded |= _load_public_tier(cursor, public_folder)
        loaded |= _load_restricted_tier(cursor, url)
        for tier in (PUBLIC_TIER, RESTRICTED_TIER):
            cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(tier)))
            cursor.execute(sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(f"{tier}_build"), sql.Identifier(tier)))
            grant_tier(cursor, tier, roles)
    return loaded


def ensure_roles(url: str, roles: BiRoles) -> None:
    """Creates each BI group role (NOLOGIN) that does not exist yet."""
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        for role in (roles.public_reader, roles.analyst):
            cursor.execute("select 1 from pg_roles where rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))


def open_database_to(cursor, database: str, roles: BiRoles) -> None:
    """Only the BI roles may connect to the BI database, and its ``public`` schema is closed."""
    cursor.execute(sql.SQL("revoke all on database {} from public").format(sql.Identifier(database)))
    cursor.execute(sql.SQL("grant connect on database {} to {}").format(
        sql.Identifier(database), sql.SQL(", ").join(map(sql.Identifier, (roles.public_reader, roles.analyst)))))
    cursor.execute("revoke all on schema public from public")


def grant_tier(cursor, tier: str, roles: BiRoles) -> None:
    """USAGE and SELECT on ``tier`` for exactly the roles that read it; nothing for PUBLIC."""
    schema, readers = sql.Identifier(tier), sql.SQL(", ").join(map(sql.Identifier, roles.readers(tier)))
    cursor.execute(sql.SQL("revoke all on schema {} from public").format(schema))
    cursor.execute(sql.SQL("grant usage on schema {} to {}").format(schema, readers))
    cursor.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema, readers))


def _fresh_schema(cursor, name: str) -> None:
    cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(name)))
    cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(name)))


def _load_public_tier(cursor, public_folder: Path) -> dict[str, int]:
    """Every ``<table>.parquet`` of the public publication as ``public_tier_build.<table>``, with the
    columns and types the file has."""
    files = sorted(public_folder.glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"{public_folder}: no public tier files to load")
    _fresh_schema(cursor, f"{PUBLIC_TIER}_build")
    loaded = {}
    with duckdb.connect() as con:
        for path in files:
            relation = "read_parquet('{}')".format(str(path).replace("'", "''"))
            loaded[f"{PUBLIC_TIER}.{path.stem}"] = postgres.copy_relation(
                con, relation, cursor, sql.Identifier(f"{PUBLIC_TIER}_build", path.stem))
    return loaded


def _load_restricted_tier(cursor, url: str) -> dict[str, int]:
    """Every table of the build database's tested ``marts`` as ``restricted_tier_build.<table>``."""
    _fresh_schema(cursor, f"{RESTRICTED_TIER}_build")
    loaded = {}
    with postgres.connect(postgres.build_url(url)) as build, build.cursor() as source:
        source.execute("select c.relname, string_agg(format('%%I %%s', a.attname, format_type(a.atttypid, "
                       "a.atttypmod)), ', ' order by a.attnum) from pg_class c "
                       "join pg_namespace n on n.oid = c.relnamespace "
                       "join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
                       "where n.nspname = %s and c.relkind = 'r' group by c.relname order by c.relname",
                       [postgres.PUBLISHED_SCHEMA])
        tables = source.fetchall()
        if not tables:
            raise LookupError(f"the build database has no {postgres.PUBLISHED_SCHEMA} schema to publish: "
                              "run the dbt build first")
        for table, columns in tables:
            target = sql.Identifier(f"{RESTRICTED_TIER}_build", table)
            cursor.execute(sql.SQL("create table {} ({})").format(target, sql.SQL(columns)))
            buffer = io.BytesIO()
            source.copy_expert(sql.SQL("copy {} to stdout with (format binary)").format(
                sql.Identifier(postgres.PUBLISHED_SCHEMA, table)), buffer)
            buffer.seek(0)
            cursor.copy_expert(sql.SQL("copy {} from stdin with (format binary)").format(target), buffer)
            cursor.execute(sql.SQL("select count(*) from {}").format(target))
            loaded[f"{RESTRICTED_TIER}.{table}"] = cursor.fetchone()[0]
    return loaded
