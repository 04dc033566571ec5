"""The broken-input corpus: each way a partner file goes wrong, with its exact outcome."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from connectors.drop import unrecognised_files
from connectors.landing import record_unrecognised
from tests.connectors.conftest import (
    LA_CHILD, LSOA, POSTCODE, TODAY, UPN, contract, csv_bytes, extract_bytes, file_name, valid_rows,
)

# The school census is the prototype council CSV extract; rules it lacks are shown on the extract
# that has them: an optional NHS number and dates bounded by date_of_birth (SLT referrals), an
# optional UPN and a compound key (post-16 activity).
CENSUS = "council__school_census"
CENSUS_FILE = "school_census_20250731.csv"
CENSUS_HEADER = [c.name for c in contract(CENSUS).columns]
SLT, POST16 = "mpft__slt_referrals", "council__post16_activity"


def census_lines(rows: list[dict] | None = None) -> list[str]:
    """The lines of a valid school census file (or of ``rows``), header first."""
    return extract_bytes(CENSUS, valid_rows(CENSUS) if rows is None else rows).decode().splitlines()


def land_census(wh, data: bytes, name: str = CENSUS_FILE, today: date = TODAY):
    wh.put("council", name, data)
    (outcome,) = wh.land(CENSUS, today)
    return outcome


def assert_rejected(wh, outcome, reason: str, message: str) -> None:
    """Rejected with this reason and message: no counts, no rows anywhere."""
    assert outcome.status == "rejected"
    row = wh.file(outcome.file_id)
    assert (row["status"], row["reason_code"], row["message"]) == ("rejected", reason, message)
    assert (row["rows_received"], row["rows_accepted"], row["rows_quarantined"]) == (0, 0, 0)
    assert wh.issues(outcome.file_id) == []


# --- file-level: the file is rejected -------------------------------------------------

def test_missing_required_column_is_rejected_naming_column_and_file(wh):
    rows = [{k: v for k, v in r.items() if k != "sex"} for r in valid_rows(CENSUS)]
    header = [h for h in CENSUS_HEADER if h != "sex"]
    outcome = land_census(wh, csv_bytes(header, [list(r.values()) for r in rows]))

    assert_rejected(wh, outcome, "MISSING_COLUMN", f"{CENSUS_FILE}: missing required column(s) 'sex'")


def test_file_without_header_is_rejected_without_echoing_its_identifiers(wh):
    rows = valid_rows(CENSUS)
    rows[0]["la_child_id"] = rows[0]["upn"]  # read as the header, the first row repeats an identifier
    outcome = land_census(wh, "\n".join(census_lines(rows)[1:]).encode())

    assert outcome.status == "rejected"
    message = wh.file(outcome.file_id)["message"]
    assert message.startswith(f"{CENSUS_FILE}: missing required column(s) 'upn', 'la_child_id'")
    assert not [i for i in (*UPN, *LA_CHILD, *POSTCODE, *LSOA) if i in message]


def test_garbage_bytes_are_unreadable(wh):
    outcome = land_census(wh, bytes(range(256)) * 4)

    assert_rejected(wh, outcome, "UNREADABLE",
                    f"{CENSUS_FILE}: not UTF-8 text (byte 0x80 at offset 128); re-export the file as UTF-8")


def test_corrupt_xlsx_is_unreadable(wh):
    data = extract_bytes("nscht__camhs_referrals", valid_rows("nscht__camhs_referrals"))
    wh.put("nscht", "camhs_referrals_20250731.xlsx", data[: len(data) // 2])

    (outcome,) = wh.land("nscht__camhs_referrals")

    assert_rejected(wh, outcome, "UNREADABLE", "camhs_referrals_20250731.xlsx: not a readable XLSX workbook "
                                               "(File is not a zip file)")


@pytest.mark.parametrize("data", [b"", b" \r\n\n", b"\xef\xbb\xbf\r\n"], ids=["zero-bytes", "blank-lines", "bom-only"])
def test_empty_file_is_rejected(wh, data):
    outcome = land_census(wh, data)

    assert_rejected(wh, outcome, "EMPTY_FILE", f"{CENSUS_FILE}: the file is empty")


def test_header_only_file_is_rejected(wh):
    outcome = land_census(wh, (census_lines()[0] + "\n").encode())

    assert_rejected(wh, outcome, "EMPTY_FILE", f"{CENSUS_FILE}: header only, no data rows")


def test_header_only_xlsx_is_rejected(wh):
    wh.put("nscht", "camhs_referrals_20250731.xlsx", extract_bytes("nscht__camhs_referrals", []))

    (outcome,) = wh.land("nscht__camhs_referrals")

    assert_rejected(wh, outcome, "EMPTY_FILE", "camhs_referrals_20250731.xlsx: header only, no data rows")


def test_future_as_at_is_rejected_and_lands_once_the_date_has_come(wh):
    name = "school_census_20250805.csv"
    rejected = land_census(wh, extract_bytes(CENSUS, valid_rows(CENSUS)), name, today=date(2025, 8, 4))
    assert_rejected(wh, rejected, "BAD_AS_AT_DATE", f"{name}: as-at date 2025-08-05 is in the future")

    assert wh.land(CENSUS, today=date(2025, 8, 4)) == [None]  # nothing new
    (accepted,) = wh.land(CENSUS, today=date(2025, 8, 5))

    assert (accepted.status, accepted.rows_received, accepted.rows_accepted) == ("accepted", 3, 3)


@pytest.mark.parametrize("name", ["school_census_2025-07-31.csv", "school_census_20250231.csv",
                                  "school_census_20250731.csv.bak"])
def test_unparseable_dated_file_name_is_rejected(wh, name):
    outcome = land_census(wh, extract_bytes(CENSUS, valid_rows(CENSUS)), name)

    assert_rejected(wh, outcome, "BAD_FILE_NAME", f"{name}: file name not of the form "
                                                  "school_census_YYYYMMDD.csv with a real date")
    assert wh.file(outcome.file_id)["as_at"] is None


def test_wrong_file_type_is_a_bad_file_name(wh):
    outcome = land_census(wh, extract_bytes(CENSUS, valid_rows(CENSUS)), "school_census_20250731.xlsx")

    assert_rejected(wh, outcome, "BAD_FILE_NAME",
                    "school_census_20250731.xlsx: council sends school_census as .csv, not .xlsx")


def test_files_no_contract_claims_are_rejected_and_recorded_once(wh):
    wh.put("council", "school_census.csv", extract_bytes(CENSUS, valid_rows(CENSUS)))
    wh.put("council", "notes.txt", b"call Sam about the July file")
    wh.put("unknown_partner", "school_census_20250731.csv", b"x")
    strays = unrecognised_files(wh.drop)

    outcomes = [record_unrecognised(wh.con, s) for s in strays]

    hint = "not a recognised extract file name (<partner>/<extract>_<YYYYMMDD>.<ext>, see the extract specification)"
    assert [(o.status, o.file_name, o.message) for o in outcomes] == [
        ("rejected", "council/notes.txt", f"council/notes.txt: {hint}"),
        ("rejected", "council/school_census.csv", f"council/school_census.csv: {hint}"),
        ("rejected", "unknown_partner/school_census_20250731.csv",
         f"unknown_partner/school_census_20250731.csv: {hint}")]
    assert [(r["partner"], r["extract"], r["reason_code"]) for r in
            wh.query("select * from landing.files where file_id in (select unnest(?)) order by file_id",
                     [[o.file_id for o in outcomes]])] == [
        ("council", None, "BAD_FILE_NAME"), ("council", None, "BAD_FILE_NAME"),
        ("unknown_partner", None, "BAD_FILE_NAME")]
    assert [record_unrecognised(wh.con, s) for s in unrecognised_files(wh.drop)] == [None, None, None]


def test_semicolon_delimited_file_is_rejected_with_a_delimiter_hint(wh):
    outcome = land_census(wh, "\n".join(line.replace(",", ";") for line in census_lines()).encode())

    assert_rejected(wh, outcome, "MISSING_COLUMN",
                    f"{CENSUS_FILE}: missing required column(s) {', '.join(repr(h) for h in CENSUS_HEADER)} "
                    "(the header is one field: is the file comma-separated?)")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_latin1_file_is_unreadable_naming_the_byte_offset(wh, bom):
    rows = valid_rows(CENSUS)
    rows[1]["school_urn"] = "Ecole Sainte-Thérèse"
    data = bom + "\n".join(census_lines(rows)).encode("latin-1")
    offset = data.index(b"\xe9")
    outcome = land_census(wh, data)

    assert_rejected(wh, outcome, "UNREADABLE", f"{CENSUS_FILE}: not UTF-8 text (byte 0xe9 at offset {offset}); "
                                               "re-export the file as UTF-8")


def test_xlsx_with_a_renamed_header_is_rejected_naming_the_human_header(wh):
    data = extract_bytes("nscht__camhs_referrals", valid_rows("nscht__camhs_referrals"))
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["D1"] = "Date Referral Received"
    buffer = io.BytesIO()
    workbook.save(buffer)
    wh.put("nscht", "camhs_referrals_20250731.xlsx", buffer.getvalue())

    (outcome,) = wh.land("nscht__camhs_referrals")

    assert_rejected(wh, outcome, "MISSING_COLUMN",
                    "camhs_referrals_20250731.xlsx: missing required column(s) 'Referral Received Date'")


def test_cut_inside_an_open_quote_rejects_the_file(wh):
    """The parser cannot tell where the quoted field should have ended (it may have swallowed
    any number of rows), so the file is rejected rather than guessed at."""
    lines = census_lines()
    data = "\n".join([*lines[:3], f'{UPN[2]},,2025-05-15,124003,SPECIAL,R,2020-01-15,U,NOBT,"WS11 1'])

    outcome = land_census(wh, data.encode())

    assert_rejected(wh, outcome, "UNREADABLE",
                    f"{CENSUS_FILE}: line 4: malformed CSV (unexpected end of data)")


# --- row-level: the row is quarantined, or kept with the value treated as missing -------

def test_truncated_last_row_is_quarantined_and_the_rest_accepted(wh):
    lines = census_lines()
    outcome = land_census(wh, "\n".join([*lines[:3], lines[3][:40]]).encode())

    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == \
        ("accepted", 3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (4, "(row)", "MALFORMED_ROW", "quarantined",
         f"{CENSUS_FILE}: row 4: the row has a different number of fields from the header")]
    assert [r["_row_number"] for r in wh.rows("clean", CENSUS, outcome.file_id)] == [2, 3]


def test_unexpected_extra_column_is_accepted_and_reported(wh):
    lines = census_lines()
    data = "\n".join([lines[0] + ",case_worker", *(line + ",Sam" for line in lines[1:])])

    outcome = land_census(wh, data.encode())

    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == \
        ("accepted", 3, 3, 0)
    assert outcome.message == wh.file(outcome.file_id)["message"] == \
        f"{CENSUS_FILE}: unexpected extra column(s) ignored: 'case_worker'"
    assert "case_worker" not in wh.rows("landing", CENSUS, outcome.file_id)[0]


def row_3(name: str) -> str:
    return f"{file_name(name)}: row 3, field"


@pytest.mark.parametrize("name, field, value, reason, action, message", [
    (CENSUS, "sex", None, "MISSING_VALUE", "quarantined", f"{row_3(CENSUS)} sex: a required value is empty"),
    (SLT, "referral_date", "20/05/2019", "WRONG_TYPE", "quarantined",
     f"{row_3(SLT)} referral_date: not a date (YYYY-MM-DD)"),
    (SLT, "referral_date", "2019-02-30", "WRONG_TYPE", "quarantined",
     f"{row_3(SLT)} referral_date: not a date (YYYY-MM-DD)"),
    (SLT, "discharge_date", "2025-08-01", "DATE_OUT_OF_RANGE", "quarantined",
     f"{row_3(SLT)} discharge_date: date outside 1990-01-01 .. the as-at date"),
    (CENSUS, "sex", "X", "CODE_NOT_IN_LIST", "quarantined", f"{row_3(CENSUS)} sex: not one of the agreed codes"),
    (POST16, "upn", "A12345", "WRONG_FORMAT", "quarantined", f"{row_3(POST16)} upn: does not have the agreed format"),
    (CENSUS, "date_of_birth", "1999-07-31", "AGE_OVER_25", "quarantined",
     f"{row_3(CENSUS)} date_of_birth: person older than 25 at the as-at date (out of scope)"),
    (SLT, "nhs_number", "943 476 5918", "INVALID_NHS_NUMBER", "kept",
     f"{row_3(SLT)} nhs_number: NHS number fails the modulus-11 check (row kept, identifier treated as missing)"),
    (SLT, "nhs_number", "9000000050", "INVALID_NHS_NUMBER", "kept",
     f"{row_3(SLT)} nhs_number: NHS number fails the modulus-11 check (row kept, identifier treated as missing)"),
    (CENSUS, "lsoa_code", "E01099999", "LSOA_NOT_IN_LOOKUP", "kept",
     f"{row_3(CENSUS)} lsoa_code: LSOA code not in the current lsoa_lookup (row kept, geography unknown)"),
    (CENSUS, "postcode", "ST16 2A", "INVALID_POSTCODE", "kept",
     f"{row_3(CENSUS)} postcode: not a UK postcode (row kept, postcode treated as missing)"),
])
def test_row_level_problem(wh, name, field, value, reason, action, message):
    rows = valid_rows(name)
    rows[1][field] = value

    outcome = wh.land_one(name, rows)

    quarantined = int(action == "quarantined")
    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == \
        ("accepted", 3, 3 - quarantined, quarantined)
    assert wh.issues(outcome.file_id) == [(3, field, reason, action, message)]
    clean = {r["_row_number"]: r for r in wh.rows("clean", name, outcome.file_id)}
    if action == "kept":
        assert clean[3][contract(name).column(field).clean_name] is None
    else:
        assert sorted(clean) == [2, 4]


def test_person_aged_25_is_in_scope(wh):
    rows = valid_rows(CENSUS)
    rows[1]["date_of_birth"] = "1999-08-01"  # 26 the day after the as-at date (2025-07-31)

    outcome = land_census(wh, extract_bytes(CENSUS, rows))

    assert (outcome.rows_accepted, outcome.rows_quarantined) == (3, 0)
    assert wh.rows("clean", CENSUS, outcome.file_id)[1]["date_of_birth"] == date(1999, 8, 1)


def test_duplicate_key_quarantines_the_later_row_naming_the_first(wh):
    rows = valid_rows(POST16)
    rows[2]["ccis_id"], rows[2]["activity_month"] = rows[0]["ccis_id"], rows[0]["activity_month"]

    outcome = wh.land_one(POST16, rows)

    assert (outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == (3, 2, 1)
    assert wh.issues(outcome.file_id) == [
        (4, "ccis_id+activity_month", "DUPLICATE_KEY", "quarantined",
         f"{file_name(POST16)}: row 4, field ccis_id+activity_month: repeats the key of row 2")]


def test_several_problems_in_one_row_count_it_once(wh):
    rows = valid_rows(CENSUS)
    rows[0].update(sex="X", postcode="ST16 2A", sen_provision=None)

    outcome = land_census(wh, extract_bytes(CENSUS, rows))

    assert (outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == (3, 2, 1)
    assert [(r, f, reason, action) for r, f, reason, action, _ in wh.issues(outcome.file_id)] == [
        (2, "postcode", "INVALID_POSTCODE", "kept"),
        (2, "sen_provision", "MISSING_VALUE", "quarantined"),
        (2, "sex", "CODE_NOT_IN_LIST", "quarantined")]
