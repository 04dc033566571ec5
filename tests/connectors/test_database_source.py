"""Database sources: a table read through SQLAlchemy lands exactly as the same rows sent as CSV."""
from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from connectors.drop import DatabaseSource, database_delivery, database_sources
from connectors.landing import land
from tests.connectors.conftest import AS_AT, NHS, TODAY, contract, csv_bytes, new_warehouse

CAMHS = "mpft__camhs_referrals"
URL_ENV = "TEST_MPFT_DB_URL"
DATE_COLUMNS = {"date_of_birth", "referral_date", "first_contact_date", "second_contact_date",
                "treatment_start_date", "closed_date"}
# In the order a database read gives them: by key then whole row, nulls first.
ROWS = [
    (None, NHS[3], "2012-02-02", "2025-02-03", "MHST", "05Q", None, None, None, None),
    ("CAM-001", NHS[0], "2010-03-04", "2024-09-02", "CORE_CAMHS", "05Q", "2024-09-30", "2024-10-21",
     "2024-11-04", None),
    ("CAM-002", "9434765918", "2008-11-30", "2025-01-20", "AUTISM_ASSESSMENT", "05V", None, None, None, None),
    ("CAM-003", NHS[2], "2013-01-15", "2025-04-07", "NOT_A_SERVICE", "04Y", None, None, None, None),
    ("CAM-004", NHS[3], "2014-05-06", "2025-03-03", "MHST", None, None, None, None, None),
    ("CAM-004", NHS[1], "2014-05-06", "2025-03-03", "MHST", "05Q", None, None, None, None),
    ("cam-005", NHS[1], "2011-07-08", "2025-05-05", "GETTING_ADVICE", "05D", "2025-06-02", None, None,
     "2025-07-01"),
]
EXPECTED_ISSUES = [
    (2, "referral_id", "MISSING_VALUE", "quarantined", "row 2, field referral_id: a required value is empty"),
    (4, "nhs_number", "INVALID_NHS_NUMBER", "kept",
     "row 4, field nhs_number: NHS number fails the modulus-11 check (row kept, identifier treated as missing)"),
    (5, "service_line", "CODE_NOT_IN_LIST", "quarantined", "row 5, field service_line: not one of the agreed codes"),
    (7, "referral_id", "DUPLICATE_KEY", "quarantined", "row 7, field referral_id: repeats the key of row 6"),
]


def create_table(url: str, table: str, typed_dates: bool) -> None:
    """The rows in a partner table, inserted in reverse so the reader has to order them."""
    engine = sa.create_engine(url)
    columns = [c.name for c in contract(CAMHS).columns]
    sa_table = sa.Table(table, sa.MetaData(), *(
        sa.Column(c, sa.Date if typed_dates and c in DATE_COLUMNS else sa.Text) for c in columns))
    records = [{c: date.fromisoformat(v) if typed_dates and c in DATE_COLUMNS and v else v
                for c, v in zip(columns, row)} for row in reversed(ROWS)]
    with engine.begin() as connection:
        sa_table.create(connection)
        connection.execute(sa_table.insert(), records)
    engine.dispose()


def landed(wh, outcome) -> dict:
    """What a delivery left in the warehouse, without its file id and file name."""
    name = wh.file(outcome.file_id)["file_name"]
    return {
        "counts": (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined),
        "landing": wh.rows("landing", CAMHS, outcome.file_id),
        "clean": wh.rows("clean", CAMHS, outcome.file_id),
        "issues": [(*i[:4], i[4].removeprefix(f"{name}: ")) for i in wh.issues(outcome.file_id)],
    }


@pytest.fixture
def from_csv(empty_wh) -> dict:
    header = [c.name for c in contract(CAMHS).columns]
    empty_wh.put("mpft", "camhs_referrals_20250731.csv", csv_bytes(header, [list(r) for r in ROWS]))
    (outcome,) = empty_wh.land(CAMHS)
    result = landed(empty_wh, outcome)
    assert result["counts"] == ("accepted", 7, 4, 3)
    assert result["issues"] == EXPECTED_ISSUES
    return result


def land_database(tmp_path, monkeypatch, url: str, table: str):
    monkeypatch.setenv(URL_ENV, url)
    wh = new_warehouse(tmp_path / "db_warehouse")
    delivery = database_delivery(contract(CAMHS), DatabaseSource(URL_ENV, table, AS_AT), TODAY)
    return wh, delivery, land(wh.con, contract(CAMHS), delivery, wh.landing_dir)


def test_sqlite_table_lands_like_the_csv_file(tmp_path, monkeypatch, from_csv):
    url = f"sqlite:///{tmp_path / 'mpft.db'}"
    create_table(url, "v_camhs_referrals", typed_dates=False)

    wh, delivery, outcome = land_database(tmp_path, monkeypatch, url, "v_camhs_referrals")

    assert landed(wh, outcome) == from_csv
    assert (wh.file(outcome.file_id)["file_name"], wh.file(outcome.file_id)["source"]) == \
        ("db:v_camhs_referrals", "database")
    assert land(wh.con, contract(CAMHS), delivery, wh.landing_dir) is None  # unchanged table: nothing new
    wh.assert_no_row_lost()


@pytest.fixture
def postgres_url():
    """A fresh schema on the test server (first on the search path), dropped afterwards."""
    url = os.environ.get("SEND_WAREHOUSE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("SEND_WAREHOUSE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    schema = f"send_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'create schema "{schema}"'))
    yield sa.engine.make_url(url).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    with engine.begin() as connection:
        connection.execute(sa.text(f'drop schema "{schema}" cascade'))
    engine.dispose()


@pytest.mark.postgres
def test_postgres_table_lands_like_the_csv_file(tmp_path, monkeypatch, from_csv, postgres_url):
    create_table(postgres_url, "v_camhs_referrals", typed_dates=True)

    wh, _, outcome = land_database(tmp_path, monkeypatch, postgres_url, "v_camhs_referrals")

    assert landed(wh, outcome) == from_csv
    wh.assert_no_row_lost()


def test_database_sources_come_from_the_yaml_named_in_the_environment(tmp_path, monkeypatch):
    config = tmp_path / "sources.yml"
    config.write_text("mpft/camhs_referrals: {url_env: MPFT_DB_URL, table: v_camhs_referrals, as_at: 2025-07-31}\n"
                      "council/school_census: {url_env: COUNCIL_DB_URL, table: v_school_census}\n"
                      "icb/gp_practices: {url_env: ICB_DB_URL, table: practices, as_at: '2025-06-30'}\n")
    monkeypatch.setenv("SEND_WAREHOUSE_SOURCES", str(config))

    assert database_sources() == {
        ("mpft", "camhs_referrals"): DatabaseSource("MPFT_DB_URL", "v_camhs_referrals", date(2025, 7, 31)),
        ("council", "school_census"): DatabaseSource("COUNCIL_DB_URL", "v_school_census", None),
        ("icb", "gp_practices"): DatabaseSource("ICB_DB_URL", "practices", date(2025, 6, 30)),
    }
    monkeypatch.delenv("SEND_WAREHOUSE_SOURCES")
    assert database_sources() == {}


def test_database_delivery_as_at_defaults_to_the_day_of_the_read():
    delivery = database_delivery(contract(CAMHS), DatabaseSource(URL_ENV, "v_camhs_referrals"), TODAY)

    assert (delivery.name, delivery.as_at, delivery.problem) == ("db:v_camhs_referrals", TODAY, None)


PASSWORD = "Pa55-w0rd-secret"


@pytest.mark.parametrize("url, message", [
    ("sqlite:///{tmp}/mpft.db", "db:v_missing: cannot read the table (NoSuchTableError: v_missing)"),
    (f"postgresql://warehouse:{PASSWORD}@127.0.0.1:1/test",
     "db:v_missing: cannot read the table (OperationalError: (psycopg2.OperationalError) connection to server"),
    (f"postgresql://warehouse:{PASSWORD}@127.0.0.1:port/test",
     "db:v_missing: the database URL is not usable (ValueError); check the configured URL"),
    (f"nosuchdb://warehouse:{PASSWORD}@127.0.0.1/test",
     "db:v_missing: the database URL is not usable (NoSuchModuleError); check the configured URL"),
], ids=["missing-table", "refused", "bad-port", "unknown-dialect"])
def test_unreadable_table_is_rejected_without_revealing_the_url(tmp_path, monkeypatch, url, message):
    url = url.format(tmp=tmp_path)
    create_table(f"sqlite:///{tmp_path}/mpft.db", "v_camhs_referrals", typed_dates=False)

    wh, _, outcome = land_database(tmp_path, monkeypatch, url, "v_missing")

    recorded = wh.file(outcome.file_id)
    assert (outcome.status, recorded["status"], recorded["reason_code"]) == ("rejected", "rejected", "UNREADABLE")
    assert recorded["message"].startswith(message)
    assert PASSWORD not in recorded["message"] and url not in recorded["message"]
