"""Readers: CSV encodings, quoting and line endings; XLSX human headers and both date forms."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from connectors.pseudonymise import pseudonym
from tests.connectors.conftest import AS_AT, KEY, LSOA, NHS, csv_bytes, extract_bytes, valid_rows

LOOKUP_HEADER = ["lsoa_code", "lsoa_name", "lad_code", "lad_name", "sub_icb_code", "sub_icb_name"]
# Quoted fields: a comma, doubled quotes and an embedded line break.
AWKWARD_ROWS = [
    [LSOA[0], 'Stafford 001A, "Rowley"', "E07000197", "Stafford", "05V", "Stafford and Surrounds"],
    [LSOA[1], "Newcastle 002B\nsecond line", "E07000195", "Newcastle-under-Lyme", "05G", None],
    [LSOA[2], "Cannock Chase 003C", "E07000192", "Cannock Chase", "04Y", "Cannock Chase"],
]


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_csv_utf8_quoting_and_line_endings(empty_wh, bom, newline):
    empty_wh.put("icb", "lsoa_lookup_20250731.csv", csv_bytes(LOOKUP_HEADER, AWKWARD_ROWS, newline=newline, bom=bom))

    (outcome,) = empty_wh.land("icb__lsoa_lookup")

    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined,
            outcome.message) == ("accepted", 3, 3, 0, None)
    expected = [{"_row_number": n, **dict(zip(LOOKUP_HEADER, row))} for n, row in enumerate(AWKWARD_ROWS, 2)]
    assert empty_wh.rows("landing", "icb__lsoa_lookup", outcome.file_id) == expected
    assert empty_wh.rows("clean", "icb__lsoa_lookup", outcome.file_id) == [
        {"_as_at": AS_AT, **row} for row in expected]


def test_xlsx_human_headers_map_to_canonical_names_and_both_date_forms_parse(empty_wh):
    outcome = empty_wh.land_one("nscht__camhs_referrals")

    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == \
        ("accepted", 3, 3, 0)
    assert empty_wh.issues(outcome.file_id) == []
    # Excel date cells land as ISO text, DD/MM/YYYY text stays as sent.
    assert [(r["date_of_birth"], r["referral_date"]) for r in
            empty_wh.rows("landing", "nscht__camhs_referrals", outcome.file_id)] == [
        ("2011-06-07", "2024-10-01"), ("07/06/2009", "15/01/2025"), ("2014-02-28", "01/07/2025")]
    clean = empty_wh.rows("clean", "nscht__camhs_referrals", outcome.file_id)
    assert list(clean[0]) == [
        "_row_number", "_as_at", "referral_id", "nhs_number_pseudo", "date_of_birth", "referral_date",
        "service_line", "sub_icb_code", "first_contact_date", "second_contact_date",
        "treatment_start_date", "closed_date"]
    assert clean[1] == {
        "_row_number": 3, "_as_at": AS_AT, "referral_id": "NS-002", "nhs_number_pseudo": pseudonym(KEY, NHS[2]),
        "date_of_birth": date(2009, 6, 7), "referral_date": date(2025, 1, 15), "service_line": "GETTING_ADVICE",
        "sub_icb_code": "05W", "first_contact_date": date(2025, 2, 3), "second_contact_date": None,
        "treatment_start_date": None, "closed_date": date(2025, 6, 30)}
    assert [(r["date_of_birth"], r["referral_date"], r["first_contact_date"]) for r in clean] == [
        (date(2011, 6, 7), date(2024, 10, 1), date(2024, 11, 4)),
        (date(2009, 6, 7), date(2025, 1, 15), date(2025, 2, 3)),
        (date(2014, 2, 28), date(2025, 7, 1), None)]


def _flags_sheet(cell_right_of_header: str | None) -> bytes:
    """nscht flags with a cell in column L (the header ends at J) of data row 3: a value, or
    an empty but formatted cell as Excel leaves behind."""
    flags = "nscht__reasonable_adjustment_flags"
    workbook = load_workbook(io.BytesIO(extract_bytes(flags, valid_rows(flags))))
    cell = workbook.active.cell(row=3, column=12, value=cell_right_of_header)
    cell.number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_empty_cells_right_of_the_header_are_not_extra_fields(empty_wh):
    empty_wh.put("nscht", "reasonable_adjustment_flags_20250731.xlsx", _flags_sheet(None))

    (outcome,) = empty_wh.land("nscht__reasonable_adjustment_flags")

    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == \
        ("accepted", 3, 3, 0)


def test_xlsx_value_right_of_the_header_is_a_malformed_row(empty_wh):
    empty_wh.put("nscht", "reasonable_adjustment_flags_20250731.xlsx", _flags_sheet("stray note"))

    (outcome,) = empty_wh.land("nscht__reasonable_adjustment_flags")

    assert (outcome.status, outcome.rows_received, outcome.rows_accepted, outcome.rows_quarantined) == \
        ("accepted", 3, 2, 1)
    assert empty_wh.issues(outcome.file_id) == [
        (3, "(row)", "MALFORMED_ROW", "quarantined",
         "reasonable_adjustment_flags_20250731.xlsx: row 3: the row has a different number of fields "
         "from the header")]
