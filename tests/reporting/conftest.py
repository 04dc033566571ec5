"""A small warehouse for the report tests: landing figures, optionally marts and check history."""
from datetime import date

import duckdb
import pytest

REPORTING_DATE = date(2025, 7, 31)


@pytest.fixture
def reporting_date() -> date:
    return REPORTING_DATE


@pytest.fixture
def con(tmp_path):
    """Landing figures only: two extracts received (one also rejected later), the rest missing."""
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("""
        create schema landing;
        create table landing.files as select * from (values
          ('f1', 'council', 'school_census', date '2025-06-30', 'school_census_20250630.csv', 200, 196, 4,
           timestamp '2025-07-01 09:00', 'accepted', null),
          ('f2', 'council', 'school_census', date '2025-07-31', 'school_census_20250731.csv', 210, 200, 10,
           timestamp '2025-08-01 09:00', 'accepted', null),
          ('f3', 'mpft', 'slt_referrals', date '2025-03-31', 'slt_referrals_20250331.csv', 50, 50, 0,
           timestamp '2025-04-01 09:00', 'accepted', null),
          ('f4', 'mpft', 'slt_referrals', date '2025-07-31', 'slt_referrals_20250731.csv', 0, 0, 0,
           timestamp '2025-08-01 10:00', 'rejected', 'required column referral_date is missing')
        ) v(file_id, partner, extract, as_at, file_name, rows_received, rows_accepted, rows_quarantined,
            received_at, status, message);
        create table landing.row_issues as
        select 'f2' as file_id, i + 2 as row_number, 'ehcp_start_date' as field,
               'MISSING_VALUE' as reason_code, 'quarantined' as action,
               'school_census_20250731.csv: row ' || (i + 2)
                   || ', field ehcp_start_date: a required value is empty' as message
        from range(10) t(i);
    """)
    yield connection
    connection.close()


@pytest.fixture
def kpi_mart(con):
    """Builds ``marts.kpi_values`` with one district row carrying ``breakdown_value``."""
    def build(breakdown_value: str = "TOTAL") -> None:
        con.execute("create schema if not exists marts")
        con.execute(f"""
            create or replace table marts.kpi_values as
            select kpi_id, date '2025-07-31' as reporting_date, date '2024-08-01' as period_start,
                   date '2025-07-31' as period_end, geography_level, geography_code, geography_name,
                   'TOTAL' as breakdown, breakdown_value, numerator, denominator, value, unit,
                   'DIRECT' as method, false as suppressed, 'available' as status,
               timestamp '2025-08-02 10:00' as refreshed_at,
                   'council/school_census/2025-07-31' as source_extracts
            from (values
              ('ehcp_count', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 120, null, 120.0, 'count'),
              ('ehcp_count', 'DISTRICT', 'E07000192', 'Cannock Chase', '{breakdown_value}', 20, null, 20.0, 'count'),
              ('cohort_health_linkage_rate', 'COUNTY', 'E10000028', 'Staffordshire', 'TOTAL', 90, 100, 90.0, 'percent')
            ) v(kpi_id, geography_level, geography_code, geography_name, breakdown_value,
                numerator, denominator, value, unit)
        """)
    return build
