"""The drop holds exactly the specification's files, names and headers."""
from __future__ import annotations

import csv
import re
from datetime import datetime

from openpyxl import load_workbook

from connectors.contracts import DATE_TYPES, all_contracts
from tests.sample_data.sen2_files import sen2_date

CSV_HEADERS = {
    ("council", "school_census"): [
        "upn", "la_child_id", "census_date", "school_urn", "school_type", "year_group",
        "date_of_birth", "sex", "ethnicity", "postcode", "lsoa_code", "sen_provision",
        "primary_need", "fsm_eligible", "sessions_possible", "sessions_missed", "suspensions",
        "permanent_exclusion"],
    ("council", "eapdr_requests"): [
        "request_id", "upn", "la_child_id", "hub_district", "request_date", "support_type",
        "status", "outcome"],
    ("council", "early_years_entitlements"): [
        "child_id", "la_child_id", "date_of_birth", "sex", "term", "entitlement", "send_marker",
        "send_marker_source", "hours_taken", "postcode", "lsoa_code"],
    ("council", "post16_activity"): [
        "ccis_id", "la_child_id", "upn", "date_of_birth", "postcode", "lsoa_code", "sen_status", "activity",
        "activity_month"],
    ("icb", "gp_registered_population"): [
        "nhs_number", "date_of_birth", "sex", "postcode", "lsoa_code", "practice_code",
        "registration_date", "learning_disability_register", "autism_diagnosis",
        "annual_health_check_date"],
    ("icb", "gp_practices"): ["practice_code", "practice_name", "sub_icb_code", "postcode", "lsoa_code"],
    ("icb", "lsoa_lookup"): [
        "lsoa_code", "lsoa_name", "lad_code", "lad_name", "sub_icb_code", "sub_icb_name"],
    ("mpft", "slt_referrals"): [
        "referral_id", "nhs_number", "date_of_birth", "referral_date", "referral_source",
        "sub_icb_code", "first_assessment_date", "discharge_date"],
    ("mpft", "camhs_referrals"): [
        "referral_id", "nhs_number", "date_of_birth", "referral_date", "service_line",
        "sub_icb_code", "first_contact_date", "second_contact_date", "treatment_start_date",
        "closed_date"],
    ("mpft", "reasonable_adjustment_flags"): [
        "flag_id", "nhs_number", "status", "consent", "recorded_date", "last_reviewed_date", "recorded_by",
        "impairments", "adjustment_categories", "adjustments"],
    ("mpft", "epr_send_markers"): ["nhs_number", "marker_date", "marker_source"],
}
# The SEN2 return's nine modules and the GIAS download (national-formats.md v2): headers as their contracts say.
CSV_HEADERS |= {(c.partner, c.extract): [col.source_header for col in c.columns]
                for c in all_contracts() if c.group == "sen2" or c.extract == "establishments"}
ENCODING = {("council", "establishments"): "cp1252"}
XLSX_HEADERS = {
    "camhs_referrals": [
        "Referral ID", "NHS Number", "Date of Birth", "Referral Received Date", "Service Line",
        "Sub-ICB Code", "First Contact Date", "Second Contact Date", "Treatment Start Date",
        "Closed Date"],
    "reasonable_adjustment_flags": [
        "Flag ID", "NHS Number", "Status", "Consent", "Recorded Date", "Last Reviewed Date", "Recorded By",
        "Impairments", "Adjustment Categories", "Adjustments"],
}


def test_exactly_the_specified_files_are_written_and_returned(small_drop):
    stamp = small_drop.stamp
    assert stamp == "20250731"
    expected = {f"{partner}/{name}_{stamp}.csv" for partner, name in CSV_HEADERS}
    expected |= {f"nscht/{name}_{stamp}.xlsx" for name in XLSX_HEADERS}
    written = {str(p.relative_to(small_drop.root)) for p in small_drop.root.rglob("*") if p.is_file()}
    assert written == expected
    assert {str(p.relative_to(small_drop.root)) for p in small_drop.paths} == expected
    assert len(small_drop.paths) == 13 + 9 + 1


def test_csv_headers_are_the_spec_columns_in_order(small_drop):
    for (partner, name), columns in CSV_HEADERS.items():
        raw = small_drop.path(partner, name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert raw.decode(ENCODING.get((partner, name), "utf-8")).split("\n", 1)[0] == ",".join(columns), name


def test_every_csv_has_rows_of_the_header_width(small_drop):
    for (partner, name), columns in CSV_HEADERS.items():
        with small_drop.path(partner, name).open(newline="", encoding=ENCODING.get((partner, name), "utf-8")) as f:
            rows = list(csv.reader(f))[1:]
        assert rows, f"{partner}/{name} is empty"
        assert {len(r) for r in rows} == {len(columns)}, name


def test_xlsx_has_one_sheet_human_headers_and_both_date_forms(small_drop):
    for name, headers in XLSX_HEADERS.items():
        book = load_workbook(small_drop.path("nscht", name), read_only=True)
        assert len(book.sheetnames) == 1
        rows = list(book.active.iter_rows(values_only=True))
        assert list(rows[0]) == headers
        assert len(rows) > 1
        assert {len(row) for row in rows} == {len(headers)}, f"{name}: rows cut short (sheet not sized)"
        values = [v for row in rows[1:] for v in row]
        assert any(isinstance(v, datetime) for v in values), f"{name}: no Excel dates"
        text_dates = [v for v in values if isinstance(v, str) and re.fullmatch(r"\d\d/\d\d/\d{4}", v)]
        assert text_dates, f"{name}: no DD/MM/YYYY text dates"
        assert all(datetime.strptime(v, "%d/%m/%Y") for v in text_dates)


def test_iso_dates_in_csv(small_drop):
    for partner, extract in (("council", "school_census"), ("icb", "gp_registered_population")):
        frame = small_drop.csv(partner, extract)
        assert frame["date_of_birth"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), extract


def test_sen2_dates_are_iso_or_the_export_form(small_drop):
    """Every SEN2 date item is ISO or ``YYYY-Mon-DD HH:MM:SS`` (both forms in the return)."""
    forms = {"iso": r"\d{4}-\d{2}-\d{2}", "export": r"\d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}"}
    seen = set()
    for c in all_contracts():
        if c.group != "sen2":
            continue
        frame = small_drop.csv(c.partner, c.extract)
        for column in (col for col in c.columns if col.type in DATE_TYPES):
            values = frame[column.source_header].dropna()
            matches = {form: values.str.fullmatch(pattern) for form, pattern in forms.items()}
            assert (matches["iso"] | matches["export"]).all(), (c.extract, column.name)
            sen2_date(values)
            seen |= {form for form, match in matches.items() if match.any()}
    assert seen == set(forms)
