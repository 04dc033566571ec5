"""Landing: the manifest, the unchanged rows, row-level quarantine and the clean (pseudonymised) table.

Every received row ends in ``clean.<extract>`` or in ``landing.row_issues`` as quarantined,
and ``landing.files`` records the three counts so they can be reconciled.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, UTC
from pathlib import Path

import duckdb
import pyarrow as pa

from connectors.contracts import Contract
from connectors.current_files import current_files
from connectors.drop import Delivery
from connectors.pseudonymise import pseudonym_macro
from connectors.returns import delivery_rejection, record_lookup_misses, record_orphans
from connectors.readers import FileRejected, Source, read_csv, read_database, read_xlsx
from connectors.validation import MACROS, key_expression, parsed_rows, q, row_checks, typed_expression

SCHEMA = """
create schema if not exists landing;
create schema if not exists clean;
create sequence if not exists landing.file_ids;
create table if not exists landing.files (
    file_id integer, partner varchar, extract varchar, as_at date, file_name varchar,
    source varchar, sha256 varchar, size_bytes bigint, rows_received bigint,
    rows_accepted bigint, rows_quarantined bigint, received_at timestamp,
    status varchar, reason_code varchar, message varchar
);
create table if not exists landing.row_issues (
    file_id integer, row_number integer, field varchar, reason_code varchar,
    action varchar, message varchar
);
"""
_CLEAN_TYPES = {"date": "date", "date_of_birth": "date", "integer": "integer", "decimal": "double"}


@dataclass(frozen=True)
class LandingOutcome:
    file_id: int
    file_name: str
    status: str  # accepted | rejected | duplicate
    rows_received: int
    rows_accepted: int
    rows_quarantined: int
    message: str | None


def prepare(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Create the landing schema and register the functions validation relies on."""
    con.execute(SCHEMA)
    con.execute(MACROS)
    con.execute(pseudonym_macro(key))


def land(con: duckdb.DuckDBPyConnection, contract: Contract, delivery: Delivery,
         landing_dir: Path) -> LandingOutcome | None:
    """Land one delivery; None when the same bytes under the same name already landed."""
    data = delivery.path.read_bytes() if delivery.path else None
    source: Source | None = None
    try:
        if delivery.problem:
            raise FileRejected("BAD_AS_AT_DATE" if delivery.problem.endswith("is in the future")
                               else "BAD_FILE_NAME", delivery.problem)
        delivery_rejection(contract, delivery)  # a module of a multi-file return: its delivery's rules
        if data is not None and _is_current(con, contract, delivery.name, _sha256(data)):
            return None  # the current file again, known by its bytes before it is read
        if delivery.database:
            source = read_database(delivery.database.url, delivery.database.table,
                                   tuple(contract.column(k).source_header for k in contract.key))
        elif contract.format == "xlsx":
            source = read_xlsx(delivery.name, data)
        else:
            source = read_csv(delivery.name, data, contract.encoding)
    except FileRejected as rejected:
        return _record_rejection(con, contract.partner, contract.extract, delivery, data, rejected)
    if data is None and _is_current(con, contract, delivery.name, source.sha256):
        return None  # a database table whose rows are the current ones again
    seen = _received_under_another_name(con, contract, source.sha256, delivery.name)
    if data is not None:
        landing_dir.mkdir(parents=True, exist_ok=True)
        (landing_dir / f"{source.sha256}{Path(delivery.name).suffix}").write_bytes(data)
    if seen is not None:
        return _record(con, contract.partner, contract.extract, delivery, source.sha256,
                       source.size_bytes, "duplicate", None,
                       f"{delivery.name}: byte-identical to {seen}, already received; nothing changed")
    con.execute("begin transaction")
    try:
        outcome = _land_rows(con, contract, delivery, source)
    except FileRejected as rejected:
        con.execute("rollback")
        return _record_rejection(con, contract.partner, contract.extract, delivery, data, rejected,
                                 source.sha256)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return outcome


def record_unrecognised(con: duckdb.DuckDBPyConnection, delivery: Delivery) -> LandingOutcome | None:
    """Record a drop entry no contract lands as rejected (once while it stays unchanged)."""
    data = delivery.path.read_bytes() if delivery.readable else None
    return _record_rejection(con, delivery.partner, None, delivery, data,
                             FileRejected(delivery.reason_code, delivery.problem))


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _newest_receipt(con, partner: str, extract: str | None, name: str) -> tuple[str | None, str] | None:
    """(sha256, status) of the newest record of a file name for the extract: the file now current."""
    return con.execute(
        "select sha256, status from landing.files where partner = ? and extract is not distinct from ? "
        "and file_name = ? order by file_id desc limit 1", [partner, extract, name],
    ).fetchone()


def _is_current(con, contract: Contract, name: str, sha256: str) -> bool:
    """The newest receipt of the name is these bytes, landed (or a recorded duplicate): nothing changes."""
    newest = _newest_receipt(con, contract.partner, contract.extract, name)
    return newest is not None and newest[0] == sha256 and newest[1] != "rejected"


def _received_under_another_name(con, contract: Contract, sha256: str, name: str) -> str | None:
    """The first other name these bytes were accepted under (a copy with a new name), if any.

    Under the same name, the newest delivery is current whatever it resembles: an earlier
    version sent again (a partner undoing a correction or a rejected file) lands again.
    """
    row = con.execute(
        "select file_name from landing.files where partner = ? and extract = ? and sha256 = ? "
        "and status in ('accepted', 'superseded') and file_name != ? order by file_id limit 1",
        [contract.partner, contract.extract, sha256, name],
    ).fetchone()
    return row[0] if row else None


def _record(con, partner, extract, delivery: Delivery, sha256, size, status, reason, message,
            counts=(0, 0, 0)) -> LandingOutcome:
    file_id = con.execute("select nextval('landing.file_ids')").fetchone()[0]
    con.execute(
        "insert into landing.files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [file_id, partner, extract, delivery.as_at, delivery.name,
         "database" if delivery.database else "file", sha256, size, *counts,
         datetime.now(UTC).replace(tzinfo=None), status, reason, message],
    )
    return LandingOutcome(file_id, delivery.name, status, *counts, message)


def _record_rejection(con, partner, extract, delivery, data, rejected: FileRejected, sha=None):
    if data is not None:
        sha = _sha256(data)
    if not delivery.database and _newest_receipt(con, partner, extract, delivery.name) == (sha, "rejected"):
        return None  # the same rejected file again: recorded once (every attempt at a database is recorded)
    return _record(con, partner, extract, delivery, sha, len(data) if data is not None else None,
                   "rejected", rejected.reason_code, rejected.message)


def _check_header(contract: Contract, source: Source) -> tuple[list[int | None], str | None]:
    """Position of each contract column in the file; rejects when a column is missing or repeated.
    Missing columns are named first: a file without a header has its first row read as one, and a
    repeated value there is data, never quoted (only the contract's own column names are)."""
    positions = {h: i for i, h in enumerate(source.header)}
    missing = [c.source_header for c in contract.columns if c.source_header not in positions]
    if missing:
        hint = ""
        if len(source.header) == 1 and any(d in source.header[0] for d in ";\t|"):
            hint = " (the header is one field: is the file comma-separated?)"
        raise FileRejected(
            "MISSING_COLUMN",
            f"{source.name}: missing required column(s) {', '.join(repr(m) for m in missing)}{hint}",
        )
    known = {c.source_header for c in contract.columns}
    repeated = sorted({h for h in source.header if h and source.header.count(h) > 1}, key=source.header.index)
    if repeated:
        where = "; ".join((repr(h) if h in known else "a name outside the contract") + " in columns "
                          + ", ".join(str(i + 1) for i, x in enumerate(source.header) if x == h) for h in repeated)
        raise FileRejected("DUPLICATE_COLUMN", f"{source.name}: the header repeats column name(s): {where}; "
                                               "send each column once")
    expected = {c.source_header for c in contract.columns}
    extra = [h for h in source.header if h not in expected]
    note = (f"{source.name}: unexpected extra column(s) ignored: {', '.join(repr(e) for e in extra)}"
            if extra else None)
    return [positions[c.source_header] for c in contract.columns], note


def _land_rows(con, contract: Contract, delivery: Delivery, source: Source) -> LandingOutcome:
    positions, note = _check_header(contract, source)
    outcome = _record(con, contract.partner, contract.extract, delivery, source.sha256,
                      source.size_bytes, "accepted", None, note)
    file_id = outcome.file_id
    table = f"landing.{contract.name}"
    columns = [c.name for c in contract.columns]
    con.execute(f"create table if not exists {table} (_file_id integer, _row_number integer, "
                + ", ".join(f"{q(c)} varchar" for c in columns) + ")")
    width = len(source.header)
    as_received = ", ".join(f"nullif({q(c)}, '')" for c in columns)  # an empty field is null
    malformed: list[int] = []
    received = False
    for numbers, batch in source.batches:
        received = True
        bad = ([] if set(map(len, batch)) == {width}
               else [n for n, row in zip(numbers, batch) if len(row) != width])
        malformed.extend(bad)
        arrays = {"_file_id": pa.array([file_id] * len(batch), pa.int32()),
                  "_row_number": pa.array(numbers, pa.int32())}
        # Transposing in C when every row has the header's width; short rows are padded with nulls.
        fields = list(zip(*batch)) if not bad else None
        for name, pos in zip(columns, positions):
            values = fields[pos] if fields else [row[pos] if pos < len(row) else None for row in batch]
            arrays[name] = pa.array(values, pa.string())
        con.register("_batch", pa.table(arrays))
        con.execute(f"insert into {table} select _file_id, _row_number, {as_received} from _batch")
        con.unregister("_batch")
    if not received:
        raise FileRejected("EMPTY_FILE", f"{source.name}: header only, no data rows")
    field_at = dict(zip(positions, columns))
    cell_issues = [(n, field_at[pos], reason, message) for n, pos, reason, message in source.cell_issues
                   if pos in field_at]
    empty = [n for (n,) in con.execute(
        f"select _row_number from {table} where _file_id = ? and "
        + " and ".join(f"nullif(trim({q(c)}), '') is null" for c in columns), [file_id]).fetchall()
        if n not in {*malformed, *(n for n, *_ in cell_issues)}]
    set_aside = sorted({*malformed, *empty, *(n for n, *_ in cell_issues)})
    lookup = _lookup_sql(con, contract)
    _parse_rows(con, contract, file_id, set_aside)
    _record_row_issues(con, contract, file_id, delivery, malformed, empty, cell_issues, lookup)
    record_orphans(con, contract, file_id, delivery)
    record_lookup_misses(con, contract, file_id, delivery)
    _insert_clean(con, contract, file_id, delivery.as_at, lookup)
    con.execute("drop table parsed_rows")
    return _finish(con, contract, delivery, file_id, note)


def _lookup_sql(con, contract: Contract) -> str | None:
    """The LSOA codes of the current lookup (no reporting date), as a temp table; None if none landed."""
    if not contract.has_lsoa:
        return None
    current = current_files(con).get(("icb", "lsoa_lookup"))
    if current is None:
        return None
    con.execute("create or replace temp table current_lsoa as select distinct lsoa_code "
                f"from clean.icb__lsoa_lookup where _file_id = {current[0]}")
    return "select lsoa_code from current_lsoa"


def _parse_rows(con, contract: Contract, file_id: int, set_aside: list[int]) -> None:
    """The file's rows, parsed once, as the temp table ``parsed_rows``: all but those set aside
    (malformed, empty, or with a value the reader could not give), which get their one issue."""
    rows = (f"landing.{contract.name} where _file_id = $file_id "
            "and _row_number not in (select unnest($set_aside::integer[]))")
    con.execute(f"create or replace temp table parsed_rows as {parsed_rows(contract, rows)}",
                {"file_id": file_id, "set_aside": set_aside})


def _record_row_issues(con, contract: Contract, file_id: int, delivery: Delivery, malformed: list[int],
                       empty: list[int], cell_issues: list[tuple[int, str, str, str]], lookup: str | None) -> None:
    """Rows set aside get that one issue (their fields cannot be trusted or there are none);
    the others are checked."""
    prefix = delivery.name.replace("'", "''")
    for numbers, reason, problem in (
            (malformed, "MALFORMED_ROW", "the row has a different number of fields from the header"),
            (empty, "EMPTY_ROW", "every field is empty")):
        con.execute(
            f"insert into landing.row_issues select $file_id, n, '(row)', '{reason}', 'quarantined', "
            f"'{prefix}: row ' || n || ': {problem}' from unnest($rows::integer[]) t(n)",
            {"file_id": file_id, "rows": numbers},
        )
    if cell_issues:
        con.executemany("insert into landing.row_issues values (?, ?, ?, ?, 'quarantined', ?)",
                        [[file_id, n, field, reason, f"{delivery.name}: row {n}, field {field}: {message}"]
                         for n, field, reason, message in cell_issues])
    selects = [
        f"select _file_id, _row_number, '{c.field}', '{c.reason}', '{c.action}', "
        f"'{prefix}: row ' || _row_number || ', field {c.field}: {c.message}' "
        f"from parsed_rows where {c.condition}"
        for col in contract.clean_columns for c in row_checks(col, contract, lookup)
    ]
    key = ", ".join(key_expression(contract.column(k)) for k in contract.key)
    selects.append(
        f"select _file_id, _row_number, '{'+'.join(contract.key)}', 'DUPLICATE_KEY', 'quarantined', "
        f"'{prefix}: row ' || _row_number || ', field {'+'.join(contract.key)}: repeats the key of row ' || first_row "
        f"from (select _file_id, _row_number, min(_row_number) over (partition by {key}) as first_row "
        "from parsed_rows where "
        # An empty required key part is already a row issue; an optional one (a DfE national row's
        # region) is part of the key, nulls comparing equal as window partitions do.
        + " and ".join(["true", *(f"{key_expression(contract.column(k))} is not null"
                                  for k in contract.key if contract.column(k).required)])
        + ") where _row_number > first_row"
    )
    if contract.one_per_parent:
        column, value, reason = contract.one_per_parent
        parent = q(contract.parent[1])
        selects.append(
            f"select _file_id, _row_number, '{column}', '{reason}', 'kept', '{prefix}: row ' || _row_number || "
            f"', field {column}: more than one row of {contract.parent[1]} ' || {parent} || ' has {column} {value} "
            "(row kept, which is right is unknown)' from (select *, count(*) over (partition by "
            f"{parent}) as rows_with from parsed_rows where trim({q(column)}) = '{value}' and {parent} is not null) "
            "where rows_with > 1")
    sql = "insert into landing.row_issues " + "\nunion all\n".join(selects)
    params = {"file_id": file_id, "as_at": delivery.as_at}
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def _insert_clean(con, contract: Contract, file_id: int, as_at: date, lookup: str | None) -> None:
    definitions = ", ".join(
        f"{q(c.clean_name)} {_CLEAN_TYPES.get(c.type, 'varchar')}" for c in contract.clean_columns
    )
    con.execute(f"create table if not exists clean.{contract.name} "
                f"(_file_id integer, _row_number integer, _as_at date, {definitions})")
    values = ", ".join(typed_expression(c, contract, lookup) for c in contract.clean_columns)
    con.execute(
        f"insert into clean.{contract.name} select _file_id, _row_number, $as_at, {values} "
        f"from parsed_rows where _row_number not in ("
        "select row_number from landing.row_issues where file_id = $file_id and action = 'quarantined')",
        {"file_id": file_id, "as_at": as_at},
    )


def _finish(con, contract: Contract, delivery: Delivery, file_id: int, note: str | None) -> LandingOutcome:
    received, accepted, quarantined = con.execute(
        f"""select (select count(*) from landing.{contract.name} where _file_id = $f),
                   (select count(*) from clean.{contract.name} where _file_id = $f),
                   (select count(distinct row_number) from landing.row_issues
                     where file_id = $f and action = 'quarantined')""",
        {"f": file_id},
    ).fetchone()
    con.execute(
        "update landing.files set rows_received = ?, rows_accepted = ?, rows_quarantined = ? where file_id = ?",
        [received, accepted, quarantined, file_id],
    )
    con.execute(
        "update landing.files set status = 'superseded' where partner = ? and extract = ? and as_at = ? "
        "and status = 'accepted' and file_id != ?",
        [contract.partner, contract.extract, delivery.as_at, file_id],
    )
    return LandingOutcome(file_id, delivery.name, "accepted", received, accepted, quarantined, note)
