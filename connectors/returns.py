"""Delivery rules of a multi-file return (the SEN2 person-level return, national-formats.md v2).

A return arrives as one file per module, ``<module>_<YYYYMMDD>.csv``, every module of one delivery
with the same date. A module file is a file-level failure of its delivery (held back, so the
landing gate fails and publication waits) when a sibling module of its date is missing, or when
the header module's LA code is not the folder's council. Each child module's rows must have their
parent record in the parent module of the same delivery: a row whose parent id is not among the
parent's accepted rows is quarantined as ``ORPHAN_RECORD`` (so a child of a quarantined parent is
an orphan too). The parent module lands first (its landing asset is a dependency of the child's).
"""
from __future__ import annotations

from functools import cache

import duckdb
import yaml

from connectors.contracts import CONTRACTS_DIR, Contract, all_contracts, contract_for
from connectors.drop import Delivery
from connectors.readers import FileRejected, read_csv
from connectors.current_files import current_files
from connectors.validation import q, typed_expression

# Per return: the module carrying the LA code, and its column.
HEADER_MODULE = {"sen2": ("sen2_header", "lea")}


@cache
def partner_facts() -> dict[str, dict]:
    """``contracts/_partners.yml``: the one owner of facts about each partner (e.g. a council's LA code)."""
    return yaml.safe_load((CONTRACTS_DIR / "_partners.yml").read_text())


def modules(contract: Contract) -> list[Contract]:
    """Every module of the contract's return, for its partner."""
    return [c for c in all_contracts() if c.partner == contract.partner and c.group == contract.group]


def delivery_rejection(contract: Contract, delivery: Delivery) -> None:
    """Raise ``FileRejected`` when the module file's delivery breaks a rule of the return."""
    if contract.group is None or delivery.path is None or delivery.as_at is None:
        return
    folder, stamp = delivery.path.parent, f"{delivery.as_at:%Y%m%d}"
    missing = [m.extract for m in modules(contract) if not (folder / f"{m.extract}_{stamp}.{m.format}").is_file()]
    if missing:
        raise FileRejected(
            "INCOMPLETE_DELIVERY",
            f"{delivery.name}: the {contract.group.upper()} delivery of {delivery.as_at} has no "
            f"{', '.join(f'{m}_{stamp}.csv' for m in missing)}: every module of one delivery shares its "
            "date, so the delivery is held back until all its module files are in the drop")
    header_extract, column = HEADER_MODULE[contract.group]
    expected = partner_facts()[contract.partner]["dfe_la_code"]
    header = contract_for(contract.partner, header_extract)
    found = _la_codes(header, folder / f"{header_extract}_{stamp}.{header.format}", column)
    if found is None or not found and contract.extract == header_extract:
        if contract.extract == header_extract:
            return  # the header's own landing names what is wrong with it
        raise FileRejected("LA_CODE_MISMATCH", f"{delivery.name}: the delivery's {header_extract} file cannot be "
                                               "read, so its council cannot be confirmed; the delivery is held back")
    if found != {expected}:
        shown = ", ".join(sorted(found)) or "none"
        raise FileRejected(
            "LA_CODE_MISMATCH",
            f"{delivery.name}: the delivery's {header_extract} gives LA code(s) {shown} in {column}, but the "
            f"{contract.partner}/ folder is LA {expected} ({partner_facts()[contract.partner]['name']}); "
            "the delivery is held back: send the council's own return")


def _la_codes(header: Contract, path, column: str) -> set[str] | None:
    """The LA codes in the header module's rows, or None when it cannot be read or lacks the column."""
    try:
        source = read_csv(path.name, path.read_bytes(), header.encoding)
        position = source.header.index(header.column(column).source_header)
        return {row[position].strip() for _, rows in source.batches for row in rows
                if position < len(row) and row[position].strip()}
    except (FileRejected, ValueError, OSError):
        return None


def record_orphans(con: duckdb.DuckDBPyConnection, contract: Contract, file_id: int, delivery: Delivery) -> None:
    """Quarantine the rows of ``parsed_rows`` whose parent id is not an accepted parent record of
    the same delivery (the parent module's accepted file of the same as-at date)."""
    if contract.parent is None:
        return
    parent_extract, column = contract.parent
    parent = contract_for(contract.partner, parent_extract)
    child_id = typed_expression(contract.column(column), contract, None)
    parent_id = parent.column(column).clean_name
    row = con.execute(
        "select file_id from landing.files where partner = ? and extract = ? and as_at = ? "
        "and status = 'accepted' order by file_id desc limit 1",
        [contract.partner, parent_extract, delivery.as_at]).fetchone()
    parents = (f"select {parent_id} from clean.{parent.name} where _file_id = {row[0]} and {parent_id} is not null"
               if row else "select null where false")
    prefix = delivery.name.replace("'", "''")
    con.execute(
        f"insert into landing.row_issues select $file_id, _row_number, '{column}', 'ORPHAN_RECORD', 'quarantined', "
        f"'{prefix}: row ' || _row_number || ', field {column}: ' || case when {child_id} is null "
        f"then 'no parent id' else 'no accepted record with this id in {parent_extract} of the same delivery' end "
        f"from parsed_rows where {child_id} is null or {child_id} not in ({parents})",
        {"file_id": file_id})


def depth(contract: Contract) -> int:
    """How many parent modules are above a module (0 for an extract without a parent): landing in
    increasing depth lands every parent before its children."""
    return 0 if contract.parent is None else 1 + depth(contract_for(contract.partner, contract.parent[0]))


def record_lookup_misses(con: duckdb.DuckDBPyConnection, contract: Contract, file_id: int, delivery: Delivery) -> None:
    """Kept row issues for values not among the keys of another extract's current file (a placement
    URN not in the GIAS establishments file: ``URN_NOT_IN_ESTABLISHMENTS``, placement type unknown).
    Nothing is checked while that extract has no accepted file."""
    for col in contract.columns:
        if col.lookup is None:
            continue
        other = contract_for(contract.partner, col.lookup)
        current = current_files(con).get((other.partner, other.extract))
        if current is None:
            continue
        (key,) = other.key
        reason = f"{col.name.upper()}_NOT_IN_{other.extract.upper()}"
        prefix = delivery.name.replace("'", "''")
        con.execute(
            f"insert into landing.row_issues select $file_id, _row_number, '{col.name}', '{reason}', 'kept', "
            f"'{prefix}: row ' || _row_number || ', field {col.name}: not in the current {other.extract} file "
            f"(row kept, placement type unknown)' from parsed_rows where {q(col.name)} is not null and {q(col.name)} "
            f"not in (select {q(other.column(key).clean_name)} from clean.{other.name} where _file_id = {current[0]})",
            {"file_id": file_id})
