"""Which reporting months ``send-warehouse refresh`` builds (decision 0030)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from orchestration.drop_sensor import drop_targets
from orchestration.resources import table_exists
from orchestration.partitions import FIRST_MONTH, last_month, month_end, months_between


class MonthsError(ValueError):
    """A ``--months`` value that names no reporting month."""


def parse_months(text: str) -> tuple[date, date]:
    """``YYYY-MM`` or ``YYYY-MM:YYYY-MM`` as (first, last) month ends, within the partitions."""
    parts = text.split(":")
    try:
        if len(parts) > 2:
            raise ValueError(text)
        first, last = (month_end(date.fromisoformat(f"{part}-01")) for part in (parts[0], parts[-1]))
    except ValueError:
        raise MonthsError(f"--months {text!r} is not YYYY-MM or YYYY-MM:YYYY-MM") from None
    if first > last:
        raise MonthsError(f"--months {text!r}: the first month is after the last")
    earliest, latest = month_end(FIRST_MONTH), last_month()
    if first < earliest or last > latest:
        raise MonthsError(f"--months {text!r}: reporting months run from {earliest:%Y-%m} to the last "
                          f"month that has ended, {latest:%Y-%m}")
    return first, last


def months_to_refresh(drop: Path, warehouse: Path) -> tuple[date, date]:
    """By default, every month the drop's files support that the warehouse has not built, and
    always the newest: from the first such month to the newest (a month that has not ended waits)."""
    latest = last_month()
    dated = [t.as_at for t in drop_targets(drop).values() if t.as_at]
    if not dated:
        return latest, latest
    newest = min(month_end(max(dated)), latest)
    built = _built_months(warehouse)
    unbuilt = [m for m in months_between(max(min(dated), FIRST_MONTH), newest)
               if m not in built]
    return (unbuilt[0] if unbuilt else newest), newest


def newest_built(warehouse: Path) -> date | None:
    """The newest month the warehouse's ``kpi_history`` holds."""
    return max(_built_months(warehouse), default=None)


def _built_months(warehouse: Path) -> set[date]:
    if not warehouse.exists():
        return set()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not table_exists(con, "marts.kpi_history"):
            return set()
        return {row[0] for row in con.execute("select distinct reporting_date from marts.kpi_history").fetchall()}
