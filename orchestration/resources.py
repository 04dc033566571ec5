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
    reporting_date: str | None = None  # YYYY-MM-DD; None = latest accepted as-at date
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

    def resolved_reporting_date(self) -> date:
        """The refresh's reporting date: configured, else the newest accepted as-at date."""
        if self.reporting_date:
            return date.fromisoformat(self.reporting_date)
        with self.connect() as con:
            row = con.execute(
                "select max(as_at) from landing.files where status = 'accepted'"
            ).fetchone()
        if row is None or row[0] is None:
            raise ValueError("no accepted extract has landed: cannot choose a reporting date")
        return row[0]


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
