"""A deliberate change of pseudonymisation key: every pseudonym made again from the landed rows.

``landing.<partner>__<extract>`` keeps every received row as it arrived, so each clean row's
pseudonyms are recomputed from its landed row under the new key, exactly as landing under the
new key would have made them. Everything happens in one transaction with the new fingerprint:
a failed rotation leaves the warehouse under the old key.
"""
from __future__ import annotations

import hmac

import duckdb

from connectors.contracts import Contract, all_contracts
from connectors.key_fingerprint import fingerprint, record_fingerprint, recorded_fingerprint
from connectors.pseudonymise import pseudonym_macro
from connectors.validation import MACROS, parsed_rows, q, typed_expression


class RotationError(RuntimeError):
    """The rotation cannot be done; nothing was changed."""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {t for (t,) in con.execute("select schema_name || '.' || table_name from duckdb_tables()").fetchall()}


def _repseudonymise(con: duckdb.DuckDBPyConnection, contract: Contract) -> int:
    """Recompute the extract's pseudonymised columns from its landed rows; the rows changed."""
    columns = [c for c in contract.columns if c.pseudonymised]
    values = ", ".join(f"{typed_expression(c, contract, None)} as {q(c.clean_name)}" for c in columns)
    assignments = ", ".join(f"{q(c.clean_name)} = p.{q(c.clean_name)}" for c in columns)
    clean = f"clean.{contract.name}"
    con.execute(f"update {clean} set {assignments} from (select _file_id, _row_number, {values} from "
                f"({parsed_rows(contract, f'landing.{contract.name}')})) p "
                f"where {clean}._file_id = p._file_id and {clean}._row_number = p._row_number")
    total, matched = con.execute(
        f"select count(*), count(l._row_number) from {clean} c left join landing.{contract.name} l "
        "using (_file_id, _row_number)").fetchone()
    if matched != total:
        raise RotationError(f"{clean}: {total - matched} rows have no landed row to pseudonymise again")
    return total


def rotate_key(con: duckdb.DuckDBPyConnection, old_key: bytes, new_key: bytes) -> dict[str, int]:
    """Re-pseudonymise every clean table under ``new_key`` and record its fingerprint; rows per table."""
    recorded = recorded_fingerprint(con)
    if recorded is None:
        raise RotationError("this warehouse has no recorded key yet: nothing to rotate")
    if not hmac.compare_digest(recorded[0], fingerprint(old_key)):
        raise RotationError("SEND_WAREHOUSE_PSEUDO_KEY is not the warehouse's current key: set it to the "
                            "key the warehouse was built with")
    if hmac.compare_digest(fingerprint(old_key), fingerprint(new_key)):
        raise RotationError("the new key is the same as the current key: nothing to rotate")
    con.execute(MACROS)
    con.execute(pseudonym_macro(new_key))
    tables = _tables(con)
    rotated = {}
    con.execute("begin transaction")
    try:
        for contract in all_contracts():
            if (any(c.pseudonymised for c in contract.columns) and f"clean.{contract.name}" in tables
                    and f"landing.{contract.name}" in tables):
                rotated[f"clean.{contract.name}"] = _repseudonymise(con, contract)
        record_fingerprint(con, new_key)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return rotated
