"""Small warehouses for the expectation tests: built in SQL, good unless told otherwise."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

AS_AT = date(2025, 7, 31)
PREVIOUS_AS_AT = date(2025, 6, 30)

# Column -> SQL expression over the row index ``i``: a valid cleaned GP registration.
GP_COLUMNS = {
    "nhs_number_pseudo": "sha256('nhs' || i)",
    "date_of_birth": "date '2012-01-01' + i::integer",
    "sex": "['M', 'F', 'U'][1 + i % 3]",
    "postcode_pseudo": "sha256('pc' || i)",
    "lsoa_code": "'E01029' || lpad(i::varchar, 3, '0')",
    "practice_code": "'M83001'",
    "registration_date": "date '2023-01-01' + i::integer",
    "learning_disability_register": "'N'",
    "autism_diagnosis": "['Y', 'N'][1 + i % 2]",
    "annual_health_check_date": "null::date",
}


def _add_delivery(con, file_id: str, as_at: date, rows: int, partner="icb", extract="gp_registered_population"):
    """A row of ``landing.files`` for an accepted delivery (the tables are created if needed)."""
    con.execute("""
        create schema if not exists landing;
        create table if not exists landing.files (
            file_id varchar, partner varchar, extract varchar, as_at date, file_name varchar,
            source varchar, sha256 varchar, size_bytes bigint, rows_received integer,
            rows_accepted integer, rows_quarantined integer, received_at timestamp,
            status varchar, message varchar);
        create table if not exists landing.row_issues (
            file_id varchar, row_number integer, field varchar, reason_code varchar,
            action varchar, message varchar)
    """)
    con.execute(
        "insert into landing.files values (?, ?, ?, ?, ?, 'drop', 'x', 1, ?, ?, 0, ?, 'accepted', null)",
        [file_id, partner, extract, as_at, f"{extract}_{as_at:%Y%m%d}.csv", rows, rows, as_at],
    )


def _registration_rows(file_id: str, as_at: date, rows: int, **overrides: str) -> str:
    """SQL selecting cleaned GP registration rows of one delivery; ``overrides`` replace column expressions."""
    columns = {**GP_COLUMNS, **overrides}
    select = ", ".join(f"{expr} as {name}" for name, expr in columns.items())
    return (f"select {select}, '{file_id}' as _file_id, (i + 2)::integer as _row_number, "
            f"date '{as_at}' as _as_at from range({rows}) t(i)")


def _build_registrations_warehouse(con, rows: int = 30, invalid_nhs_rows: int = 0, **overrides: str) -> None:
    """Two deliveries of the ICB's GP registrations; the current one (``AS_AT``) gets ``overrides``.

    ``invalid_nhs_rows``: that many of the current rows had an NHS number failing its check
    digit, recorded by landing as a kept-row issue (with the pseudonym nulled).
    """
    _add_delivery(con, "previous", PREVIOUS_AS_AT, rows)
    _add_delivery(con, "current", AS_AT, rows)
    if invalid_nhs_rows:
        overrides.setdefault("nhs_number_pseudo", f"case when i >= {invalid_nhs_rows} then sha256('nhs' || i) end")
        con.execute(f"""
            insert into landing.row_issues
            select 'current', (i + 2)::integer, 'nhs_number', 'INVALID_NHS_NUMBER', 'kept',
                   'NHS number fails the modulus-11 check' from range({invalid_nhs_rows}) t(i)
        """)
    con.execute("create schema if not exists clean")
    con.execute("create table clean.icb__gp_registered_population as "
                f"{_registration_rows('current', AS_AT, rows, **overrides)}")
    con.execute("insert into clean.icb__gp_registered_population by name "
                f"{_registration_rows('previous', PREVIOUS_AS_AT, rows)}")


def _build_marts(con, breakdown_value: str = "TOTAL") -> None:
    """The three marts with valid content; ``breakdown_value`` goes on the district row."""
    con.execute("create schema if not exists marts")
    con.execute("""
        create table marts.mart_send_cohort as
        select 'P' || i as person_id, ['EHCP', 'SEN_SUPPORT'][1 + i % 2] as sen_status,
               'E07000192' as district_code from range(10) t(i)
    """)
    con.execute(f"""
        create table marts.kpi_values as
        select kpi_id, date '2025-07-31' as reporting_date, date '2024-08-01' as period_start,
               date '2025-07-31' as period_end, geography_level, geography_code, geography_name,
               'TOTAL' as breakdown, breakdown_value, numerator, denominator, value, unit,
               'DIRECT' as method, false as suppressed, 'available' as status,
               timestamp '2025-08-02 10:00' as refreshed_at,
               'council/sen2_namedplan/2025-07-31' as source_extracts
        from (values
          ('ehcp_count', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 120, null, 120.0, 'count'),
          ('ehcp_count', 'DISTRICT', 'E07000192', 'Cannock Chase', '{breakdown_value}', 20, null, 20.0, 'count'),
          ('sen_support_pct', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 132, 1000, 13.2, 'percent')
        ) v(kpi_id, geography_level, geography_code, geography_name, breakdown_value,
            numerator, denominator, value, unit)
    """)
    con.execute("""
        create table marts.sub_icb_district_crosswalk as select * from (values
          ('04Y', 'E07000192', 0.8, 800), ('04Y', 'E07000196', 0.2, 200),
          ('05D', 'E07000193', 1.0, 900), ('05G', 'E07000195', 1.0, 700),
          ('05Q', 'E07000194', 1.0, 600), ('05V', 'E07000197', 1.0, 500),
          ('05W', 'E06000021', 1.0, 400)
        ) v(sub_icb_code, lad_code, weight, population)
    """)


@pytest.fixture
def as_at() -> date:
    """The as-at date of the current GP registrations delivery."""
    return AS_AT


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


@pytest.fixture
def registrations_warehouse(con):
    """Builds the GP registrations deliveries in ``con``: ``registrations_warehouse(column=sql, ...)``."""
    return lambda rows=30, invalid_nhs_rows=0, **overrides: _build_registrations_warehouse(
        con, rows, invalid_nhs_rows, **overrides)


@pytest.fixture
def marts(con):
    """Builds the three marts in ``con``: ``marts(breakdown_value=...)``."""
    return lambda breakdown_value="TOTAL": _build_marts(con, breakdown_value)
