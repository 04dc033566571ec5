"""The warehouse remembers which pseudonymisation key built it, by a fingerprint that cannot give the key back.

The fingerprint is the HMAC-SHA256 of a fixed label under the key: the same key always gives the
same fingerprint, and without the key no one can compute it or learn anything about the key. It
is stored in ``landing.pseudonymisation_key``; a refresh under another key is refused, because its
pseudonyms would match none of those already in the warehouse.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, UTC

import duckdb

LABEL = b"send-warehouse pseudonymisation key fingerprint v1"
TABLE = "landing.pseudonymisation_key"


class KeyMismatchError(RuntimeError):
    """The key in use is not the one the warehouse was built with."""


def fingerprint(key: bytes) -> str:
    return hmac.new(key, LABEL, hashlib.sha256).hexdigest()


def recorded_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[str, datetime] | None:
    """(fingerprint, when recorded) of the warehouse's key, or None before anything landed."""
    exists = con.execute("select 1 from duckdb_tables() where schema_name = 'landing' "
                         "and table_name = 'pseudonymisation_key'").fetchone()
    return con.execute(f"select fingerprint, recorded_at from {TABLE}").fetchone() if exists else None


def record_fingerprint(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Store the key's fingerprint as the warehouse's (replacing any earlier one)."""
    con.execute("create schema if not exists landing")
    con.execute(f"create table if not exists {TABLE} (fingerprint varchar, recorded_at timestamp)")
    con.execute(f"delete from {TABLE}")
    con.execute(f"insert into {TABLE} values (?, ?)",
                [fingerprint(key), datetime.now(UTC).replace(tzinfo=None)])


def verify_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Accept the key the warehouse was built with (recording it on first use); refuse any other."""
    recorded = recorded_fingerprint(con)
    if recorded is None:
        record_fingerprint(con, key)
    elif not hmac.compare_digest(recorded[0], fingerprint(key)):
        raise KeyMismatchError(
            "SEND_WAREHOUSE_PSEUDO_KEY is not the key this warehouse was built with (its key was "
            f"recorded on {recorded[1]:%Y-%m-%d %H:%M} UTC): pseudonyms made with it would match none "
            "already landed. Set the warehouse's key again, or change key deliberately with "
            "`send-warehouse rotate-key --home HOME` (see the README); nothing was landed."
        )
