"""What landed: per-file status with reconciliation, per-extract problems and freshness.

A run writes what landed to ``HOME/status.json`` (``write_status_file``) at every landing step,
so ``send-warehouse status`` never opens the warehouse file a running refresh writes.
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime, UTC
from pathlib import Path

import duckdb

from connectors.contracts import Contract, all_contracts, contract_for
from connectors.current_files import current_files
from connectors.delivery_quality import quality_problems

STATUS_FILE = "status.json"


def file_statuses(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every received file with its counts, quarantine reasons and rejection message."""
    rows = con.execute("""
        select f.partner, f.extract, f.as_at, f.file_name, f.status, f.rows_received,
               f.rows_accepted, f.rows_quarantined, f.message, f.file_id
        from landing.files f order by f.file_id
    """).fetchall()
    reasons: dict[int, dict[str, int]] = {}
    for file_id, reason, n in con.execute("""
        select file_id, reason_code, count(distinct row_number) from landing.row_issues
        group by all order by file_id, count(distinct row_number) desc, reason_code
    """).fetchall():
        reasons.setdefault(file_id, {})[reason] = n
    keys = ("partner", "extract", "as_at", "file_name", "status", "rows_received",
            "rows_accepted", "rows_quarantined", "message")
    out = []
    for row in rows:
        record = dict(zip(keys, row[:9]))
        record["as_at"] = record["as_at"].isoformat() if record["as_at"] else None
        record["quarantine_reasons"] = reasons.get(row[9], {})
        out.append({k: record[k] for k in (*keys[:8], "quarantine_reasons", "message")})
    return out


def _newest_receipt(con, contract: Contract):
    return con.execute(
        "select file_id, file_name, status, message from landing.files where partner = ? and extract = ? "
        "and status != 'duplicate' order by file_id desc limit 1",
        [contract.partner, contract.extract],
    ).fetchone()


def current_file(con, contract: Contract, reporting_date: date | None = None):
    """(file_id, as_at) of the extract's current file for the date (connectors.current_files), or None."""
    return current_files(con, reporting_date).get((contract.partner, contract.extract))


def delivery_problems(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[str]:
    """Why this extract blocks publication: missing, newest delivery rejected, or not reconciling."""
    newest = _newest_receipt(con, contract)
    if newest is None:
        return [f"{contract.partner}/{contract.extract}: no delivery received"]
    problems = []
    if newest[2] == "rejected":
        problems.append(f"{contract.partner}/{newest[1]}: rejected — {newest[3]}")
    elif current_file(con, contract) is None:
        problems.append(f"{contract.partner}/{contract.extract}: no accepted delivery")
    problems += quality_problems(con, contract, current_file(con, contract))
    for file_name, received, accepted, quarantined in con.execute(
        "select file_name, rows_received, rows_accepted, rows_quarantined from landing.files "
        "where partner = ? and extract = ? and rows_received != rows_accepted + rows_quarantined",
        [contract.partner, contract.extract],
    ).fetchall():
        problems.append(f"{contract.partner}/{file_name}: {received} rows received but {accepted} "
                        f"accepted + {quarantined} quarantined — rows unaccounted for")
    return problems


def extract_status(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict:
    """Figures of the extract's current delivery, for asset metadata."""
    row = con.execute(
        "select file_name, as_at, rows_received, rows_accepted, rows_quarantined from landing.files "
        "where file_id = ?", [(current_file(con, contract) or (None,))[0]],
    ).fetchone()
    if row is None:
        return {"current_file": None}
    return dict(zip(("current_file", "as_at", "rows_received", "rows_accepted", "rows_quarantined"),
                    (row[0], row[1].isoformat(), *row[2:])))


def current_deliveries(con: duckdb.DuckDBPyConnection, on: date | None = None) -> list[dict]:
    """Partner, extract and as-at date of every extract's current delivery (on or before ``on``)."""
    current = current_files(con, on)
    return [{"partner": c.partner, "extract": c.extract, "as_at": current[c.partner, c.extract][1].isoformat()}
            for c in all_contracts() if (c.partner, c.extract) in current]


def stale_among(deliveries: list[dict], on: date) -> list[dict]:
    """The current deliveries older on ``on`` than their extract's cadence allows, with their age."""
    stale = []
    for delivery in deliveries:
        contract = contract_for(delivery["partner"], delivery["extract"])
        age = (on - date.fromisoformat(delivery["as_at"])).days
        if age > contract.max_age_days:
            stale.append({**delivery, "age_days": age, "cadence": contract.cadence,
                          "max_age_days": contract.max_age_days})
    return stale


def stale_extracts(con: duckdb.DuckDBPyConnection, on: date) -> list[dict]:
    """Extracts whose current delivery is older than their cadence allows, with its age."""
    return stale_among(current_deliveries(con, on), on)


def write_status_file(home: Path, con: duckdb.DuckDBPyConnection, stage: str) -> None:
    """``HOME/status.json``: every file's status and the current deliveries, after ``stage``;
    written to a temporary file and renamed, so a reader sees the old or the new one whole."""
    document = {"updated_at": datetime.now(UTC).isoformat(timespec="seconds"), "stage": stage,
                "files": file_statuses(con), "current_deliveries": current_deliveries(con)}
    temporary = home / f".{STATUS_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, home / STATUS_FILE)


def read_status_file(home: Path) -> dict | None:
    """The last status a run wrote under ``home``, or None when none has."""
    path = home / STATUS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
