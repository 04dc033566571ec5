"""Dagster resources: the warehouse home and its DuckDB file, configured from the environment."""
from __future__ import annotations

from datetime import date
import fcntl
from pathlib import Path
from typing import IO

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from connectors.pseudonymise import KEY_ENV, key_problem
from orchestration.partitions import month_end
from expectations.data_docs import DataDocs


class RunLockHeld(RuntimeError):
    """Another run holds the warehouse home's run lock."""


def take_run_lock(home: Path) -> IO:
    """An exclusive lock on ``HOME/.run.lock`` (released when the file is closed or the process dies)."""
    home.mkdir(parents=True, exist_ok=True)
    lock = (home / ".run.lock").open("a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise RunLockHeld(f"another refresh or Dagster run is using the warehouse {home}: "
                          "start this one again when it has finished") from None
    return lock


class Warehouse(dg.ConfigurableResource):
    """The warehouse home: DuckDB file, publications and reports live under it."""

    home: str
    _run_lock: IO | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """One run at a time per warehouse home, however it was started (UI, schedule, CLI):
        an exclusive lock on ``HOME/.run.lock``, released when the run ends or its process dies."""
        try:
            self._run_lock = take_run_lock(self.home_path)
        except RunLockHeld as held:
            raise dg.Failure(str(held)) from None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_lock is not None:
            self._run_lock.close()
            self._run_lock = None

    @property
    def home_path(self) -> Path:
        return Path(self.home)

    @property
    def duckdb_path(self) -> Path:
        return self.home_path / "warehouse.duckdb"

    @property
    def reports_dir(self) -> Path:
        return self.home_path / "reports"

    @property
    def data_docs(self) -> DataDocs:
        """GX Data Docs: reduced results under ``quality/gx``, the site under ``reports/data-docs``."""
        return DataDocs(store_dir=self.home_path / "quality" / "gx", site_dir=self.reports_dir / "data-docs")

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        self.home_path.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(self.duckdb_path), read_only=read_only)

    def newest_history_date(self) -> date | None:
        """The newest reporting month ``kpi_history`` holds (None before the first build)."""
        with self.connect() as con:
            return _scalar(con, "marts.kpi_history", "max(reporting_date)")

    def published_reporting_date(self) -> date:
        """The reporting date of the marts (the newest month built), else the month of the newest
        accepted delivery: what a refresh publishes, or would have."""
        with self.connect() as con:
            built = _scalar(con, "marts.kpi_values", "max(reporting_date)")
            newest_file = _scalar(con, "landing.files", "max(as_at) filter (where status = 'accepted')")
        if built is None and newest_file is None:
            raise ValueError("no accepted extract has landed: cannot choose a reporting date")
        return built or month_end(newest_file)


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, name]).fetchone()[0] > 0


def _scalar(con: duckdb.DuckDBPyConnection, table: str, expression: str):
    """One aggregate of a table, None when the table does not exist yet."""
    return con.execute(f"select {expression} from {table}").fetchone()[0] if table_exists(con, table) else None


class DropFolder(dg.ConfigurableResource):
    """Where partners drop their extracts: ``<path>/<partner>/<extract>_<YYYYMMDD>.<ext>``."""

    path: str


class Pseudonymiser(dg.ConfigurableResource):
    """The secret key for keyed hashes of identifiers (never logged, never stored; only its
    fingerprint is kept, in the warehouse). ``demo`` (set by ``--demo``) admits the public demo key."""

    key: str
    demo: bool = False

    def key_bytes(self) -> bytes:
        problem = key_problem(self.key, KEY_ENV, demo=self.demo)
        if problem:
            raise dg.Failure(problem, allow_retries=False)
        return self.key.encode()


class PostgresTarget(dg.ConfigurableResource):
    """The PostgreSQL server the marts are also built on (``SEND_WAREHOUSE_POSTGRES_URL``); optional."""

    url: str
