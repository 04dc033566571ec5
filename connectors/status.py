"""What landed: per-file status with reconciliation, per-extract problems and freshness."""
from __future__ import annotations

from datetime import date

import duckdb

from connectors.contracts import Contract, all_contracts


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
    """(file_id, as_at) of the newest accepted delivery with as-at on or before the date."""
    return con.execute(
        "select file_id, as_at from landing.files where partner = ? and extract = ? "
        "and status = 'accepted' and as_at <= coalesce(?, as_at) order by as_at desc, file_id desc limit 1",
        [contract.partner, contract.extract, reporting_date],
    ).fetchone()


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


def stale_extracts(con: duckdb.DuckDBPyConnection, on: date) -> list[dict]:
    """Extracts whose current delivery is older than their cadence allows, with its age."""
    stale = []
    for contract in all_contracts():
        current = current_file(con, contract, on)
        if current is None:
            continue
        age = (on - current[1]).days
        if age > contract.max_age_days:
            stale.append({"partner": contract.partner, "extract": contract.extract,
                          "as_at": current[1].isoformat(), "age_days": age,
                          "cadence": contract.cadence, "max_age_days": contract.max_age_days})
    return stale
