"""The national Reasonable Adjustment vocabulary at landing (national-formats.md v2): code lists read
from reference/radf/, SNOMED CT adjustment ids checked by their Verhoeff check digit (a failing id
is dropped, the row kept, INVALID_SNOMED_ID) and then against the value set (kept,
CODE_NOT_IN_VALUE_SET). The check digits below were worked by hand from Verhoeff's tables."""
from __future__ import annotations

import csv

import duckdb
import pytest

from connectors.contracts import REFERENCE_DIR
from connectors.validation import MACROS
from tests.connectors.conftest import contract, valid_rows

FLAGS = ["mpft__reasonable_adjustment_flags", "nscht__reasonable_adjustment_flags"]
# In the value set as published, failing their check digit (a 16-digit number cut to 15 significant digits).
TRUNCATED = ("1082661000000100", "1082551000000100")
# The same ids with their valid check digits: pass, but not in the value set.
REPAIRED = ("1082661000000107", "1082551000000105")


def _value_set() -> list[str]:
    with (REFERENCE_DIR / "radf" / "ra_flag_codes.csv").open(encoding="utf-8", newline="") as f:
        return [row["snomed_code"] for row in csv.DictReader(f)]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(MACROS)
    yield con
    con.close()


@pytest.mark.parametrize("sctid, valid", [
    ("225861007", True), ("441092009", True), ("1082681000000103", True), *((r, True) for r in REPAIRED),
    *((t, False) for t in TRUNCATED),
    ("73618009", False),  # the implementation guide's RAFlagExample2 (not in the value set either)
    ("225861008", False), ("252861007", False),  # one digit changed; two neighbours swapped
    ("12345", False), ("1234567890123456789", False), ("22586100x", False), ("", False), (None, False),
])
def test_snomed_check_digit(con, sctid, valid):
    assert con.execute("select snomed_valid(?)", [sctid]).fetchone()[0] is valid


def test_exactly_the_two_truncated_ids_of_the_value_set_fail(con):
    codes = _value_set()
    failing = [c for c in codes if not con.execute("select snomed_valid(?)", [c]).fetchone()[0]]
    assert (len(codes), len(set(codes)), failing) == (348, 339, list(TRUNCATED))


@pytest.mark.parametrize("name", FLAGS)
def test_the_contracts_read_the_national_code_lists(name):
    c = contract(name)
    assert c.column("consent").codes == ("RACONSENT", "RADISSENT", "RAREVOKED")
    assert c.column("impairments").codes == tuple(str(n) for n in [*range(1, 11), 12])
    assert c.column("adjustment_categories").codes == tuple(f"{n:03d}" for n in range(1, 12))
    assert c.column("adjustments").codes == tuple(dict.fromkeys(_value_set()))
    assert not any(c.column(n).required for n in ("consent", "recorded_by", "impairments",
                                                  "adjustment_categories", "adjustments"))


@pytest.mark.parametrize("name", FLAGS)
def test_an_id_failing_its_check_digit_is_dropped_and_one_outside_the_value_set_kept(wh, name):
    rows = valid_rows(name)
    rows[0]["adjustments"] = f"441092009|{TRUNCATED[0]}|225861007"
    rows[1]["adjustments"] = f"{TRUNCATED[1]}"
    rows[2]["adjustments"] = f"{REPAIRED[0]}|441092009"

    outcome = wh.land_one(name, rows)

    assert (outcome.rows_accepted, outcome.rows_quarantined) == (3, 0)
    assert [(n, f, r, a) for n, f, r, a, _ in wh.issues(outcome.file_id)] == [
        (2, "adjustments", "INVALID_SNOMED_ID", "kept"),
        (3, "adjustments", "INVALID_SNOMED_ID", "kept"),
        (4, "adjustments", "CODE_NOT_IN_VALUE_SET", "kept")]
    assert [r["adjustments"] for r in wh.rows("clean", name, outcome.file_id)] == [
        "441092009|225861007", None, f"{REPAIRED[0]}|441092009"]
    messages = " ".join(m for *_, m in wh.issues(outcome.file_id))
    assert not any(code in messages for code in (*TRUNCATED, REPAIRED[0]))


@pytest.mark.parametrize("name", FLAGS)
def test_an_unknown_impairment_or_category_is_quarantined_with_leading_zeros_significant(wh, name):
    rows = valid_rows(name)
    rows[0]["impairments"] = "11"  # there is no impairment 11
    rows[1]["adjustment_categories"] = "1"  # categories keep their leading zeros: 001

    outcome = wh.land_one(name, rows)

    assert [(n, f, r, a) for n, f, r, a, _ in wh.issues(outcome.file_id)] == [
        (2, "impairments", "CODE_NOT_IN_LIST", "quarantined"),
        (3, "adjustment_categories", "CODE_NOT_IN_LIST", "quarantined")]


def test_a_snomed_id_typed_as_a_number_in_the_workbook_lands_as_its_digits(wh):
    name = "nscht__reasonable_adjustment_flags"
    rows = valid_rows(name)
    rows[0]["adjustments"] = 441092009  # a number cell, as Excel keeps a typed id

    outcome = wh.land_one(name, rows)

    assert wh.issues(outcome.file_id) == []
    assert wh.rows("clean", name, outcome.file_id)[0]["adjustments"] == "441092009"
