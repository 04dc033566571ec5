"""Reporting months: month ends, the CLI's --months and its default months (decision 0030)."""
from datetime import date

import duckdb
import pytest

from orchestration.months_to_refresh import MonthsError, months_to_refresh, parse_months
from orchestration.partitions import FIRST_MONTH, month_end, month_key, months_between


def test_a_month_is_keyed_by_its_first_day_and_reported_at_its_last():
    assert (month_key(date(2024, 2, 10)), month_end(date(2024, 2, 10))) == ("2024-02-01", date(2024, 2, 29))
    assert months_between(date(2024, 11, 30), date(2025, 1, 5)) == [
        date(2024, 11, 30), date(2024, 12, 31), date(2025, 1, 31)]


def test_months_are_one_month_or_a_range():
    assert parse_months("2025-03") == (date(2025, 3, 31), date(2025, 3, 31))
    assert parse_months("2024-12:2025-02") == (date(2024, 12, 31), date(2025, 2, 28))


@pytest.mark.parametrize("text", ["2025-3-1", "2025-03:2025-01", "2025-01:2025-02:2025-03",
                                  f"{FIRST_MONTH.year - 1}-12", "2999-01"])
def test_months_outside_the_partitions_or_malformed_are_refused(text):
    with pytest.raises(MonthsError, match="--months"):
        parse_months(text)


def drop_with(tmp_path, *names: str):
    for name in names:
        path = tmp_path / "drop" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("a\n1\n")
    return tmp_path / "drop"


def test_by_default_every_month_the_drop_supports_is_built(tmp_path):
    drop = drop_with(tmp_path, "mpft/camhs_referrals_20250430.csv", "mpft/camhs_referrals_20250731.csv")
    assert months_to_refresh(drop, tmp_path / "none.duckdb") == (date(2025, 4, 30), date(2025, 7, 31))


def test_months_already_built_are_not_built_again_but_the_newest_is(tmp_path):
    drop = drop_with(tmp_path, "mpft/camhs_referrals_20250430.csv", "mpft/camhs_referrals_20250731.csv")
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.kpi_history (reporting_date date)")
        con.execute("insert into marts.kpi_history values ('2025-04-30'), ('2025-05-31'), ('2025-07-31')")
    assert months_to_refresh(drop, warehouse) == (date(2025, 6, 30), date(2025, 7, 31))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.kpi_history values (date '2025-06-30')")
    assert months_to_refresh(drop, warehouse) == (date(2025, 7, 31), date(2025, 7, 31))
