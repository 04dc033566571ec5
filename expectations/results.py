"""Validation outcomes and their history table ``quality.validation_results``.

An outcome keeps counts and percentages only: never a value from a data row, so the table
and everything built from it (asset check metadata, the board report) carry no identifiers.
"""
from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from datetime import date, datetime

import duckdb

RESULTS_TABLE = "quality.validation_results"

_CREATE = f"""
create schema if not exists quality;
create table if not exists {RESULTS_TABLE} (
    suite varchar not null,
    expectation varchar not null,
    column_name varchar,
    asset varchar not null,
    partner varchar,
    extract varchar,
    extract_date date,
    observed_value double,
    unexpected_count bigint,
    unexpected_percent double,
    success boolean not null,
    severity varchar not null,
    description varchar not null,
    run_id varchar not null,
    validated_at timestamp not null
);
alter table {RESULTS_TABLE} add column if not exists rows_checked bigint
"""


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, as stored in ``quality.validation_results``."""

    suite: str
    expectation: str
    column_name: str | None
    asset: str
    partner: str | None
    extract: str | None
    extract_date: date | None
    observed_value: float | None  # a count, percentage or other statistic; never a row value
    unexpected_count: int | None
    unexpected_percent: float | None
    success: bool
    severity: str
    description: str
    run_id: str
    validated_at: datetime
    rows_checked: int | None = None  # rows the expectation looked at (GX's element_count)


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    asset: str
    rows_validated: int
    outcomes: tuple[Outcome, ...]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]

    def failed_with(self, severity: str) -> list[Outcome]:
        return [o for o in self.failed if o.severity == severity]

    @property
    def passed_critical(self) -> bool:
        """True when no critical expectation failed: the asset may feed publication."""
        return not self.failed_with("critical")


def append_results(con: duckdb.DuckDBPyConnection, result: SuiteResult) -> None:
    """Add a suite's outcomes to ``quality.validation_results`` (creating it if needed)."""
    con.execute(_CREATE)
    if not result.outcomes:
        return
    columns = [f.name for f in fields(Outcome)]
    con.executemany(
        f"insert into {RESULTS_TABLE} ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
        [astuple(outcome) for outcome in result.outcomes],
    )
