"""Measure the runner's cost in seconds per million rows on a synthetic GP registrations delivery.

    python -m expectations.measure_cost --rows 1000000

The table has the cleaned columns of ``icb/gp_registered_population`` (64-character pseudonyms,
dates, codes) in an in-memory DuckDB; the suite is the real one.
"""
from __future__ import annotations

import argparse
import time
from datetime import date

import duckdb

from expectations.runner import validate

AS_AT = date(2025, 7, 31)

_SYNTHETIC_DELIVERY = """
create schema landing;
create table landing.files as select * from (values
    ('previous', 'icb', 'gp_registered_population', date '2025-06-30', $rows, timestamp '2025-07-01 09:00', 'accepted'),
    ('current', 'icb', 'gp_registered_population', date '2025-07-31', $rows, timestamp '2025-08-01 09:00', 'accepted')
) v(file_id, partner, extract, as_at, rows_received, received_at, status);
create table landing.row_issues as
select 'current' as file_id, (i + 2)::integer as row_number, 'nhs_number' as field,
       'INVALID_NHS_NUMBER' as reason_code, 'kept' as action, 'fails the check digit' as message
from range($rows) t(i) where i % 100 = 0;
create schema clean;
create table clean.icb__gp_registered_population as
select case when i % 10 > 0 then sha256('nhs' || i) end as nhs_number_pseudo,
       date '2005-01-01' + (i % 7000)::integer as date_of_birth,
       ['M', 'F', 'U'][1 + i % 3] as sex,
       sha256('pc' || i) as postcode_pseudo,
       'E0102' || lpad((i % 9999)::varchar, 4, '0') as lsoa_code,
       ['M83001', 'M83002', 'M83003'][1 + i % 3] as practice_code,
       date '2020-01-01' + (i % 1500)::integer as registration_date,
       case when i % 50 = 0 then 'Y' else 'N' end as learning_disability_register,
       case when i % 20 = 0 then 'Y' else 'N' end as autism_diagnosis,
       case when i % 50 = 0 then date '2025-03-01' end as annual_health_check_date,
       'current' as _file_id, (i + 2)::integer as _row_number, date '2025-07-31' as _as_at
from range($rows) t(i);
"""


def seconds_per_million(rows: int) -> tuple[float, float]:
    """(seconds taken, seconds per million rows) to validate a delivery of ``rows`` rows."""
    con = duckdb.connect()
    for statement in filter(str.strip, _SYNTHETIC_DELIVERY.split(";")):
        con.execute(statement, {"rows": rows} if "$rows" in statement else None)
    started = time.perf_counter()
    validate(con, "clean__icb__gp_registered_population", run_id="measure-cost",
             asset_key="clean/icb__gp_registered_population", partner="icb", extract="gp_registered_population",
             extract_date=AS_AT)
    seconds = time.perf_counter() - started
    return seconds, seconds / rows * 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    for rows in parser.parse_args().rows:
        seconds, per_million = seconds_per_million(rows)
        print(f"{rows:>10,} rows: {seconds:6.2f} s  ({per_million:.2f} s per million rows)")


if __name__ == "__main__":
    main()
