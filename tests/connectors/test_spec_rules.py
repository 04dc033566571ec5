"""Every "rejected" and "quarantined" rule of the partner extract specification, proved for every
extract it applies to: the cases are generated from the contracts (connectors/contracts/**.yml),
not written per extract, so a new contract or column is covered as soon as it exists.

File level (specification, Delivery): a missing column, an unreadable, empty or header-only file,
a bad name or as-at date is rejected and never replaces the previous good delivery; a correction
replaces it; a byte-identical re-delivery changes nothing. Row level (Identifiers and common
fields, and each extract's codes): a value breaking its column's rule is quarantined, or kept with
the identifier treated as missing, with a reason naming the file, row and field.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from connectors.contracts import AS_AT as AS_AT_BOUND, REFERENCE_DIR, Column, Contract, all_contracts
from connectors.status import current_file, delivery_problems
from connectors.validation import MIN_DATE
from tests.connectors.conftest import AS_AT, TODAY, VALID_ROWS, csv_bytes, extract_bytes, file_name, xlsx_bytes

CONTRACTS = {c.name: c for c in all_contracts()}


def valid_rows(c: Contract) -> list[dict]:
    """Three valid rows: the builders' for partner extracts, the bundled file's first for reference data."""
    if c.name in VALID_ROWS:
        return [dict(zip((col.name for col in c.columns), values)) for values in VALID_ROWS[c.name]]
    (path,) = (REFERENCE_DIR / c.partner).glob(f"{c.extract}_*.{c.format}")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        rows = [next(reader) for _ in range(3)]
    return [{col.name: row[col.source_header] or None for col in c.columns} for row in rows]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value) if "-" in value else \
        date(*map(int, reversed(value.split("/"))))


@dataclass(frozen=True)
class Case:
    column: str
    value: str | None
    reason: str
    action: str = "quarantined"

    @property
    def id(self) -> str:
        return f"{self.column}={self.value}:{self.reason}"


def row_cases(c: Contract, row: dict) -> list[Case]:
    """For every column, a value breaking each rule the contract gives it."""
    cases = []
    for col in c.columns:
        cases += [Case(col.name, value, reason, action) for value, reason, action in _broken_values(col, c, row)]
    return cases


def _broken_values(col: Column, c: Contract, row: dict) -> list[tuple[str | None, str, str]]:
    found = [(None, "MISSING_VALUE", "quarantined")] if col.required else []
    after_as_at = (AS_AT + timedelta(days=1)).isoformat()
    if col.type in ("date", "date_of_birth"):
        found += [("2025-02-30", "WRONG_TYPE", "quarantined"), ("31/07/25", "WRONG_TYPE", "quarantined"),
                  ((date.fromisoformat(MIN_DATE) - timedelta(days=1)).isoformat(), "DATE_OUT_OF_RANGE", "quarantined")]
        if col.not_after == AS_AT_BOUND:
            found.append((after_as_at, "DATE_OUT_OF_RANGE", "quarantined"))
        if col.not_before and row.get(col.not_before):
            found.append(((_as_date(row[col.not_before]) - timedelta(days=1)).isoformat(), "DATE_ORDER", "quarantined"))
        if col.type == "date_of_birth":
            found.append((AS_AT.replace(year=AS_AT.year - 26).isoformat(), "AGE_OVER_25", "quarantined"))
    elif col.type in ("integer", "decimal", "statistic"):
        found += [("1e3", "WRONG_TYPE", "quarantined"), ("-1", "VALUE_OUT_OF_RANGE", "quarantined")]
        found += ([("1.5", "WRONG_TYPE", "quarantined")] if col.type == "integer"
                  else [("nan", "WRONG_TYPE", "quarantined")])
    elif col.type == "code":
        found.append(("NOT_AN_AGREED_CODE", "CODE_NOT_IN_LIST", "quarantined"))
    elif col.type == "yes_no":
        found.append(("2", "CODE_NOT_IN_LIST", "quarantined"))
    elif col.type == "code_list":
        found.append((f"{col.codes[0]}|NOT_AN_AGREED_CODE", "CODE_NOT_IN_LIST", "quarantined"))
    elif col.type == "nhs_number":
        found.append(("9434765918", "INVALID_NHS_NUMBER", "kept"))  # check digit off by one
    elif col.type == "snomed_list":
        found.append(("1082661000000100", "INVALID_SNOMED_ID", "kept"))  # in the value set, fails Verhoeff
    elif col.type == "postcode":
        found.append(("ST16 2A", "INVALID_POSTCODE", "kept"))
    elif col.type == "lsoa" and col.check_lookup:
        found.append(("E01099999", "LSOA_NOT_IN_LOOKUP", "kept"))
    if col.type == "month" and col.not_after == AS_AT_BOUND:
        found.append((f"{AS_AT.year + 1}-01", "DATE_OUT_OF_RANGE", "quarantined"))
    if (col.pattern or col.type in ("upn", "practice_code", "month", "term", "sub_icb_code")
            or (col.type == "lsoa" and not col.check_lookup)):
        found.append(("?", "WRONG_FORMAT", "quarantined"))
    return found


ROW_CASES = [pytest.param(c.name, case, id=f"{c.name}:{case.id}")
             for c in CONTRACTS.values() for case in row_cases(c, valid_rows(c)[1])]
COLUMN_CASES = [pytest.param(c.name, col.source_header, id=f"{c.name}:{col.name}")
                for c in CONTRACTS.values() for col in c.columns]
EXTRACTS = [pytest.param(name, id=name) for name in CONTRACTS]


def land(wh, c: Contract, data: bytes, name: str | None = None, today: date = TODAY):
    name = name or file_name(c.name)
    wh.put(c.partner, name, data)
    outcomes = [o for o in wh.land(c.name, today) if o is not None]
    (outcome,) = [o for o in outcomes if o.file_name == name] or [None]
    return outcome


@pytest.mark.parametrize("name, case", ROW_CASES)
def test_a_value_breaking_its_rule_is_a_row_issue_naming_file_row_and_field(wh, name, case):
    c = CONTRACTS[name]
    rows = valid_rows(c)
    rows[1][case.column] = case.value

    outcome = land(wh, c, extract_bytes(name, rows))

    quarantined = int(case.action == "quarantined")
    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == \
        ("accepted", 3, 3 - quarantined, quarantined)
    issues = [(n, f, r, a) for n, f, r, a, _ in wh.issues(outcome.file_id)]
    assert (3, case.column, case.reason, case.action) in issues
    assert all(n == 3 for n, *_ in issues)
    message = next(m for n, f, r, a, m in wh.issues(outcome.file_id) if (f, r) == (case.column, case.reason))
    assert message.startswith(f"{file_name(name)}: row 3, field {case.column}: ")
    if case.action == "kept":
        (kept,) = [r for r in wh.rows("clean", name, outcome.file_id) if r["_row_number"] == 3]
        assert kept[c.column(case.column).clean_name] is None


SUB_ICB_COLUMNS = [pytest.param(c.name, col.name, id=f"{c.name}:{col.name}")
                   for c in CONTRACTS.values() for col in c.columns if col.type == "sub_icb_code"]


@pytest.mark.parametrize("name, column", SUB_ICB_COLUMNS)
def test_a_sub_icb_code_of_three_or_five_characters_lands_and_four_does_not(wh, name, column):
    """national-formats.md v2: real ODS sub-ICB codes are 3 or 5 characters (05Q, M2L0M), any ICB's."""
    c = CONTRACTS[name]
    rows = valid_rows(c)
    rows[0][column], rows[1][column], rows[2][column] = "05Q", "M2L0M", "M2L0"

    outcome = land(wh, c, extract_bytes(name, rows))

    assert (outcome.rows_accepted, outcome.rows_quarantined) == (2, 1)
    assert [(n, f, r) for n, f, r, *_ in wh.issues(outcome.file_id)] == [(4, column, "WRONG_FORMAT")]


@pytest.mark.parametrize("name", EXTRACTS)
def test_a_repeated_key_is_quarantined_naming_the_first_row(wh, name):
    c = CONTRACTS[name]
    rows = valid_rows(c)
    rows[2].update({k: rows[0][k] for k in c.key})

    outcome = land(wh, c, extract_bytes(name, rows))

    key = "+".join(c.key)
    assert (outcome.rows_accepted, outcome.rows_quarantined) == (2, 1)
    assert wh.issues(outcome.file_id) == [
        (4, key, "DUPLICATE_KEY", "quarantined", f"{file_name(name)}: row 4, field {key}: repeats the key of row 2")]


@pytest.mark.parametrize("name, header", COLUMN_CASES)
def test_a_missing_column_rejects_the_file(wh, name, header):
    c = CONTRACTS[name]
    kept = [col for col in c.columns if col.source_header != header]

    outcome = land(wh, c, _without_column(c, kept, valid_rows(c)))

    assert_rejected(wh, outcome, "MISSING_COLUMN", f"{file_name(name)}: missing required column(s) {header!r}")


def _without_column(c: Contract, kept: list[Column], rows: list[dict]) -> bytes:
    header = [col.source_header for col in kept]
    values = [[row.get(col.name) for col in kept] for row in rows]
    return xlsx_bytes(header, values) if c.format == "xlsx" else csv_bytes(header, values)


def _unreadable(c: Contract) -> bytes:
    if c.format == "xlsx":
        return b"PK\x03\x04 not really a workbook"
    # Neither UTF-8 nor (for a Windows-1252 contract) cp1252, which leaves 0x81 undefined.
    return b"la_child_id\n\xff\xfe\x00caf\xe9\x81\n"


def _header_only(c: Contract) -> bytes:
    return extract_bytes(c.name, [])


@pytest.mark.parametrize("name", EXTRACTS)
@pytest.mark.parametrize("fault, data, reason", [
    ("empty", lambda c: b"", "EMPTY_FILE"),
    ("header only", _header_only, "EMPTY_FILE"),
    ("unreadable", _unreadable, "UNREADABLE"),
], ids=["empty", "header-only", "unreadable"])
def test_an_empty_or_unreadable_file_is_rejected_and_the_previous_delivery_stays(empty_wh, name, fault, data, reason):
    wh, c = empty_wh, CONTRACTS[name]
    good = land(wh, c, extract_bytes(name, valid_rows(c)))

    outcome = land(wh, c, data(c))

    assert (outcome.status, wh.file(outcome.file_id)["reason_code"]) == ("rejected", reason)
    assert wh.file(outcome.file_id)["message"].startswith(f"{file_name(name)}: ")
    assert current_file(wh.con, c)[0] == good.file_id
    assert delivery_problems(wh.con, c)[0].startswith(f"{c.partner}/{file_name(name)}: rejected — ")


@pytest.mark.parametrize("name", EXTRACTS)
@pytest.mark.parametrize("file, reason", [
    ("{extract}_2025-07-31.{format}", "BAD_FILE_NAME"),
    ("{extract}_20250231.{format}", "BAD_FILE_NAME"),
    ("{extract}_20250731.{other}", "BAD_FILE_NAME"),
    ("{extract}_20250805.{format}", "BAD_AS_AT_DATE"),
], ids=["dashed-date", "no-such-date", "wrong-type", "future"])
def test_a_bad_name_or_as_at_date_is_rejected(wh, name, file, reason):
    c = CONTRACTS[name]
    bad = file.format(extract=c.extract, format=c.format, other="xlsx" if c.format == "csv" else "csv")

    outcome = land(wh, c, extract_bytes(name, valid_rows(c)), bad)

    assert_rejected(wh, outcome, reason, wh.file(outcome.file_id)["message"])
    assert wh.file(outcome.file_id)["message"].startswith(f"{bad}: ")


@pytest.mark.parametrize("name", EXTRACTS)
def test_a_correction_replaces_the_delivery_and_the_same_bytes_again_change_nothing(empty_wh, name):
    wh, c = empty_wh, CONTRACTS[name]
    first = land(wh, c, extract_bytes(name, valid_rows(c)))
    corrected = extract_bytes(name, valid_rows(c)[:2])  # built once: a workbook's bytes carry its save time
    correction = land(wh, c, corrected)

    assert land(wh, c, corrected) is None
    assert (wh.file(first.file_id)["status"], wh.file(correction.file_id)["status"]) == ("superseded", "accepted")
    assert current_file(wh.con, c)[0] == correction.file_id
    assert delivery_problems(wh.con, c) == []


def assert_rejected(wh, outcome, reason: str, message: str) -> None:
    row = wh.file(outcome.file_id)
    assert (outcome.status, row["reason_code"], row["message"]) == ("rejected", reason, message)
    assert (row["rows_received"], row["rows_accepted"], row["rows_quarantined"]) == (0, 0, 0)
    assert wh.issues(outcome.file_id) == []


def test_every_contract_and_rule_kind_is_covered():
    """The generator knows every column type a contract may use (a new one must get its rule here)."""
    from connectors.contracts import COLUMN_TYPES

    covered = {CONTRACTS[p.values[0]].column(p.values[1].column).type for p in ROW_CASES}
    # Free text, ids and names (landing only) have no rule of their own.
    assert covered >= COLUMN_TYPES - {"text", "identifier", "name"}
    assert {p.values[0] for p in ROW_CASES} == set(CONTRACTS)
