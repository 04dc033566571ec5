"""Faults a hostile partner or a busy engineer produces (issue 16), each with its exact outcome.

The ``wh`` fixture checks after every test that each file's rows reconcile
(received = accepted + quarantined) and match the rows actually landed.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from connectors import validation
from connectors.contracts import ContractError, _code_lists, _load
from connectors.drop import deliveries_for, unrecognised_files
from connectors.landing import land, record_unrecognised
from connectors.status import current_file, delivery_problems, file_statuses
from reporting.figures import rejected_files
from tests.connectors.conftest import (
    NHS, TODAY, contract, csv_bytes, extract_bytes, file_name, valid_rows, xlsx_bytes,
)
from tests.connectors.test_broken_inputs import (
    CENSUS, CENSUS_FILE, CENSUS_HEADER, POST16, SLT, assert_rejected, census_lines, land_census,
)

CAMHS_NORTH = "nscht__camhs_referrals"
CAMHS_NORTH_FILE = file_name(CAMHS_NORTH)
EARLY_YEARS, GP = "council__early_years_entitlements", "icb__gp_registered_population"


def counts(outcome) -> tuple:
    return outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined


def sheet_rows(name: str, rows: list[dict] | None = None) -> tuple[list[str], list[list]]:
    c = contract(name)
    return ([col.source_header for col in c.columns],
            [[row.get(col.name) for col in c.columns] for row in (valid_rows(name) if rows is None else rows)])


# --- 1. a repeated header column ------------------------------------------------------

def test_a_repeated_csv_column_rejects_the_file_instead_of_the_later_blank_column_winning(wh):
    header = [*CENSUS_HEADER, "la_child_id"]
    rows = [[*r.values(), None] for r in valid_rows(CENSUS)]  # the second la_child_id column is blank

    outcome = land_census(wh, csv_bytes(header, rows))

    assert_rejected(wh, outcome, "DUPLICATE_COLUMN", f"{CENSUS_FILE}: the header repeats column name(s): "
                                                     "'la_child_id' in columns 2, 19; send each column once")


def test_a_repeated_xlsx_human_header_rejects_the_file(wh):
    header, rows = sheet_rows(CAMHS_NORTH)
    wh.put("nscht", CAMHS_NORTH_FILE, xlsx_bytes([*header, "NHS Number"], [[*r, None] for r in rows]))

    (outcome,) = wh.land(CAMHS_NORTH)

    assert_rejected(wh, outcome, "DUPLICATE_COLUMN", f"{CAMHS_NORTH_FILE}: the header repeats column name(s): "
                                                     "'NHS Number' in columns 2, 11; send each column once")


# --- 3. number forms a partner never means ---------------------------------------------

@pytest.mark.parametrize("value", ["1.5", "0x1A", "1e3", "1_000", "+5", "12 0", "½"])
def test_an_integer_is_plain_decimal_digits(wh, value):
    rows = valid_rows(CENSUS)
    rows[1]["sessions_missed"] = value

    outcome = wh.land_one(CENSUS, rows)

    assert counts(outcome) == ("accepted", 3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (3, "sessions_missed", "WRONG_TYPE", "quarantined",
         f"{file_name(CENSUS)}: row 3, field sessions_missed: not a whole number")]


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1_0", "1e1", "0x10", "12,5"])
def test_a_decimal_is_plain_decimal_digits_with_a_point(wh, value):
    rows = valid_rows(EARLY_YEARS)
    rows[0]["hours_taken"] = value

    outcome = wh.land_one(EARLY_YEARS, rows)

    assert counts(outcome) == ("accepted", 3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (2, "hours_taken", "WRONG_TYPE", "quarantined",
         f"{file_name(EARLY_YEARS)}: row 2, field hours_taken: not a number")]


def test_plain_numbers_keep_their_value(wh):
    census, early = valid_rows(CENSUS), valid_rows(EARLY_YEARS)
    census[0]["sessions_missed"], census[1]["suspensions"] = "007", "-1"
    early[0]["hours_taken"], early[1]["hours_taken"] = ".5", "30."

    in_census, in_early = wh.land_one(CENSUS, census), wh.land_one(EARLY_YEARS, early)

    assert [r["sessions_missed"] for r in wh.rows("clean", CENSUS, in_census.file_id)] == [7, 0]
    assert [(n, f, reason) for n, f, reason, *_ in wh.issues(in_census.file_id)] == [
        (3, "suspensions", "VALUE_OUT_OF_RANGE")]  # a minus sign reads, and a count cannot be negative
    assert [r["hours_taken"] for r in wh.rows("clean", EARLY_YEARS, in_early.file_id)] == [0.5, 30.0, 12.5]


def test_without_the_plain_digits_rule_the_casts_would_invent_values(wh, monkeypatch):
    monkeypatch.setitem(validation._NUMBER_FORMS, "integer", ".*")
    rows = valid_rows(CENSUS)
    rows[0]["sessions_missed"], rows[1]["sessions_missed"] = "1.5", "0x1A"

    outcome = wh.land_one(CENSUS, rows)

    assert counts(outcome) == ("accepted", 3, 3, 0)
    assert [r["sessions_missed"] for r in wh.rows("clean", CENSUS, outcome.file_id)][:2] == [2, 26]


# --- 4. XLSX formulas without a value, and a second sheet -------------------------------

def test_an_xlsx_formula_without_a_saved_value_is_a_row_issue_not_an_empty_value(wh):
    header, rows = sheet_rows(CAMHS_NORTH)
    rows[1][header.index("First Contact Date")] = "=DATE(2025,2,3)"  # openpyxl saves no cached value
    wh.put("nscht", CAMHS_NORTH_FILE, xlsx_bytes(header, rows))

    (outcome,) = wh.land(CAMHS_NORTH)

    assert counts(outcome) == ("accepted", 3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (3, "first_contact_date", "FORMULA_WITHOUT_VALUE", "quarantined",
         f"{CAMHS_NORTH_FILE}: row 3, field first_contact_date: a formula cell without a saved value "
         "(open the file in Excel, save it and resend)")]
    assert [r["_row_number"] for r in wh.rows("clean", CAMHS_NORTH, outcome.file_id)] == [2, 4]


def test_a_row_whose_only_value_is_an_unsaved_formula_is_not_dropped(wh):
    header, rows = sheet_rows(CAMHS_NORTH)
    rows.append([None] * len(header))
    rows[-1][header.index("Closed Date")] = "=TODAY()"
    wh.put("nscht", CAMHS_NORTH_FILE, xlsx_bytes(header, rows))

    (outcome,) = wh.land(CAMHS_NORTH)

    assert counts(outcome) == ("accepted", 4, 3, 1)
    assert [(n, f, reason) for n, f, reason, *_ in wh.issues(outcome.file_id)] == [
        (5, "closed_date", "FORMULA_WITHOUT_VALUE")]


def _workbook_with_sheets(name: str, extra: dict[str, list[list]]) -> bytes:
    header, rows = sheet_rows(name)
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    for title, values in extra.items():
        sheet = workbook.create_sheet(title)
        for row in values:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_second_sheet_with_data_rejects_the_file_naming_the_sheet(wh):
    wh.put("nscht", CAMHS_NORTH_FILE, _workbook_with_sheets(CAMHS_NORTH, {
        "Notes": [], "July (part 2)": [["NS-004", NHS[0]]]}))

    (outcome,) = wh.land(CAMHS_NORTH)

    assert_rejected(wh, outcome, "EXTRA_SHEET",
                    f"{CAMHS_NORTH_FILE}: sheet(s) 'July (part 2)' also hold data, but the extract is one "
                    "sheet: move the rows to the first sheet or delete the other sheet(s), and resend")


def test_an_empty_second_sheet_is_harmless(wh):
    wh.put("nscht", CAMHS_NORTH_FILE, _workbook_with_sheets(CAMHS_NORTH, {"Sheet2": [[None, None]]}))

    (outcome,) = wh.land(CAMHS_NORTH)

    assert (counts(outcome), outcome.message) == (("accepted", 3, 3, 0), None)


# --- 5. a row of only delimiters; the same person twice; quoted fields --------------------

def test_a_row_of_only_delimiters_is_quarantined_as_an_empty_row(wh):
    lines = census_lines()
    data = "\n".join([*lines[:2], "," * (len(CENSUS_HEADER) - 1), " , ,", *lines[2:]]).encode()

    outcome = land_census(wh, data)

    assert counts(outcome) == ("accepted", 5, 3, 2)
    assert wh.issues(outcome.file_id) == [
        (3, "(row)", "EMPTY_ROW", "quarantined", f"{CENSUS_FILE}: row 3: every field is empty"),
        (4, "(row)", "MALFORMED_ROW", "quarantined",
         f"{CENSUS_FILE}: row 4: the row has a different number of fields from the header")]


@pytest.mark.parametrize("name, key, spaced", [(GP, "nhs_number", "943 476 5919"), (CENSUS, "upn", None)])
def test_the_same_person_twice_in_a_person_level_extract_keeps_the_first_row(wh, name, key, spaced):
    rows = valid_rows(name)
    rows[2][key] = spaced or rows[0][key]  # the same person, written the same or with spaces

    outcome = wh.land_one(name, rows)

    assert counts(outcome) == ("accepted", 3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (4, key, "DUPLICATE_KEY", "quarantined", f"{file_name(name)}: row 4, field {key}: repeats the key of row 2")]


def test_one_person_in_two_rows_with_different_keys_is_two_records(wh):
    rows = valid_rows(POST16)
    rows[2].update({k: rows[0][k] for k in ("ccis_id", "la_child_id", "upn", "date_of_birth")})

    outcome = wh.land_one(POST16, rows)  # one young person in two months: the key differs

    assert counts(outcome) == ("accepted", 3, 3, 0)


def test_quoted_fields_round_trip_and_rows_after_them_keep_their_number(wh):
    rows = valid_rows(CENSUS)
    rows[0]["school_urn"] = 'Line one\nline "two", with a comma\r\nand three'
    rows[2]["sex"] = "X"

    outcome = land_census(wh, extract_bytes(CENSUS, rows))

    assert wh.rows("clean", CENSUS, outcome.file_id)[0]["school_urn"] == rows[0]["school_urn"]
    assert [(n, f, reason) for n, f, reason, *_ in wh.issues(outcome.file_id)] == [(4, "sex", "CODE_NOT_IN_LIST")]


# --- 6b / 6e. row numbers are the rows a person sees ----------------------------------------

def test_csv_row_numbers_count_blank_lines(wh):
    rows = valid_rows(CENSUS)
    rows[2]["sex"] = "X"
    lines = census_lines(rows)
    data = "\n".join([lines[0], lines[1], "", "", lines[2], lines[3]]).encode()  # header, 2, 3-4 blank, 5, 6

    outcome = land_census(wh, data)

    assert counts(outcome) == ("accepted", 3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (6, "sex", "CODE_NOT_IN_LIST", "quarantined", f"{CENSUS_FILE}: row 6, field sex: not one of the agreed codes")]
    assert [r["_row_number"] for r in wh.rows("landing", CENSUS, outcome.file_id)] == [2, 5, 6]


def test_xlsx_row_numbers_count_empty_sheet_rows(wh):
    header, rows = sheet_rows(CAMHS_NORTH)
    rows[2][header.index("Service Line")] = "NOT_A_SERVICE"
    wh.put("nscht", CAMHS_NORTH_FILE, xlsx_bytes(header, [rows[0], [], rows[1], [None] * len(header), rows[2]]))

    (outcome,) = wh.land(CAMHS_NORTH)

    assert counts(outcome) == ("accepted", 3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (6, "service_line", "CODE_NOT_IN_LIST", "quarantined",
         f"{CAMHS_NORTH_FILE}: row 6, field service_line: not one of the agreed codes")]


# --- 6. drop entries that are not landed -------------------------------------------------

def test_every_drop_entry_not_landed_is_recorded_with_its_reason(wh, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes(extract_bytes(CENSUS, valid_rows(CENSUS)))
    council = wh.drop / "council"
    wh.put("council", CENSUS_FILE, extract_bytes(CENSUS, valid_rows(CENSUS)))
    wh.put("council", "..\\..\\school_census_20250731.csv", b"x")
    wh.put("council", ".school_census_20250831.csv", b"y")
    os.symlink(council / "school_census_20250630.csv", council / "school_census_20250531.csv")  # dangling
    os.symlink(outside, council / "school_census_20250430.csv")
    (wh.drop / "archive").mkdir()
    os.symlink(wh.drop / "archive", council / "school_census_20250331.csv")
    (wh.drop / ".snapshot" / "council").mkdir(parents=True)  # a file share's own folder: not searched
    (wh.drop / ".snapshot" / "council" / CENSUS_FILE).write_bytes(b"z")

    assert [d.name for d in deliveries_for(contract(CENSUS), wh.drop, TODAY)] == [CENSUS_FILE]
    strays = unrecognised_files(wh.drop)
    outcomes = [record_unrecognised(wh.con, s) for s in strays]

    assert [(o.status, wh.file(o.file_id)["reason_code"], o.message) for o in outcomes] == [
        ("rejected", "BAD_FILE_NAME", "council/..\\..\\school_census_20250731.csv: the file name looks like a "
                                      "path: not read; name it <extract>_<YYYYMMDD>.<ext>"),
        ("rejected", "BAD_FILE_NAME", "council/.school_census_20250831.csv: the file name is hidden (starts "
                                      "with '.'): not read; name it <extract>_<YYYYMMDD>.<ext>"),
        ("rejected", "NOT_A_FILE", "council/school_census_20250331.csv: not a regular file (a folder link or "
                                   "a device): not read"),
        ("rejected", "OUTSIDE_DROP", "council/school_census_20250430.csv: a link to a file outside the drop "
                                     "folder: not read; put the file itself in the drop"),
        ("rejected", "BROKEN_LINK", "council/school_census_20250531.csv: a link to a file that does not exist: "
                                    "not read; put the file itself in the drop"),
    ]
    assert [wh.file(o.file_id)["sha256"] is None for o in outcomes] == [False, False, True, True, True]
    assert [record_unrecognised(wh.con, s) for s in unrecognised_files(wh.drop)] == [None] * 5  # recorded once


def test_a_link_to_a_file_inside_the_drop_is_landed(wh):
    wh.put_rows(CENSUS)
    os.symlink(wh.drop / "council" / CENSUS_FILE, wh.drop / "council" / "school_census_20250630.csv")

    outcomes = wh.land(CENSUS)

    assert [o and o.status for o in outcomes] == ["accepted", "duplicate"]
    assert unrecognised_files(wh.drop) == []


# --- 8. the newest delivery for a partner, extract and date is current ---------------------

def _current(wh) -> int:
    return current_file(wh.con, contract(CENSUS))[0]


def test_resending_the_previous_good_file_after_a_rejection_clears_the_hold(wh):
    good = extract_bytes(CENSUS, valid_rows(CENSUS))
    first = land_census(wh, good)
    assert land_census(wh, b"\xef\xbb\xbf").status == "rejected"
    assert delivery_problems(wh.con, contract(CENSUS)) != []

    again = land_census(wh, good)

    assert counts(again) == ("accepted", 3, 3, 0)
    assert _current(wh) == again.file_id != first.file_id
    assert delivery_problems(wh.con, contract(CENSUS)) == []
    assert [f["status"] for f in file_statuses(wh.con) if f["extract"] == "school_census"] == [
        "superseded", "rejected", "accepted"]
    assert rejected_files(wh.con) == []  # the board report no longer lists the rejection
    assert land_census(wh, good) is None  # the current file again changes nothing


def test_the_current_file_again_is_known_by_its_bytes_and_never_read(wh, monkeypatch):
    good = extract_bytes(CENSUS, valid_rows(CENSUS))
    assert land_census(wh, good).status == "accepted"

    def unread(name, *_):
        raise AssertionError(f"{name} was read again")
    monkeypatch.setattr("connectors.landing.read_csv", unread)  # an unchanged drop costs no parsing

    assert land_census(wh, good) is None


def test_resending_an_earlier_version_after_a_correction_makes_it_current_again(wh):
    original = extract_bytes(CENSUS, valid_rows(CENSUS))
    corrected_rows = valid_rows(CENSUS)
    corrected_rows[2]["primary_need"] = "ASD"
    land_census(wh, original)
    correction = land_census(wh, extract_bytes(CENSUS, corrected_rows))

    undo = land_census(wh, original)

    assert counts(undo) == ("accepted", 3, 3, 0)
    assert _current(wh) == undo.file_id
    assert wh.file(correction.file_id)["status"] == "superseded"
    assert [r["primary_need"] for r in wh.rows("clean", CENSUS, undo.file_id)] == ["ASD", "SPLD", None]
    (accepted,) = wh.query("select file_id from landing.files where status = 'accepted' and extract = ?",
                           ["school_census"])  # one accepted file per date: every reader agrees on it
    assert accepted["file_id"] == undo.file_id


def test_resending_a_rejected_file_after_a_good_one_rejects_it_again(wh):
    land_census(wh, b"not,the,header\n1,2,3\n")
    land_census(wh, extract_bytes(CENSUS, valid_rows(CENSUS)))

    again = land_census(wh, b"not,the,header\n1,2,3\n")

    assert again.status == "rejected"
    assert delivery_problems(wh.con, contract(CENSUS))[0].startswith(f"council/{CENSUS_FILE}: rejected")


# --- 9. a corrupt XLSX -----------------------------------------------------------------

def test_an_xlsx_with_broken_sheet_xml_is_a_rejected_file(wh):
    header, rows = sheet_rows(CAMHS_NORTH)
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(header, rows)))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename == "xl/worksheets/sheet1.xml" else data)
    wh.put("nscht", CAMHS_NORTH_FILE, broken.getvalue())

    (outcome,) = wh.land(CAMHS_NORTH)

    assert outcome.status == "rejected"
    record = wh.file(outcome.file_id)
    assert (record["reason_code"], record["rows_received"]) == ("UNREADABLE", 0)
    assert record["message"].startswith(f"{CAMHS_NORTH_FILE}: not a readable XLSX workbook (")


# --- 11. dates in order -----------------------------------------------------------------

@pytest.mark.parametrize("name", [SLT, "mpft__camhs_referrals", CAMHS_NORTH])
def test_a_date_of_birth_after_the_referral_is_a_row_issue(wh, name):
    rows = valid_rows(name)
    rows[0]["date_of_birth"] = date(2024, 10, 2) if contract(name).format == "xlsx" else "2024-10-02"

    outcome = wh.land_one(name, rows)

    assert counts(outcome) == ("accepted", 3, 2, 1)
    assert ((2, "referral_date", "DATE_ORDER", "quarantined",
             f"{file_name(name)}: row 2, field referral_date: date before date_of_birth of the same row")
            in wh.issues(outcome.file_id))


def test_a_month_after_the_as_at_date_is_a_row_issue(wh):
    rows = valid_rows("council__post16_activity")
    rows[0]["activity_month"] = "2025-08"

    outcome = wh.land_one("council__post16_activity", rows)

    assert wh.issues(outcome.file_id) == [
        (2, "activity_month", "DATE_OUT_OF_RANGE", "quarantined",
         f"{file_name('council__post16_activity')}: row 2, field activity_month: month after the as-at date")]


def test_a_future_date_stays_valid_where_the_contract_allows_it(wh, tmp_path):
    path = tmp_path / "council" / "review_plans.yml"
    path.parent.mkdir()
    path.write_text("title: Planned reviews\ncadence: monthly\nkey: [plan_id]\ncolumns:\n"
                    "  plan_id: {type: text, required: true}\n"
                    "  reviewed_date: {type: date, not_after: as_at}\n"
                    "  next_review_date: {type: date, not_before: reviewed_date}\n")
    planned = _load(path, _code_lists())
    wh.put("council", "review_plans_20250731.csv", csv_bytes(
        ["plan_id", "reviewed_date", "next_review_date"],
        [["P1", "2025-07-01", "2026-01-01"], ["P2", "2025-08-01", None], ["P3", "2025-07-01", "2025-06-01"]]))

    (outcome,) = [land(wh.con, planned, d, wh.landing_dir) for d in deliveries_for(planned, wh.drop, TODAY)]

    assert [(n, f, reason) for n, f, reason, *_ in wh.issues(outcome.file_id)] == [
        (3, "reviewed_date", "DATE_OUT_OF_RANGE"), (4, "next_review_date", "DATE_ORDER")]
    assert wh.rows("clean", "council__review_plans", outcome.file_id)[0]["next_review_date"] == date(2026, 1, 1)


@pytest.mark.parametrize("column, problem", [
    ("{type: date, not_before: plan_id}", "column d: not_before must name a date column, not 'plan_id'"),
    ("{type: date, not_before: as_at}", "column d: not_before must name a date column, not 'as_at'"),
    ("{type: text, not_after: as_at}", "column d: not_after applies to a date (or a month, as_at only)"),
])
def test_a_date_bound_must_name_a_date(tmp_path, column, problem):
    path = tmp_path / "council" / "x.yml"
    path.parent.mkdir()
    path.write_text(f"title: x\ncadence: monthly\nkey: [plan_id]\ncolumns:\n  plan_id: {{type: text}}\n  d: {column}\n")

    with pytest.raises(ContractError, match=re.escape(problem)):
        _load(path, _code_lists())
