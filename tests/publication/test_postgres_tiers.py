"""The BI database: both tiers, and what each BI role can and cannot reach, checked by connecting as it."""
from decimal import Decimal

import duckdb
import psycopg2
import pytest
from psycopg2 import sql
from sqlalchemy.engine import make_url

from publication import postgres, postgres_tiers
from publication.postgres_tiers import PUBLIC_TIER, RESTRICTED_TIER, publish_tiers
from tests.postgres_database import fresh_database, fresh_roles

pytestmark = pytest.mark.postgres


@pytest.fixture
def roles():
    with fresh_roles() as bi_roles:
        yield bi_roles


@pytest.fixture
def url(roles):  # after roles: the databases are dropped before the roles granted on them
    with fresh_database() as database_url:
        yield database_url


@pytest.fixture
def public_folder(tmp_path):
    """Public files as the publication writes them, with a column (status) and a DECIMAL no
    hard-coded list knows of."""
    folder = tmp_path / "public"
    folder.mkdir()
    with duckdb.connect() as con:
        con.execute(f"""copy (select * from (values
            ('ehcp_count', date '2025-07-31', 'E10000028', 150::bigint, null::double, 'available', 1.5::decimal(9,1)),
            ('ehcp_count', date '2025-07-31', 'E07000192', null, null, 'suppressed', null)
        ) v(kpi_id, reporting_date, geography_code, numerator, value, status, rate))
            to '{folder / "kpi_values.parquet"}' (format parquet)""")
        con.execute(f"copy (select 'kpi_values' as table_name, 'status' as column_name) "
                    f"to '{folder / 'data_dictionary.parquet'}' (format parquet)")
    return folder


def build(url, tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute("""create schema landing; create schema clean;
            create table landing.files as select 1 as file_id, 'council' as partner;
            create table clean.council__school_census as
                select 1 as _row_number, 'abc' as la_child_id_pseudo, date '2012-03-04' as date_of_birth""")
        postgres.copy_sources(con, url)
    with postgres.connect(postgres.build_url(url)) as pg, pg.cursor() as cursor:
        cursor.execute("create schema staging; create view staging.stg_census as "
                       "select * from clean.council__school_census;"
                       "create schema intermediate; create table intermediate.int_people as select * from "
                       "clean.council__school_census;"
                       "create schema marts_build; create table marts_build.kpi_values as "
                       "select 'ehcp_count'::text as kpi_id, 152::bigint as numerator, 0.25::double precision as value")
    postgres.publish_build(url)


def login_as(url, group_role):
    """A login user in ``group_role`` (dropped with the test's roles), and its URL of ``url``."""
    user = f"{group_role}_login"
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute("select 1 from pg_roles where rolname = %s", [user])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("create role {} login in role {}").format(
                sql.Identifier(user), sql.Identifier(group_role)))
    return make_url(url).set(username=user, password=None).render_as_string(hide_password=False)


def tables_of(url):
    """Every table and view of the BI and build databases, as (database, schema, name), seen by the owner."""
    found = []
    for database_url in (url, postgres.build_url(url)):
        with postgres.connect(database_url) as pg, pg.cursor() as cursor:
            cursor.execute("select table_schema, table_name from information_schema.tables "
                           "where table_schema not in ('pg_catalog', 'information_schema')")
            found += [(make_url(database_url).database, schema, name) for schema, name in cursor.fetchall()]
    return sorted(found)


def what_can_see(url, user_url):
    """What the user of ``user_url`` reaches in the BI and build databases: the tables it can select
    from, every column named date_of_birth its catalogue shows (pg_attribute, information_schema), and
    the databases it may connect to."""
    readable, birth_dates, databases = set(), set(), set()
    for database_url in (url, postgres.build_url(url)):
        database = make_url(database_url).database
        try:
            connection = psycopg2.connect(make_url(user_url).set(database=database).render_as_string(
                hide_password=False))
        except psycopg2.OperationalError as refused:
            assert "permission denied" in str(refused)
            continue
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                databases.add(database)
                cursor.execute("select n.nspname, c.relname from pg_attribute a join pg_class c on c.oid = a.attrelid "
                               "join pg_namespace n on n.oid = c.relnamespace where a.attname = 'date_of_birth' "
                               "union select table_schema, table_name from information_schema.columns "
                               "where column_name = 'date_of_birth'")
                birth_dates |= {(database, schema, table) for schema, table in cursor.fetchall()}
                for owner_database, schema, table in tables_of(url):
                    if owner_database != database:
                        continue
                    try:
                        cursor.execute(sql.SQL("select 1 from {} limit 1").format(sql.Identifier(schema, table)))
                        readable.add((schema, table))
                    except psycopg2.errors.InsufficientPrivilege:
                        pass
        finally:
            connection.close()
    return readable, birth_dates, databases


def test_the_public_reader_reads_the_public_tier_and_nothing_else(url, roles, public_folder, tmp_path):
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    readable, birth_dates, databases = what_can_see(url, login_as(url, roles.public_reader))
    assert readable == {(PUBLIC_TIER, "kpi_values"), (PUBLIC_TIER, "data_dictionary")}
    assert birth_dates == set()
    assert databases == {make_url(url).database}  # the build database refuses the connection
    with psycopg2.connect(login_as(url, roles.public_reader)) as pg, pg.cursor() as cursor:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            cursor.execute(f"select * from {RESTRICTED_TIER}.kpi_values")


def test_the_analyst_reads_both_tiers_and_no_build_input(url, roles, public_folder, tmp_path):
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    readable, birth_dates, databases = what_can_see(url, login_as(url, roles.analyst))
    assert readable == {(PUBLIC_TIER, "kpi_values"), (PUBLIC_TIER, "data_dictionary"),
                        (RESTRICTED_TIER, "kpi_values")}
    assert birth_dates == set() and databases == {make_url(url).database}
    with pytest.raises(psycopg2.OperationalError, match="permission denied for database"):
        psycopg2.connect(login_as(postgres.build_url(url), roles.analyst))


def test_the_build_inputs_and_birth_dates_are_there_to_be_protected(url, roles, public_folder, tmp_path):
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    build_database = make_url(postgres.build_url(url)).database
    assert {(build_database, "clean", "council__school_census"), (build_database, "staging", "stg_census"),
            (build_database, "intermediate", "int_people"), (build_database, "landing", "files"),
            (build_database, "marts", "kpi_values")} <= set(tables_of(url))


def _default_setup_build_database(cursor, database):
    """What a database has without the lock: CONNECT and TEMP for PUBLIC (PostgreSQL's default)."""


def _default_setup_grant(cursor, tier, roles):
    """A common default setup: every schema readable by PUBLIC."""
    cursor.execute(sql.SQL("grant usage on schema {0} to public; grant select on all tables in schema {0} to public")
                   .format(sql.Identifier(tier)))


@pytest.mark.parametrize("protection, default_setup, leak", [
    ("lock_build_database", _default_setup_build_database, "birth_dates"),
    ("grant_tier", _default_setup_grant, "restricted tier"),
])
def test_without_the_protection_the_check_finds_the_leak(url, roles, public_folder, tmp_path, monkeypatch,
                                                         protection, default_setup, leak):
    monkeypatch.setattr(postgres if protection == "lock_build_database" else postgres_tiers, protection,
                        default_setup)
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    readable, birth_dates, databases = what_can_see(url, login_as(url, roles.public_reader))
    if leak == "birth_dates":
        build_database = make_url(postgres.build_url(url)).database
        assert build_database in databases
        assert (build_database, "clean", "council__school_census") in birth_dates
    else:
        assert (RESTRICTED_TIER, "kpi_values") in readable


def test_what_earlier_versions_built_in_the_bi_database_is_removed(url, roles, public_folder, tmp_path):
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute("create schema clean; create table clean.council__school_census as "
                       "select date '2012-03-04' as date_of_birth; create schema staging; create schema marts")
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    _, birth_dates, _ = what_can_see(url, login_as(url, roles.analyst))
    assert birth_dates == set()
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute("select schema_name from information_schema.schemata "
                       "where schema_name not like 'pg\\_%' and schema_name <> 'information_schema'")
        assert sorted(cursor.fetchall()) == [("public",), (PUBLIC_TIER,), (RESTRICTED_TIER,)]


def test_the_public_tier_holds_the_files_rows_with_their_types(url, roles, public_folder, tmp_path):
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute(f"select * from {PUBLIC_TIER}.kpi_values")
        in_postgres = cursor.fetchall()
        columns = [column.name for column in cursor.description]
        cursor.execute("select data_type from information_schema.columns where table_schema = %s "
                       "and table_name = 'kpi_values' and column_name = 'rate'", [PUBLIC_TIER])
        assert cursor.fetchone() == ("numeric",)
    with duckdb.connect() as con:
        in_files = con.execute(f"select * from read_parquet('{public_folder / 'kpi_values.parquet'}')").fetchall()
        assert columns == [name for name, *_ in con.execute(
            f"describe select * from read_parquet('{public_folder / 'kpi_values.parquet'}')").fetchall()]
    assert sorted(in_postgres, key=repr) == sorted(in_files, key=repr)
    assert Decimal("1.5") in {row[-1] for row in in_postgres}


def test_a_second_publication_replaces_the_tiers_and_keeps_the_grants(url, roles, public_folder, tmp_path):
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    (public_folder / "data_dictionary.parquet").unlink()
    publish_tiers(url, public_folder, roles)  # the roles exist now: created only when missing
    readable, _, _ = what_can_see(url, login_as(url, roles.public_reader))
    assert readable == {(PUBLIC_TIER, "kpi_values")}
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute("select schema_name from information_schema.schemata where schema_name like '%tier%'")
        assert sorted(cursor.fetchall()) == [(PUBLIC_TIER,), (RESTRICTED_TIER,)]


def test_a_failed_load_leaves_the_published_tiers_in_place(url, roles, public_folder, tmp_path):
    build(url, tmp_path)
    publish_tiers(url, public_folder, roles)
    for path in public_folder.glob("*.parquet"):
        path.unlink()
    with pytest.raises(FileNotFoundError, match="no public tier files"):
        publish_tiers(url, public_folder, roles)
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute(f"select count(*) from {PUBLIC_TIER}.kpi_values")
        assert cursor.fetchone() == (2,)
