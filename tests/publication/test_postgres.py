"""The PostgreSQL target's copy of the dbt sources into the build database and the swap of the built marts."""
import datetime as dt

import duckdb
import psycopg2
import pytest

from publication import postgres
from tests.postgres_database import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def url():
    with fresh_database() as database_url:
        yield database_url


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("""
        create schema landing; create schema clean;
        create table landing.files as select 1 as file_id, 'council' as partner, 'accepted' as status,
            date '2025-07-31' as as_at, timestamp '2025-08-01 09:30:00' as received_at, 3::bigint as rows_received;
        create table landing.council__school_census as select '9434765919' as nhs_number;
        create table clean.council__school_census as select * from (values
            (1, 'a, "quoted"' || chr(10) || 'line', date '2012-03-04', 2.5::double, true, 7),
            (2, '', null, null, false, null),
            (3, null, date '2025-07-31', 1e-17::double, null, -1)
        ) v(_row_number, note, date_of_birth, hours_taken, flag, sessions);
    """)
    yield connection
    connection.close()


def rows(url, sql):
    with postgres.connect(postgres.build_url(url)) as pg, pg.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_sources_are_copied_with_their_types_and_values(con, url):
    assert postgres.copy_sources(con, url) == {"clean.council__school_census": 3, "landing.files": 1}
    assert rows(url, "select * from clean.council__school_census order by _row_number") == [
        (1, 'a, "quoted"\nline', dt.date(2012, 3, 4), 2.5, True, 7),
        (2, "", None, None, False, None),
        (3, None, dt.date(2025, 7, 31), 1e-17, None, -1),
    ]
    assert rows(url, "select * from landing.files") == [
        (1, "council", "accepted", dt.date(2025, 7, 31), dt.datetime(2025, 8, 1, 9, 30), 3)]


def test_clear_identifiers_never_leave_duckdb(con, url):
    postgres.copy_sources(con, url)
    assert rows(url, "select table_schema, table_name from information_schema.tables "
                     "where table_schema in ('landing', 'clean') order by 1, 2") == [
        ("clean", "council__school_census"), ("landing", "files")]


def test_a_second_copy_replaces_the_first(con, url):
    postgres.copy_sources(con, url)
    con.execute("delete from clean.council__school_census where _row_number > 1")
    postgres.copy_sources(con, url)
    assert rows(url, "select count(*) from clean.council__school_census") == [(1,)]


def test_the_sources_go_to_the_build_database_not_the_bi_database(con, url):
    postgres.copy_sources(con, url)
    with postgres.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute("select count(*) from information_schema.tables where table_schema in ('clean', 'landing')")
        assert cursor.fetchone() == (0,)
        cursor.execute("select count(*) from pg_attribute where attname = 'date_of_birth'")
        assert cursor.fetchone() == (0,)


def test_the_history_goes_to_the_build_schema_for_the_incremental_build_to_continue(con, url):
    con.execute("""
        create schema marts;
        create table marts.kpi_history as select * from (values
            ('ehcp_count', date '2025-06-30', 4.0, timestamp '2025-08-02 10:00'),
            ('ehcp_count', date '2025-07-31', 5.0, null)) v(kpi_id, reporting_date, value, revised_at);
        create table marts.kpi_values as select 'not copied' as kpi_id;
    """)
    assert postgres.copy_sources(con, url)["marts_build.kpi_history"] == 2
    assert rows(url, "select * from marts_build.kpi_history order by reporting_date") == [
        ("ehcp_count", dt.date(2025, 6, 30), 4.0, dt.datetime(2025, 8, 2, 10)),
        ("ehcp_count", dt.date(2025, 7, 31), 5.0, None)]
    assert rows(url, "select table_name from information_schema.tables where table_schema = 'marts_build'") == [
        ("kpi_history",)]


def test_the_finished_build_replaces_the_published_marts_in_one_transaction(con, url):
    postgres.copy_sources(con, url)
    with postgres.connect(postgres.build_url(url)) as pg, pg.cursor() as cursor:
        cursor.execute("create schema marts; create table marts.kpi_values as select 'old' as kpi_id;"
                       "create schema marts_build; create table marts_build.kpi_values as select 'new' as kpi_id")
    postgres.publish_build(url)
    assert rows(url, "select kpi_id from marts.kpi_values") == [("new",)]
    assert rows(url, "select schema_name from information_schema.schemata where schema_name like 'marts%'") == [
        ("marts",)]
    with pytest.raises(psycopg2.errors.InvalidSchemaName):  # no build to swap in: the drop is rolled back
        postgres.publish_build(url)
    assert rows(url, "select kpi_id from marts.kpi_values") == [("new",)]


def test_the_url_becomes_the_dbt_profile_variables_and_messages_hide_the_password():
    url = "postgresql://bi_loader:s3cret@db.example.internal:6543/send"
    assert postgres.dbt_environment(url) == {
        "SEND_WAREHOUSE_PG_HOST": "db.example.internal", "SEND_WAREHOUSE_PG_PORT": "6543",
        "SEND_WAREHOUSE_PG_USER": "bi_loader", "SEND_WAREHOUSE_PG_PASSWORD": "s3cret",
        "SEND_WAREHOUSE_PG_DBNAME": "send_build", "SEND_WAREHOUSE_PG_SCHEMA": "public"}
    assert postgres.build_url(url) == "postgresql://bi_loader:s3cret@db.example.internal:6543/send_build"
    assert "s3cret" not in postgres.described(url) and "bi_loader" not in postgres.described(url)
    with pytest.raises(ValueError, match="postgresql://"):
        postgres.dbt_environment("mysql://u@h/db")
