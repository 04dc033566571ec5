"""Reporting months: the monthly partitions of the dbt assets (decision 0030).

A partition is a calendar month, keyed by its first day (``2025-07-01``); its reporting date is
the month's last day, and the dbt build of a month reads the files current on that date.
"""
from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

# The DfE's January series the warehouse reproduces starts in 2023 (history.md).
FIRST_MONTH = date(2023, 1, 1)
REPORTING_MONTHS = dg.MonthlyPartitionsDefinition(start_date=FIRST_MONTH.isoformat(), timezone="Europe/London")


def month_key(day: date) -> str:
    """The partition key of the month a date falls in."""
    return day.replace(day=1).isoformat()


def month_end(day: date) -> date:
    """The last day of the month a date falls in: that month's reporting date."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """Every month end from ``first``'s month to ``last``'s."""
    months, day = [], month_end(first)
    while day <= month_end(last):
        months.append(day)
        day = month_end(day + timedelta(days=1))
    return months


def last_month() -> date:
    """The reporting date of the newest partition: the last month that has ended."""
    return month_end(date.fromisoformat(REPORTING_MONTHS.get_last_partition_key()))


def run_reporting_dates(context: dg.AssetExecutionContext) -> list[date]:
    """The reporting dates of the months a run materialises (one, or a backfill's range)."""
    window = context.partition_time_window
    return months_between(window.start.date(), window.end.date() - timedelta(days=1))


def range_tags(first: date, last: date) -> dict[str, str]:
    """The tags of one run over a range of months (how Dagster launches a single-run backfill)."""
    return {"dagster/asset_partition_range_start": month_key(first),
            "dagster/asset_partition_range_end": month_key(last)}
